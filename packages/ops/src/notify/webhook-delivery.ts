import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from '@quantum/core'
import { formatAlert, type Alert, type WebhookFormat } from './alert.js'

/** Where and how to deliver alerts. */
export interface WebhookTarget {
  /** Receiver URL (for Telegram `https://api.telegram.org/bot<token>/sendMessage`; read tokens from the environment). */
  readonly url: string
  /** Payload shape. */
  readonly format: WebhookFormat
  /** Telegram chat id. */
  readonly chatId?: string
  /** Extra request headers (e.g. an authorization header for your own endpoint). */
  readonly headers?: Readonly<Record<string, string>>
}

/** Retry and queue settings of a {@link WebhookDelivery}. */
export interface DeliverySettings {
  /** Attempts per alert, the first included. */
  readonly attempts: number
  /** First backoff delay, ms; doubles per attempt, with jitter. */
  readonly baseDelayMs: number
  /** Longest backoff delay, ms (a 429's `Retry-After` is honoured up to this). */
  readonly maxDelayMs: number
  /** Per-request timeout, ms. */
  readonly timeoutMs: number
  /** Alerts waiting per target beyond which the oldest are dropped (counted). */
  readonly maxQueue: number
}

/** Delivery counts, per delivery. */
export interface DeliveryStats {
  delivered: number
  failed: number
  dropped: number
  retries: number
}

/** A request that failed in a way retrying may fix. */
class Retryable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message)
  }
}

/**
 * Delivers alerts to one webhook, in order, in the background: {@link enqueue} returns at once, so
 * trading never waits on a receiver. Network errors, timeouts, 429 and 5xx are retried with
 * exponential backoff (a 429's `Retry-After` honoured); other 4xx are permanent. A failed alert is
 * logged and counted, never thrown. The queue is bounded: past `maxQueue` the oldest alert is dropped.
 */
export class WebhookDelivery {
  /** Counts since creation. */
  readonly stats: DeliveryStats = { delivered: 0, failed: 0, dropped: 0, retries: 0 }
  private readonly queue: Alert[] = []
  private running: Promise<void> | undefined
  private closing = false

  constructor(
    readonly target: WebhookTarget,
    private readonly settings: DeliverySettings,
    private readonly logger: Logger,
  ) {}

  /** Queues an alert for delivery; never blocks, never throws. */
  enqueue(alert: Alert): void {
    this.queue.push(alert)
    if (this.queue.length > this.settings.maxQueue) {
      this.queue.shift()
      this.stats.dropped++
    }
    this.running ??= this.drain().finally(() => {
      this.running = undefined
    })
  }

  /** Alerts not yet delivered or given up. */
  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0)
  }

  /**
   * Waits for the queue to empty, at most `timeoutMs`; afterwards retries stop and what is left is
   * counted as dropped. Resolves with the number of alerts left undelivered.
   */
  async flush(timeoutMs: number): Promise<number> {
    const running = this.running
    if (running) await Promise.race([running, sleep(timeoutMs, undefined, { ref: false })])
    this.closing = true
    const left = this.queue.length
    this.stats.dropped += left
    this.queue.length = 0
    return left
  }

  private async drain(): Promise<void> {
    for (let alert = this.queue.shift(); alert !== undefined; alert = this.queue.shift()) {
      await this.deliver(alert)
    }
  }

  private async deliver(alert: Alert): Promise<void> {
    const { attempts, baseDelayMs, maxDelayMs } = this.settings
    for (let attempt = 1; ; attempt++) {
      try {
        await this.post(alert)
        this.stats.delivered++
        return
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        if (!(error instanceof Retryable) || attempt >= attempts || this.closing) {
          this.stats.failed++
          this.logger.error('alert not delivered', {
            kind: alert.kind,
            receiver: redactUrl(this.target.url),
            attempt,
            error: message,
          })
          return
        }
        this.stats.retries++
        const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2)
        await sleep(Math.min(maxDelayMs, error.retryAfterMs ?? backoff), undefined, { ref: false })
      }
    }
  }

  private async post(alert: Alert): Promise<void> {
    let response: Response
    try {
      response = await fetch(this.target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.target.headers },
        body: JSON.stringify(formatAlert(alert, this.target.format, { chatId: this.target.chatId })),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      })
    } catch (error) {
      throw new Retryable(error instanceof Error ? `${error.name}: ${error.message}` : String(error))
    }
    await response.body?.cancel()
    if (response.ok) return
    const status = `HTTP ${response.status}`
    if (response.status === 429) {
      const seconds = Number(response.headers.get('retry-after'))
      throw new Retryable(status, Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined)
    }
    if (response.status >= 500) throw new Retryable(status)
    throw new Error(status)
  }
}

/** A receiver URL for logs: the path is dropped (Telegram puts the bot token there). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}/…`
  } catch {
    return '<invalid url>'
  }
}
