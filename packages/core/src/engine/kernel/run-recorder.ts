import type { DecisionLog, TradeRecord } from '../../result.js'
import type { Fill, FundingEvent, Position } from '../../schemas.js'
import type { EngineEvent, RiskStateEvent } from '../../types.js'
import { TradeTracker } from '../trade-tracker.js'
import { RunEventLog } from './event-log.js'
import { FillLog } from './fill-log.js'

/** What a run produced (the raw material of a backtest or paper result). */
export interface EngineOutput {
  readonly trades: readonly TradeRecord[]
  readonly fills: readonly Fill[]
  /** Equity at each distinct bar time. */
  readonly equity: { readonly time: Float64Array; readonly equity: Float64Array }
  /** Fraction of equity points with at least one open trade. */
  readonly exposure: number
  /** Whether a trade was still open at the end. */
  readonly openAtEnd: boolean
  readonly notableEvents: readonly EngineEvent[]
  /** The engine clock (epoch ms) when each notable event was recorded, parallel to `notableEvents`. */
  readonly notableEventTimes: readonly number[]
  /** Every `risk-state` event (emergency stop trips and resets, breakers), in order; capped at `keepNotable`. */
  readonly riskStates: readonly RiskStateEvent[]
  readonly counts: {
    readonly pluginErrors: number
    readonly ordersRejected: number
    readonly riskEvents: number
    readonly liquidations: number
    readonly riskByGuard: Readonly<Record<string, { readonly resized: number; readonly denied: number }>>
    readonly bars: number
  }
  /** Decision counts and the latest BUY/SELL decisions with their votes. */
  readonly decisions: DecisionLog
  readonly durationMs: number
}

/**
 * The one recorder of a run, in every mode: fills and round-trip trades, the equity curve (one point
 * per distinct bar time, exposure counted on the same points), bars, and the event log (counts,
 * notable events, risk states, decisions). Allocation-free per bar once the curve has its capacity.
 */
export class RunRecorder {
  readonly tracker = new TradeTracker()
  /** Every fill, in columns (read them with `fills.toArray()`; the output's `fills` does). */
  readonly fills = new FillLog()
  readonly log: RunEventLog
  private eqTime: Float64Array
  private eqValue: Float64Array
  private points = 0
  private exposed = 0
  /** The curve arrays were handed over by {@link RunRecorder.output} (full): copy before writing again. */
  private handedOver = false
  /** Bars stepped so far. */
  bars = 0

  /**
   * @param options.capacity Expected equity points (bars); the curve grows past it.
   * @param options.now The engine clock, stamped on notable events that carry no time of their own.
   */
  constructor(
    options: { readonly capacity?: number; readonly keepNotable?: number; readonly now?: () => number } = {},
  ) {
    const capacity = Math.max(16, options.capacity ?? 1024)
    this.eqTime = new Float64Array(capacity)
    this.eqValue = new Float64Array(capacity)
    this.log = new RunEventLog(options.keepNotable ?? 1000, options.now)
  }

  /** A fill (or liquidation) and the position after it. */
  onFill(fill: Fill, position: Position): void {
    this.fills.push(fill)
    this.tracker.onFill(fill, position)
  }

  /**
   * Replays a resumed run's journaled fills (in time order) into the trade tracker: its closed trades
   * come back with their ids, and a trade still open continues. The position after each fill is
   * rebuilt from the fills themselves (one-way mode).
   */
  replay(fills: readonly Fill[]): void {
    const signed = new Map<string, number>()
    for (const fill of fills) {
      const prev = signed.get(fill.symbol) ?? 0
      const raw = prev + (fill.side === 'BUY' ? fill.quantity : -fill.quantity)
      const next = Math.abs(raw) < 1e-12 ? 0 : raw
      signed.set(fill.symbol, next)
      const position = {
        symbol: fill.symbol,
        side: next > 0 ? 'LONG' : next < 0 ? 'SHORT' : 'FLAT',
        quantity: Math.abs(next),
      } as Position
      this.fills.push(fill)
      this.tracker.onFill(fill, position)
    }
  }

  /** A funding payment. */
  onFunding(funding: FundingEvent): void {
    this.tracker.onFunding(funding)
  }

  /** Takes one engine event into the log. */
  record(event: EngineEvent): void {
    this.log.record(event)
  }

  /** Closes a bar: the equity at `openTime` (a later bar of the same time overwrites it). */
  afterBar(openTime: number, equity: number): void {
    this.bars++
    if (this.handedOver) this.unshare()
    const last = this.points - 1
    if (last >= 0 && this.eqTime[last] === openTime) {
      this.eqValue[last] = equity
      return
    }
    if (this.points === this.eqTime.length) this.grow()
    this.eqTime[this.points] = openTime
    this.eqValue[this.points] = equity
    this.points++
    if (this.tracker.openCount > 0) this.exposed++
  }

  /** The run's output so far; its `trades` and `fills` are built when first read. */
  output(durationMs: number): EngineOutput {
    const { log, points, fills, tracker } = this
    this.handedOver = points === this.eqTime.length
    return {
      get trades() {
        return tracker.trades
      },
      get fills() {
        return fills.toArray()
      },
      equity: { time: filled(this.eqTime, points), equity: filled(this.eqValue, points) },
      exposure: points === 0 ? 0 : this.exposed / points,
      openAtEnd: this.tracker.openCount > 0,
      notableEvents: log.notable,
      notableEventTimes: log.notableTimes,
      riskStates: log.riskStates,
      counts: { ...log.counts, bars: this.bars },
      decisions: log.decisions,
      durationMs,
    }
  }

  private unshare(): void {
    this.eqTime = this.eqTime.slice()
    this.eqValue = this.eqValue.slice()
    this.handedOver = false
  }

  private grow(): void {
    const time = new Float64Array(this.eqTime.length * 2)
    const value = new Float64Array(this.eqValue.length * 2)
    time.set(this.eqTime)
    value.set(this.eqValue)
    this.eqTime = time
    this.eqValue = value
  }
}

/**
 * The first `points` values of a curve. A curve filled to its capacity (a backtest sizes it to its bar
 * count) is handed over as is rather than copied: 16 MiB less at the peak of a 1M-bar run (the recorder
 * copies it before its next write, if there is one).
 */
function filled(curve: Float64Array, points: number): Float64Array {
  return points === curve.length ? curve : curve.slice(0, points)
}
