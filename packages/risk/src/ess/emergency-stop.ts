/**
 * The Emergency Stop System (ESS): a kill switch with three states. ARMED watches its triggers (daily
 * drawdown, open loss, a burst of exchange errors, stale market data, a manual trip); TRIPPED halts
 * trading (the engine's ESS plugins cancel every order, flatten every position with reduce-only market
 * orders and deny every entry) until a person resets it with the token; DISARMED watches nothing.
 * The state is saved on every change and loaded at start, so a trip survives a restart.
 * @packageDocumentation
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { AuthError, ConfigError, parseOrThrow } from '@quantum/core'
import type { AccountView, EngineEvent, Logger, RunMode, TradingState } from '@quantum/core'
import { z } from 'zod'
import { DailyEquity, openLossFraction } from '../monitors.js'
import { TradingStateBoard } from '../trading-state.js'
import {
  fileEssStore,
  isSealedWith,
  memoryEssStore,
  sealEssRecord,
  type EssRecord,
  type EssState,
  type EssStore,
  type EssTrigger,
} from './ess-store.js'

/** The environment variable the reset token is read from when no `token` option is given. */
export const ESS_TOKEN_ENV = 'QUANTUM_ESS_TOKEN'

/** The shortest reset token accepted, from the options or the environment alike. */
export const MIN_TOKEN_LENGTH = 16

/** The environment variable naming the folder of the run state (must be absolute). */
export const STATE_DIR_ENV = 'QUANTUM_STATE_DIR'

/**
 * The folder the ESS state lives in unless its `file` option is absolute: `$QUANTUM_STATE_DIR`, else
 * `~/.quantum/state`. Never the current directory: a trip must be found again whoever starts the run
 * and from wherever.
 * @throws {ConfigError} when `$QUANTUM_STATE_DIR` is not an absolute path.
 */
export function essStateDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const dir = env[STATE_DIR_ENV]
  if (dir === undefined || dir === '') return join(homedir(), '.quantum', 'state')
  if (!isAbsolute(dir)) {
    throw new ConfigError('Invalid state folder', [
      { path: STATE_DIR_ENV, message: `must be an absolute path, got "${dir}"` },
    ])
  }
  return dir
}

const off = z.literal(false)

/** Options of {@link EmergencyStop} (every trigger may be switched off with `false`). */
export const EmergencyStopOptionsSchema = z.strictObject({
  /** Trip when equity falls this fraction below the UTC day's starting equity. @default 0.05 */
  dailyDrawdownPct: z.union([z.number().gt(0).lt(1), off]).default(0.05),
  /** Trip when the open positions' unrealised loss reaches this fraction of equity. @default 0.03 */
  openLossPct: z.union([z.number().gt(0).lt(1), off]).default(0.03),
  /** Trip on `count` exchange errors (rejected orders or cancels, plugin errors) within `windowMs`. @default { count: 10, windowMs: 300000 } */
  errorBurst: z
    .union([z.strictObject({ count: z.number().int().positive(), windowMs: z.number().int().positive() }), off])
    .default({ count: 10, windowMs: 300_000 }),
  /** Trip when a symbol's last bar is older than this many of its bar intervals. @default 3 */
  staleBars: z.union([z.number().gt(1), off]).default(3),
  /**
   * Where the state lives: `auto` (memory in backtests, else the file), `memory`, or `file`.
   * @default 'auto'
   */
  store: z.enum(['auto', 'memory', 'file']).default('auto'),
  /**
   * The state file: an absolute path, or one relative to the state folder ({@link essStateDir}), never
   * to the current directory. @default '<state folder>/<account>/ess-state.json'
   */
  file: z.string().min(1).optional(),
  /** The reset token (at least {@link MIN_TOKEN_LENGTH} characters); else `$QUANTUM_ESS_TOKEN`. Without either, the ESS cannot be reset (only restarted with a fresh state). Never logged. @default from the environment */
  token: z.string().min(MIN_TOKEN_LENGTH, `must be at least ${MIN_TOKEN_LENGTH} characters`).optional(),
})
/** Options of {@link EmergencyStop}, as written. */
export type EmergencyStopOptions = z.input<typeof EmergencyStopOptionsSchema>
type Resolved = z.output<typeof EmergencyStopOptionsSchema>

