/**
 * User-data stream keys: one per API key, valid for `listenKeyTtlMs` (60 min) after the last
 * `POST`/`PUT`, then expired (the stream gets `listenKeyExpired`).
 * @packageDocumentation
 * @internal
 */
import type { CancelTimer, EmulatorClock } from '../clock.js'

interface Entry {
  readonly key: string
  expiresAt: number
  cancel: CancelTimer
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** The listenKeys of one emulator. */
export class ListenKeys {
  private readonly byApiKey = new Map<string, Entry>()
  private counter = 0

  constructor(
    private readonly clock: EmulatorClock,
    private readonly ttlMs: number,
    private readonly onExpire: (listenKey: string) => void,
  ) {}

  /** `POST`: the API key's valid listenKey (its life extended), or a new one. */
  open(apiKey: string): string {
    const entry = this.byApiKey.get(apiKey)
    if (entry !== undefined) {
      this.extend(apiKey, entry)
      return entry.key
    }
    const key = this.makeKey(apiKey)
    const fresh: Entry = { key, expiresAt: 0, cancel: () => {} }
    this.byApiKey.set(apiKey, fresh)
    this.extend(apiKey, fresh)
    return key
  }

  /** `PUT`: extends the API key's listenKey; undefined when it has none (expired or never opened). */
  keepAlive(apiKey: string): string | undefined {
    const entry = this.byApiKey.get(apiKey)
    if (entry === undefined) return undefined
    this.extend(apiKey, entry)
    return entry.key
  }

  /** `DELETE`: closes the API key's listenKey. */
  close(apiKey: string): void {
    const entry = this.byApiKey.get(apiKey)
    if (entry === undefined) return
    entry.cancel()
    this.byApiKey.delete(apiKey)
  }

  /** True while `listenKey` is valid. */
  isValid(listenKey: string): boolean {
    for (const e of this.byApiKey.values()) if (e.key === listenKey) return true
    return false
  }

  /** The valid listenKeys. */
  list(): string[] {
    return [...this.byApiKey.values()].map((e) => e.key)
  }

  /** Cancels every expiry timer. */
  dispose(): void {
    for (const e of this.byApiKey.values()) e.cancel()
    this.byApiKey.clear()
  }

  private extend(apiKey: string, entry: Entry): void {
    entry.cancel()
    entry.expiresAt = this.clock.now() + this.ttlMs
    entry.cancel = this.clock.schedule(entry.expiresAt, () => {
      if (this.byApiKey.get(apiKey) !== entry) return
      this.byApiKey.delete(apiKey)
      this.onExpire(entry.key)
    })
  }

  /** 64 characters, deterministic per emulator (a counter through a simple mix), like Binance's keys. */
  private makeKey(apiKey: string): string {
    let h = 2_166_136_261 ^ ++this.counter
    for (const c of apiKey) h = Math.imul(h ^ c.charCodeAt(0), 16_777_619)
    let out = ''
    for (let k = 0; out.length < 64; k++) {
      h = Math.imul(h ^ (h >>> 13) ^ k, 0x5bd1e995) >>> 0
      out += ALPHABET[h % ALPHABET.length]
    }
    return out
  }
}
