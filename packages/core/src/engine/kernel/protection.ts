import type { SchedulerLike, Subscription } from 'rxjs'
import type { Order, OrderRequest, Position } from '../../schemas.js'
import type { EngineEvent, EventBus, ExchangePort, ExitActions, ProtectionEvent } from '../../types.js'
import type { QueueSink } from './command-sink.js'

/** Options of the kernel's protection ladder (live venues). */
export interface ProtectionOptions {
  /**
   * Waits between the ladder's steps, ms: the engine's first stop goes at once, one more after each
   * wait; when the last has passed the position is closed (reduce-only market), and a close that does
   * not go through is retried after the last wait. @default [250, 500, 1000]
   */
  readonly retryDelaysMs?: readonly number[]
  /**
   * Distance of the engine's own stop from the last price (the entry price before any), when no refused
   * stop gives a level: a fraction. @default 0.02 (the seed's STOP_LOSS 2 %)
   */
  readonly fallbackStopPct?: number
  /** How often every position is checked, ms (orphans adopted at restart, stops cancelled by hand). @default 1000 */
  readonly checkEveryMs?: number
}

interface Ladder {
  step: 'stop' | 'close'
  attempt: number
  /** An attempt has gone out and settled without protecting: the next one waits. */
  settled: boolean
  timer: Subscription | undefined
  /** The last stop of this symbol the venue refused (its level is tried again). */
  refused: OrderRequest | undefined
  /** The close in flight, to tell its refusal. */
  close: OrderRequest | undefined
  closeRefused: boolean
  halted: boolean
  reason: string
}

/** The tag of the ladder's own stops. */
const OWN_STOP = 'protection-stop'

const closingSide = (p: Position): 'BUY' | 'SELL' => (p.side === 'LONG' ? 'SELL' : 'BUY')

/**
 * The protection invariant on a venue, enforced by the kernel rather than by each exit policy: a position
 * always has reduce-only stops on its closing side for its whole size. When it has not (a stop refused
 * after the adapter's retries, "no ATR yet", an orphan adopted at restart, a stop cancelled by hand) and
 * no protective command of the symbol is on its way, the ladder places a stop itself (the refused stop's
 * level, else `fallbackStopPct` from the price), retries on a short schedule, then closes the position at
 * market (at once when the price is already past the stop), then raises `halt` (the emergency stop trips
 * on it) and keeps retrying the close. Each step is a {@link ProtectionEvent}.
 */
export class ProtectionLadder {
  private readonly ladders = new Map<string, Ladder>()
  private readonly delays: readonly number[]
  private readonly pct: number
  private ticker: Subscription | undefined

  constructor(
    private readonly deps: { exchange: ExchangePort; sink: QueueSink; bus: EventBus; scheduler: SchedulerLike },
    private readonly options: ProtectionOptions = {},
  ) {
    this.delays = options.retryDelaysMs ?? [250, 500, 1000]
    this.pct = options.fallbackStopPct ?? 0.02
  }

  /** Starts the periodic check of every position. */
  start(): void {
    const every = this.options.checkEveryMs ?? 1000
    this.checkAll()
    const tick = (): void => {
      this.checkAll()
      this.ticker = this.deps.scheduler.schedule(tick, every)
    }
    this.ticker = this.deps.scheduler.schedule(tick, every)
  }

  /** Stops every timer (the run is closing). */
  stop(): void {
    this.ticker?.unsubscribe()
    for (const ladder of this.ladders.values()) ladder.timer?.unsubscribe()
    this.ladders.clear()
  }

  /** Remembers refused stops and closes (fed every bus event). */
  onEvent(event: EngineEvent): void {
    if (event.type !== 'order-rejected' || event.request.reduceOnly !== true) return
    const ladder = this.ladderOf(event.request.symbol)
    if (event.request === ladder.close) ladder.closeRefused = true
    if (event.request.type !== 'STOP_MARKET') return
    ladder.refused = event.request
    ladder.reason = `stop refused: ${event.error.message}`
  }

  /** Checks every open position. */
  checkAll(): void {
    for (const p of this.deps.exchange.account.getPositions()) this.check(p.symbol)
    for (const symbol of [...this.ladders.keys()]) this.check(symbol)
  }

  /** Checks one symbol and takes the ladder's next step when it is due. */
  check(symbol: string): void {
    const position = this.deps.exchange.account.getPosition(symbol)
    const ladder = this.ladders.get(symbol)
    if (position.side === 'FLAT' || this.covered(position)) {
      if (position.side !== 'FLAT') this.retireOwnStops(position)
      if (ladder === undefined) return
      ladder.timer?.unsubscribe()
      this.ladders.delete(symbol)
      const reason = position.side === 'FLAT' ? 'position closed' : 'stop working'
      if (ladder.attempt > 0) this.emit(symbol, { step: 'restored', attempt: ladder.attempt, reason })
      return
    }
    if (this.deps.sink.busy(symbol, 'protect') > 0) return // the policy's stop (or our last step) is on its way
    const l = ladder ?? this.ladderOf(symbol)
    if (l.timer !== undefined) return
    if (l.settled) {
      l.settled = false
      const wait = this.delays[Math.min(l.attempt - 1, this.delays.length - 1)] ?? 0
      l.timer = this.deps.scheduler.schedule(() => {
        l.timer = undefined
        this.step(symbol, l)
      }, wait)
      return
    }
    this.step(symbol, l)
  }