/** What `GET /ess/status` shows. */
export interface EssStatus {
  readonly state: EssState
  readonly tradingState: TradingState
  readonly reason?: string
  readonly trigger?: EssTrigger
  /** ISO time of the trip (TRIPPED only). */
  readonly trippedAt?: string
  /** ISO time of the last change. */
  readonly updatedAt: string
  /** Where the state is kept (`memory` or `file:<path>`). */
  readonly store: string
  /** The account the state belongs to (the run mode unless the runtime bound one). */
  readonly account: string
  /** Whether a reset token is configured (the token itself is never shown). */
  readonly resettable: boolean
  /** The triggers watched while ARMED, with their limits. */
  readonly triggers: Readonly<Record<string, unknown>>
}

/** Collaborators of an {@link EmergencyStop}. */
export interface EmergencyStopDeps {
  /** The board the ESS registers on (shared with the circuit breakers). @default a new board */
  readonly board?: TradingStateBoard
  /** The store, overriding `options.store`. @default from the options */
  readonly store?: EssStore
  /** Environment for the token and the state folder. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Logger (never sees the token). @default none */
  readonly logger?: Logger
}

/**
 * The emergency stop's state machine. The engine drives it through the plugins of
 * {@link emergencyStopPlugins}; `trip`, `reset` and `status` are its API (also over HTTP).
 * @throws {ConfigError} from the constructor for invalid options.
 * @example
 * const ess = new EmergencyStop({ dailyDrawdownPct: 0.05, token: process.env.QUANTUM_ESS_TOKEN })
 * ess.trip('operator pressed the button')
 * ess.reset(token) // ARMED again
 */
export class EmergencyStop {
  /** The validated options (the token removed). */
  readonly options: Readonly<Omit<Resolved, 'token'>>
  /** The board the ESS's trading state is registered on. */
  readonly board: TradingStateBoard
  private readonly tokenDigest: Buffer | undefined
  private readonly sealKey: Buffer | undefined
  private readonly env: Readonly<Record<string, string | undefined>>
  private binding: { account: string; stateDir: string } | undefined
  private account = 'live'
  private store: EssStore | undefined
  private readonly fixedStore: EssStore | undefined
  private record: EssRecord = { version: 1, state: 'ARMED', updatedAt: 0 }
  private readonly day = new DailyEquity()
  private readonly errors: number[] = []
  private readonly bars = new Map<string, { last: number; spacing: number }>()
  private logger: Logger | undefined

  constructor(options: EmergencyStopOptions = {}, deps: EmergencyStopDeps = {}) {
    const { token, ...rest } = parseOrThrow(EmergencyStopOptionsSchema, options, {
      what: 'options of the emergency stop',
      path: 'ess',
    })
    this.options = Object.freeze(rest)
    this.env = deps.env ?? process.env
    const fromEnv = this.env[ESS_TOKEN_ENV]
    if (token === undefined && fromEnv !== undefined && fromEnv !== '' && fromEnv.length < MIN_TOKEN_LENGTH) {
      throw new ConfigError('Invalid emergency stop token', [
        { path: ESS_TOKEN_ENV, message: `must be at least ${MIN_TOKEN_LENGTH} characters (got ${fromEnv.length})` },
      ])
    }
    const secret = token ?? fromEnv
    this.tokenDigest = secret === undefined || secret === '' ? undefined : digest(secret)
    this.sealKey = secret === undefined || secret === '' ? undefined : sealingKey(secret)
    this.board = deps.board ?? new TradingStateBoard()
    this.board.register('ess', () => (this.record.state === 'TRIPPED' ? 'halted' : 'active'))
    this.fixedStore = deps.store
    this.logger = deps.logger
  }

