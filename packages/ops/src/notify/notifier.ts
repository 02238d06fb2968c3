import { definePlugin } from '@quantum/core'
import type { EngineEvent, PluginContext } from '@quantum/core'
import { z } from 'zod'
import { REDUCE_ONLY_SOURCE } from '../health/reduce-only.js'
import { ALERT_KINDS, type Alert, type AlertKind } from './alert.js'
import { WebhookDelivery } from './webhook-delivery.js'

const DAY_MS = 86_400_000

const options = z.strictObject({
  /** Receivers; each gets every alert kind it lists. */
  webhooks: z
    .array(
      z
        .strictObject({
          /** Receiver URL. Keep tokens out of config files: read them from `process.env`. */
          url: z.url({ protocol: /^https?$/ }),
          /** Payload shape. @default 'json' */
          format: z.enum(['json', 'telegram', 'discord', 'slack']).default('json'),
          /** Telegram chat id (required for `telegram`). */
          chatId: z.string().min(1).optional(),
          /** Extra headers, e.g. `{ authorization: 'Bearer …' }`. */
          headers: z.record(z.string(), z.string()).optional(),
          /** Alert kinds to send. @default every kind */
          events: z
            .array(z.enum(ALERT_KINDS as [AlertKind, ...AlertKind[]]))
            .min(1)
            .optional(),
        })
        .refine((hook) => hook.format !== 'telegram' || hook.chatId !== undefined, {
          message: 'a telegram webhook needs chatId',
          path: ['chatId'],
        }),
    )
    .min(1),
  /** Plugin errors from one plugin within `pluginErrorWindowMs` that raise an alert. @default 5 */
  pluginErrorThreshold: z.number().int().min(1).default(5),
  /** Window for `pluginErrorThreshold`, ms; also the least time between two such alerts per plugin. @default 300000 */
  pluginErrorWindowMs: z.number().int().min(1000).default(300_000),
  /** Stream reconnects within `reconnectStormWindowMs` that raise a reconnect-storm alert. @default 5 */
  reconnectStormThreshold: z.number().int().min(1).default(5),
  /** Window for `reconnectStormThreshold`, ms; also the least time between two such alerts. @default 300000 */
  reconnectStormWindowMs: z.number().int().min(1000).default(300_000),
  /** Send a summary of each UTC day when the next one starts. @default true */
  dailySummary: z.boolean().default(true),
  /** Attempts per alert, the first included. @default 5 */
  attempts: z.number().int().min(1).max(20).default(5),
  /** First retry delay, ms (doubles per attempt). @default 1000 */
  baseDelayMs: z.number().int().min(1).default(1000),
  /** Longest retry delay, ms. @default 60000 */
  maxDelayMs: z.number().int().min(1).default(60_000),
  /** Per-request timeout, ms. @default 10000 */
  timeoutMs: z.number().int().min(1).default(10_000),
  /** Alerts queued per receiver before the oldest are dropped. @default 1000 */
  maxQueue: z.number().int().min(1).default(1000),
  /** Time given to queued alerts at shutdown, ms. @default 5000 */
  flushTimeoutMs: z.number().int().min(0).default(5000),
})

/** Options of {@link notifier} (input form). */
export type NotifierOptions = z.input<typeof options>

interface DayTally {
  day: number
  startEquity: number
  fills: number
  fees: number
  funding: number
  realized: number
}

const usd = (value: number): string => value.toFixed(2)

/**
 * The observer `ops:notifier`: sends alerts to webhooks (generic JSON, Telegram, Discord, Slack) on an
 * emergency-stop trip, an unprotected position, repeated errors of one plugin, a reconnect storm (many
 * `reconnect` events of the venue streams within a window), the run going reduce-only after repeated
 * failures, and a daily summary. Delivery runs in
 * the background with retries; the trading loop never waits on a receiver. Off in backtests.
 * @example
 * notifier({ webhooks: [{ url: process.env.SLACK_WEBHOOK_URL!, format: 'slack' }] })
 */