  private step(symbol: string, l: Ladder): void {
    const position = this.deps.exchange.account.getPosition(symbol)
    if (position.side === 'FLAT' || this.covered(position)) return this.check(symbol)
    l.settled = true
    if (l.step === 'stop' && l.attempt < this.delays.length) {
      const actions = this.stopActions(position, l)
      if (actions !== undefined) {
        l.attempt++
        this.emit(symbol, { step: 'stop', attempt: l.attempt, reason: l.reason })
        return this.deps.sink.protect(symbol, actions)
      }
      l.reason = `the price is already past the stop (last ${this.deps.exchange.account.getLastPrice(symbol)})`
    }
    if (l.step === 'stop') {
      l.step = 'close'
      l.attempt = 0
    } else if (!l.halted && (l.closeRefused || l.attempt >= 2)) {
      l.halted = true
      const why = l.closeRefused ? 'the close was refused' : 'the close has not filled'
      this.emit(symbol, { step: 'halt', attempt: l.attempt, reason: `${why}; position still without a stop` })
    }
    l.attempt++
    l.closeRefused = false
    l.close = {
      symbol,
      side: closingSide(position),
      type: 'MARKET',
      quantity: position.quantity,
      reduceOnly: true,
      tag: 'protection-close',
    }
    this.emit(symbol, { step: 'close', attempt: l.attempt, reason: l.reason })
    this.deps.sink.protect(symbol, { close: l.close })
  }

  /** The engine's stop for an unprotected position, or `undefined` when the price is already past it. */
  private stopActions(position: Position, l: Ladder): ExitActions | undefined {
    const account = this.deps.exchange.account
    const side = closingSide(position)
    const last = account.getLastPrice(position.symbol)
    const partial = this.stops(position)
    const ref = Number.isFinite(last) ? last : position.entryPrice
    const level =
      l.refused?.triggerPrice ?? partial[0]?.triggerPrice ?? ref * (side === 'SELL' ? 1 - this.pct : 1 + this.pct)
    if (Number.isFinite(last) && (side === 'SELL' ? level >= last : level <= last)) return undefined
    const stop: OrderRequest = {
      symbol: position.symbol,
      side,
      type: 'STOP_MARKET',
      quantity: position.quantity,
      triggerPrice: level,
      reduceOnly: true,
      tag: OWN_STOP,
    }
    const old = partial[0]
    return old === undefined ? { place: [stop] } : { replace: [{ cancel: old.id, with: stop }] }
  }

  /**
   * Once the position is covered by other stops (the exit policy's, placed after ours: its ATR arrived,
   * or a restarted run's policy re-protected the position), the engine's own stops are cancelled, so a
   * position never keeps two stops. Only when nothing protective of the symbol is on its way.
   */
  private retireOwnStops(position: Position): void {
    const stops = this.stops(position)
    let others = 0
    let own: string[] | undefined
    for (const o of stops) {
      if (o.tag === OWN_STOP) (own ??= []).push(o.id)
      else others += o.quantity - o.filledQuantity
    }
    if (own === undefined || others < position.quantity * (1 - 1e-9)) return
    if (this.deps.sink.busy(position.symbol, 'protect') > 0) return
    this.emit(position.symbol, {
      step: 'retired',
      attempt: own.length,
      reason: "the exit policy's stop covers the position",
    })
    this.deps.sink.protect(position.symbol, { cancel: own })
  }

  private stops(position: Position): Order[] {
    const side = closingSide(position)
    return this.deps.exchange.account
      .getOpenOrders(position.symbol)
      .filter((o) => o.type === 'STOP_MARKET' && o.reduceOnly && o.side === side)
  }

  private covered(position: Position): boolean {
    let quantity = 0
    for (const o of this.stops(position)) quantity += o.quantity - o.filledQuantity
    return quantity >= position.quantity * (1 - 1e-9)
  }

  private ladderOf(symbol: string): Ladder {
    let ladder = this.ladders.get(symbol)
    if (ladder === undefined) {
      ladder = {
        step: 'stop',
        attempt: 0,
        settled: false,
        timer: undefined,
        refused: undefined,
        close: undefined,
        closeRefused: false,
        halted: false,
        reason: 'no working stop',
      }
      this.ladders.set(symbol, ladder)
    }
    return ladder
  }

  private emit(symbol: string, e: Pick<ProtectionEvent, 'step' | 'attempt' | 'reason'>): void {
    this.deps.bus.emit({ type: 'protection', symbol, ...e, time: this.deps.scheduler.now() })
  }
}