  /**
   * Binds the state to an account before the run starts (the runtime does it for testnet and live, with a
   * digest of the API key): the file becomes `<stateDir>/<account>/ess-state.json` unless `file` is set,
   * and a saved record of another account is refused.
   * @throws {ConfigError} when the state is already open, or `stateDir` is not absolute.
   */
  bindAccount(input: { account: string; stateDir?: string }): void {
    if (this.store !== undefined) {
      throw new ConfigError('Emergency stop already opened', [
        { path: 'ess', message: 'bind the account before the run starts' },
      ])
    }
    const stateDir = input.stateDir ?? essStateDir(this.env)
    if (!isAbsolute(stateDir) || !/^[\w.-]+$/.test(input.account)) {
      throw new ConfigError('Invalid emergency stop state location', [
        { path: 'ess.stateDir', message: `needs an absolute folder and an account of letters, digits, . _ -` },
      ])
    }
    this.binding = { account: input.account, stateDir }
  }

  /** The absolute path of the state file for `account`. */
  statePath(account: string = this.account): string {
    const dir = this.binding?.stateDir ?? essStateDir(this.env)
    const file = this.options.file
    if (file === undefined) return join(dir, account, 'ess-state.json')
    return isAbsolute(file) ? file : resolve(dir, file)
  }

  /**
   * Loads the saved state from the store for `mode` (once; later calls do nothing). Fails closed (TRIPPED,
   * with the reason) on anything but a valid record: an unreadable or malformed file, or an ARMED or
   * DISARMED record that is not sealed with this ESS's token for this account (hand-written, copied from
   * another account, or written under another token). A TRIPPED record is always honoured. Called by the
   * plugins' setup.
   */
  open(mode: RunMode = 'live', logger?: Logger): void {
    if (this.store !== undefined) return
    this.logger ??= logger
    this.account = this.binding?.account ?? mode
    const kind = this.options.store === 'auto' ? (mode === 'backtest' ? 'memory' : 'file') : this.options.store
    this.store = this.fixedStore ?? (kind === 'memory' ? memoryEssStore() : fileEssStore(this.statePath()))
    try {
      const saved = this.store.load()
      if (saved === undefined) return
      const refused = this.refusal(saved)
      if (refused === undefined) this.record = saved
      else this.failClosed(`saved state refused (${this.store.kind}): ${refused}`)
    } catch (error) {
      this.failClosed(
        `saved state unreadable (${this.store.kind}): ${error instanceof Error ? error.message : String(error)}`,
      )
    }
  }

  /** Why a loaded record cannot be trusted, or undefined when it can. */
  private refusal(saved: EssRecord): string | undefined {
    if (saved.state === 'TRIPPED') return undefined // stopping is always safe to believe
    if (saved.version !== 2 || saved.seal === undefined) return `an unsealed ${saved.state} record`
    if (saved.account !== this.account) return `a record of account ${saved.account ?? '(none)'}, not ${this.account}`
    if (this.sealKey === undefined) return `a sealed ${saved.state} record, but no token is configured to verify it`
    if (!isSealedWith(saved, this.sealKey)) return `the ${saved.state} record's seal does not match this token`
    return undefined
  }

  private failClosed(reason: string): void {
    this.logger?.error('emergency stop: failing closed', { reason })
    this.record = {
      version: 2,
      account: this.account,
      state: 'TRIPPED',
      reason,
      trigger: 'manual',
      trippedAt: 0,
      updatedAt: 0,
    }
  }

  /** `record` as saved: version 2, this account, sealed when a token is configured. */
  private sealed(record: Omit<EssRecord, 'version' | 'seal' | 'account'>): EssRecord {
    const full = { ...record, account: this.account }
    return this.sealKey === undefined ? { ...full, version: 2 } : sealEssRecord(full, this.sealKey)
  }

  /** The current state. */
  get state(): EssState {
    this.open()
    return this.record.state
  }

  /** `halted` when TRIPPED, else `active`. */
  tradingState(): TradingState {
    return this.state === 'TRIPPED' ? 'halted' : 'active'
  }