export const notifier = definePlugin({
  name: 'ops:notifier',
  kind: 'observer',
  options,
  create: (opts) => {
    let deliveries: { delivery: WebhookDelivery; kinds: ReadonlySet<AlertKind> }[] = []
    const errorTimes = new Map<string, number[]>()
    const lastErrorAlert = new Map<string, number>()
    let tally: DayTally | undefined
    let reconnects: number[] = []
    let lastStormAlert: number | undefined

    const reconnected = (event: { stream: string; reason: string }, now: number): void => {
      reconnects = reconnects.filter((time) => now - time < opts.reconnectStormWindowMs)
      reconnects.push(now)
      if (reconnects.length < opts.reconnectStormThreshold) return
      if (lastStormAlert !== undefined && now - lastStormAlert < opts.reconnectStormWindowMs) return
      lastStormAlert = now
      send({
        kind: 'reconnect-storm',
        severity: 'warning',
        title: 'Reconnect storm',
        text: `${reconnects.length} stream reconnects in ${Math.round(opts.reconnectStormWindowMs / 1000)} s; last (${event.stream}): ${event.reason}`,
        time: now,
        fields: { stream: event.stream, reconnects: reconnects.length },
      })
    }

    const send = (alert: Alert): void => {
      for (const { delivery, kinds } of deliveries) if (kinds.has(alert.kind)) delivery.enqueue(alert)
    }

    const pluginErrors = (
      { plugin, hook, error }: { plugin: string; hook: string; error: Error },
      now: number,
    ): void => {
      const times = (errorTimes.get(plugin) ?? []).filter((time) => now - time < opts.pluginErrorWindowMs)
      times.push(now)
      errorTimes.set(plugin, times)
      const last = lastErrorAlert.get(plugin)
      if (times.length < opts.pluginErrorThreshold || (last !== undefined && now - last < opts.pluginErrorWindowMs))
        return
      lastErrorAlert.set(plugin, now)
      send({
        kind: 'plugin-errors',
        severity: 'warning',
        title: `Plugin ${plugin} keeps failing`,
        text: `${times.length} errors in ${Math.round(opts.pluginErrorWindowMs / 1000)} s; last in ${hook}: ${error.message}`,
        time: now,
        fields: { plugin, hook, errors: times.length },
      })
    }

    const rollDay = (now: number, ctx: PluginContext): void => {
      const day = Math.floor(now / DAY_MS)
      const equity = ctx.account.getEquity()
      if (tally === undefined) {
        tally = { day, startEquity: equity, fills: 0, fees: 0, funding: 0, realized: 0 }
        return
      }
      if (day === tally.day) return
      if (opts.dailySummary) {
        const pnl = equity - tally.startEquity
        send({
          kind: 'daily-summary',
          severity: 'info',
          title: `Daily summary ${new Date(tally.day * DAY_MS).toISOString().slice(0, 10)}`,
          text: `Equity ${usd(equity)} USDT (${pnl >= 0 ? '+' : ''}${usd(pnl)}), ${tally.fills} fills, ${ctx.account.getPositions().length} open positions`,
          time: now,
          fields: {
            equity: usd(equity),
            pnl: usd(pnl),
            realizedPnl: usd(tally.realized),
            fees: usd(tally.fees),
            funding: usd(tally.funding),
            fills: tally.fills,
          },
        })
      }
      tally = { day, startEquity: equity, fills: 0, fees: 0, funding: 0, realized: 0 }
    }

    return {
      apply: (env) => env.mode !== 'backtest',
      setup: (ctx: PluginContext): void => {
        const logger = ctx.logger
        deliveries = opts.webhooks.map((hook) => ({
          delivery: new WebhookDelivery(hook, opts, logger),
          kinds: new Set(hook.events ?? ALERT_KINDS),
        }))
      },
      onEvent: (event: EngineEvent, ctx: PluginContext): void => {
        const now = ctx.clock.now()
        rollDay(now, ctx)
        switch (event.type) {
          case 'risk-state':
            if (event.source === REDUCE_ONLY_SOURCE && event.state === 'REDUCE_ONLY') {
              send({
                kind: 'reduce-only',
                severity: 'critical',
                title: 'Run is reduce-only after repeated failures',
                text: `${event.reason}. Entries are refused; exits and stops go on. Once fixed, lift it (POST /api/reduce-only/lift) or restart the run.`,
                time: event.time,
                fields: { trigger: event.trigger ?? 'escalation', tradingState: event.tradingState },
              })
            }
            if (event.source === 'ess' && event.state === 'TRIPPED') {
              send({
                kind: 'ess-tripped',
                severity: 'critical',
                title: 'Emergency stop tripped',
                text: event.reason,
                time: event.time,
                fields: { trigger: event.trigger ?? 'unknown', tradingState: event.tradingState },
              })
            }
            return
          case 'unprotected':
            send({
              kind: 'unprotected-position',
              severity: 'critical',
              title: `${event.symbol} position without a stop`,
              text: `${event.side} ${event.quantity} ${event.symbol} has had no working stop since ${new Date(event.since).toISOString()}`,
              time: event.time,
              fields: { symbol: event.symbol, side: event.side, quantity: event.quantity },
            })
            return
          case 'protection':
            // The engine had to close the position or halt trading to keep it protected.
            if (event.step === 'close' || event.step === 'halt') {
              send({
                kind: 'unprotected-position',
                severity: 'critical',
                title: `${event.symbol} protection: ${event.step}`,
                text: `${event.symbol}: ${event.step} (attempt ${event.attempt}): ${event.reason}`,
                time: event.time,
                fields: { symbol: event.symbol, step: event.step, attempt: event.attempt },
              })
            }
            return
          case 'execution':
            // A stale book makes AELM fall back to plain market orders: worth a warning, not a page.
            if (event.step === 'book-stale') {
              send({
                kind: 'execution-fallback',
                severity: 'warning',
                title: `${event.symbol}: execution fallback`,
                text: event.reason,
                time: event.time,
                fields: { symbol: event.symbol, step: event.step },
              })
            }
            return
          case 'policy-switch':
            // The Orchestrator Policy changed the limits in force: people should know why.
            send({
              kind: 'policy-switch',
              severity: 'warning',
              title: `Risk policy ${event.from} -> ${event.to}`,
              text: `rule ${event.rule}: ${event.reason}`,
              time: event.time,
              fields: { from: event.from, to: event.to, rule: event.rule },
            })
            return
          case 'plugin-error':
            pluginErrors(event, now)
            return
          case 'reconnect':
            reconnected(event, now)
            return
          case 'plugin-isolated':
            send({
              kind: 'plugin-errors',
              severity: 'critical',
              title: `Plugin ${event.plugin} isolated`,
              text: `${event.plugin} is no longer called (${event.reason}): the run trades without it`,
              time: now,
              fields: { plugin: event.plugin, hook: event.hook },
            })
            return
          case 'fill':
          case 'liquidation':
            if (tally) {
              tally.fills++
              tally.fees += event.fill.fee
              tally.realized += event.fill.realizedPnl
            }
            return
          case 'funding':
            if (tally) tally.funding += event.funding.payment
            return
          case 'signal':
          case 'decision':
          case 'intent':
          case 'risk':
          case 'order':
          case 'order-rejected':
          case 'cancel-rejected':
          case 'progress':
          case 'directive':
          case 'arbitration':
            return
        }
      },
      dispose: async (): Promise<void> => {
        await Promise.all(deliveries.map(({ delivery }) => delivery.flush(opts.flushTimeoutMs)))
      },
    }
  },
})