  /** The state, why, and since when (for `GET /ess/status`). */
  status(): EssStatus {
    this.open()
    const r = this.record
    return {
      state: r.state,
      tradingState: this.board.current(),
      ...(r.reason === undefined ? {} : { reason: r.reason }),
      ...(r.trigger === undefined ? {} : { trigger: r.trigger }),
      ...(r.trippedAt === undefined ? {} : { trippedAt: new Date(r.trippedAt).toISOString() }),
      updatedAt: new Date(r.updatedAt).toISOString(),
      store: this.store?.kind ?? 'memory',
      account: this.account,
      resettable: this.tokenDigest !== undefined,
      triggers: {
        dailyDrawdownPct: this.options.dailyDrawdownPct,
        openLossPct: this.options.openLossPct,
        errorBurst: this.options.errorBurst,
        staleBars: this.options.staleBars,
      },
    }
  }

  /**
   * Trips the ESS (idempotent: a second trip keeps the first reason). Saved before it returns; if the
   * save fails the ESS is still TRIPPED in memory (fail closed) and the failure is logged.
   */
  trip(reason: string, options: { trigger?: EssTrigger; time?: number; value?: number; limit?: number } = {}): void {
    this.open()
    if (this.record.state === 'TRIPPED') return
    const time = options.time ?? Date.now()
    const trigger = options.trigger ?? 'manual'
    this.record = this.sealed({ state: 'TRIPPED', reason, trigger, trippedAt: time, updatedAt: time })
    try {
      this.store!.save(this.record)
    } catch (error) {
      this.logger?.error('emergency stop: could not save the trip (still tripped in memory)', {
        error: error instanceof Error ? error.message : String(error),
      })
    }
    this.logger?.error('emergency stop TRIPPED', { reason, trigger })
    const measured =
      options.value === undefined || options.limit === undefined ? {} : { value: options.value, limit: options.limit }
    this.board.emit({ time, source: 'ess', state: 'TRIPPED', reason, trigger, ...measured })
  }

  /**
   * Re-arms a TRIPPED (or DISARMED) ESS. Needs the configured token (compared in constant time). The
   * new state is saved first: if saving fails, the ESS stays as it was and the error is thrown. The
   * daily drawdown restarts from the equity at the next mark.
   * @throws {AuthError} without a configured token, or with a wrong one.
   */
  reset(token: string | undefined, time: number = Date.now()): void {
    this.authorize(token)
    this.change('ARMED', { time, reason: 'reset by an operator' })
  }

  /**
   * Checks `token` against the configured one (constant time), changing nothing; the HTTP API checks a
   * trip's token with it.
   * @throws {AuthError} without a configured token, or with a wrong one.
   */
  verifyToken(token: string | undefined): void {
    this.authorize(token)
  }

  /**
   * Disarms the ESS (it stops watching its triggers; a manual trip still works). Needs the token.
   * @throws {AuthError} without a configured token, or with a wrong one.
   */
  disarm(token: string | undefined, time: number = Date.now()): void {
    this.authorize(token)
    this.change('DISARMED', { time, reason: 'disarmed by an operator' })
  }

  /**
   * The per-bar check of the triggers (called by the ESS guard's `onBar`): marks equity, then trips on
   * the daily drawdown, the open loss or stale data when ARMED.
   */
  onBar(bar: { symbol: string; openTime: number }, account: AccountView): void {
    const time = bar.openTime
    this.markBar(bar.symbol, time)
    if (this.checkLosses(time, account)) return
    const stale = this.staleSymbol(time)
    if (stale !== undefined && this.state === 'ARMED') this.trip(stale, { trigger: 'stale-data', time })
  }

  /**
   * The sub-bar check (the ESS guard's `onSubBar`: each detail candle in backtests, each mark-price
   * update live): marks equity and trips on the daily drawdown or the open loss, so a crash inside a
   * strategy bar trips near the limit instead of at the bar's close. Stale-data timing is left to
   * {@link EmergencyStop.onBar} (sub-bars are not strategy bars).
   */
  onPrice(time: number, account: AccountView): void {
    this.checkLosses(time, account)
  }

  /** Marks equity and trips on the daily drawdown or the open loss when ARMED; true when it tripped. */
  private checkLosses(time: number, account: AccountView): boolean {
    this.day.mark(time, account.getEquity())
    if (this.state !== 'ARMED') return false
    const o = this.options
    const dd = this.day.drawdown()
    if (o.dailyDrawdownPct !== false && dd >= o.dailyDrawdownPct) {
      const limit = o.dailyDrawdownPct
      this.trip(`daily drawdown ${pct(dd)} reached the limit ${pct(limit)}`, {
        trigger: 'daily-drawdown',
        time,
        value: dd,
        limit,
      })
      return true
    }
    const loss = openLossFraction(account)
    if (o.openLossPct !== false && loss >= o.openLossPct) {
      const limit = o.openLossPct
      this.trip(`open loss ${pct(loss)} reached the limit ${pct(limit)}`, {
        trigger: 'open-loss',
        time,
        value: loss,
        limit,
      })
      return true
    }
    return false
  }

  /**
   * Feeds an engine event (error bursts; the kernel's protection ladder halting: a position it could
   * neither protect nor close trips the ESS whatever its state); called by the ESS guard's bus subscription.
   */
  onEvent(event: EngineEvent, time: number): void {
    if (event.type === 'protection' && event.step === 'halt') {
      return this.trip(`${event.symbol}: no stop could be placed and the close failed (${event.reason})`, {
        trigger: 'protection',
        time,
      })
    }
    const burst = this.options.errorBurst
    if (burst === false) return
    if (!(event.type === 'order-rejected' || event.type === 'cancel-rejected' || event.type === 'plugin-error')) return
    this.errors.push(time)
    while (this.errors.length > 0 && this.errors[0]! <= time - burst.windowMs) this.errors.shift()
    if (this.errors.length >= burst.count && this.state === 'ARMED') {
      this.trip(`${this.errors.length} exchange/plugin errors within ${burst.windowMs} ms`, {
        trigger: 'error-burst',
        time,
      })
    }
  }

  private markBar(symbol: string, time: number): void {
    const seen = this.bars.get(symbol)
    if (seen === undefined) return void this.bars.set(symbol, { last: time, spacing: Number.NaN })
    const gap = time - seen.last
    if (gap > 0) {
      seen.spacing = Number.isNaN(seen.spacing) ? gap : Math.min(seen.spacing, gap)
      seen.last = time
    }
  }

  private staleSymbol(now: number): string | undefined {
    const limit = this.options.staleBars
    if (limit === false) return undefined
    for (const [symbol, seen] of this.bars) {
      if (Number.isNaN(seen.spacing)) continue
      if (now - seen.last > limit * seen.spacing) {
        return `market data of ${symbol} is stale: last bar ${new Date(seen.last).toISOString()}, ${limit} bar intervals ago or more`
      }
    }
    return undefined
  }

  private authorize(token: string | undefined): void {
    if (this.tokenDigest === undefined) {
      throw new AuthError(`the emergency stop has no reset token: set the token option or $${ESS_TOKEN_ENV}`)
    }
    if (token === undefined || token === '' || !timingSafeEqual(digest(token), this.tokenDigest)) {
      throw new AuthError('invalid or missing emergency stop token')
    }
  }

  private change(state: EssState, at: { time: number; reason: string }): void {
    this.open()
    const next = this.sealed({ state, updatedAt: at.time })
    this.store!.save(next) // throws: the state stays as it was
    this.record = next
    this.day.restart()
    this.errors.length = 0
    this.logger?.warn(`emergency stop ${state}`, { reason: at.reason })
    this.board.emit({ time: at.time, source: 'ess', state, reason: at.reason, trigger: 'reset' })
  }
}

function digest(token: string): Buffer {
  // Hash first so that tokens of any length compare in constant time with equal-length buffers.
  return createHash('sha256').update(token, 'utf8').digest()
}

function sealingKey(token: string): Buffer {
  // A key of its own (not the comparison digest), so a leaked state file gives nothing to compare tokens with.
  return createHash('sha256').update('quantum-ess-seal\u0000', 'utf8').update(token, 'utf8').digest()
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`
}
