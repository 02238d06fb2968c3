/**
 * Circuit breakers: short, automatic pauses. Each breaker opens on its condition (consecutive losing
 * fills, a burst of errors, a run of slow round trips) and puts trading in `reducing` (reduce-only)
 * for its cool-down, counted in clock time; it closes by itself once the cool-down has passed. They
 * complement the emergency stop, which needs a person to reset it.
 * @packageDocumentation
 */
import { parseOrThrow } from '@quantum/core'
import type { EngineEvent, TradingState } from '@quantum/core'
import { z } from 'zod'
import { TradingStateBoard } from '../trading-state.js'

const off = z.literal(false)
const coolDownMs = z.number().int().positive()

/** Options of {@link CircuitBreakers} (each breaker may be switched off with `false`). */
export const CircuitBreakersOptionsSchema = z.strictObject({
  /** Open after `count` losing closing fills in a row (net of fees); cool down `coolDownMs`. @default { count: 5, coolDownMs: 14400000 } */
  consecutiveLosses: z
    .union([z.strictObject({ count: z.number().int().positive(), coolDownMs }), off])
    .default({ count: 5, coolDownMs: 4 * 3_600_000 }),
  /** Open after `count` errors (rejected orders or cancels, plugin errors) within `windowMs`. @default { count: 5, windowMs: 600000, coolDownMs: 1800000 } */
  errorBurst: z
    .union([
      z.strictObject({ count: z.number().int().positive(), windowMs: z.number().int().positive(), coolDownMs }),
      off,
    ])
    .default({ count: 5, windowMs: 600_000, coolDownMs: 1_800_000 }),
  /** Open after `count` latency samples in a row at or above `thresholdMs`. @default { thresholdMs: 2000, count: 3, coolDownMs: 300000 } */
  latency: z
    .union([
      z.strictObject({ thresholdMs: z.number().positive(), count: z.number().int().positive(), coolDownMs }),
      off,
    ])
    .default({ thresholdMs: 2000, count: 3, coolDownMs: 300_000 }),
})
/** Options of {@link CircuitBreakers}, as written. */
export type CircuitBreakersOptions = z.input<typeof CircuitBreakersOptionsSchema>

/** The breakers' names. */
export type BreakerName = 'consecutive-losses' | 'error-burst' | 'latency'

/** One breaker's state for status pages. */
export interface BreakerStatus {
  readonly name: BreakerName
  readonly state: 'CLOSED' | 'OPEN'
  /** Until when it stays open (epoch ms), when open. */
  readonly openUntil?: number
  readonly reason?: string
}

/**
 * The three circuit breakers with their counters. Feed it events ({@link CircuitBreakers.onEvent}) and
 * latency samples ({@link CircuitBreakers.recordLatency}); read {@link CircuitBreakers.tradingState}.
 * @throws {ConfigError} from the constructor for invalid options.
 * @example
 * const breakers = new CircuitBreakers({ consecutiveLosses: { count: 3, coolDownMs: 3_600_000 } })
 * breakers.recordLatency(2500, Date.now())
 */
export class CircuitBreakers {
  /** The validated options. */
  readonly options: Readonly<z.output<typeof CircuitBreakersOptionsSchema>>
  /** The board the breakers register on (shared with the emergency stop). */
  readonly board: TradingStateBoard
  private readonly open = new Map<BreakerName, { until: number; reason: string }>()
  private losses = 0
  private slow = 0
  private readonly errors: number[] = []

  constructor(options: CircuitBreakersOptions = {}, board: TradingStateBoard = new TradingStateBoard()) {
    this.options = Object.freeze(
      parseOrThrow(CircuitBreakersOptionsSchema, options, {
        what: 'options of the circuit breakers',
        path: 'breakers',
      }),
    )
    this.board = board
    board.register('breakers', (now) => this.tradingState(now))
  }

  /** `reducing` while any breaker is open at `now` (closing those whose cool-down has passed), else `active`. */
  tradingState(now: number): TradingState {
    if (Number.isFinite(now)) this.expire(now)
    return this.open.size > 0 ? 'reducing' : 'active'
  }

  /** Every breaker's state at `now`. */
  status(now: number): BreakerStatus[] {
    this.expire(now)
    return (['consecutive-losses', 'error-burst', 'latency'] as const).map((name) => {
      const o = this.open.get(name)
      return o === undefined ? { name, state: 'CLOSED' } : { name, state: 'OPEN', openUntil: o.until, reason: o.reason }
    })
  }

  /** Feeds an engine event at `time`: closing fills (losses) and errors. */
  onEvent(event: EngineEvent, time: number): void {
    if (event.type === 'fill' || event.type === 'liquidation') return this.onFill(event.fill, time)
    if (event.type === 'order-rejected' || event.type === 'cancel-rejected' || event.type === 'plugin-error') {
      this.onError(time)
    }
  }

  /** Records one measured round-trip latency (ms) at `time`; opens the latency breaker on a run of slow ones. */
  recordLatency(ms: number, time: number): void {
    const o = this.options.latency
    if (o === false) return
    this.slow = ms >= o.thresholdMs ? this.slow + 1 : 0
    if (this.slow >= o.count) {
      this.slow = 0
      this.trip('latency', {
        time,
        coolDownMs: o.coolDownMs,
        reason: `${o.count} round trips at or above ${o.thresholdMs} ms`,
      })
    }
  }

  private onFill(fill: { realizedPnl: number; fee: number; reduceOnly: boolean }, time: number): void {
    const o = this.options.consecutiveLosses
    if (o === false || fill.realizedPnl === 0) return
    const net = fill.realizedPnl - fill.fee
    this.losses = net < 0 ? this.losses + 1 : 0
    if (this.losses >= o.count) {
      this.losses = 0
      this.trip('consecutive-losses', { time, coolDownMs: o.coolDownMs, reason: `${o.count} losing closes in a row` })
    }
  }

  private onError(time: number): void {
    const o = this.options.errorBurst
    if (o === false) return
    this.errors.push(time)
    while (this.errors.length > 0 && this.errors[0]! <= time - o.windowMs) this.errors.shift()
    if (this.errors.length >= o.count) {
      this.errors.length = 0
      this.trip('error-burst', { time, coolDownMs: o.coolDownMs, reason: `${o.count} errors within ${o.windowMs} ms` })
    }
  }

  private trip(name: BreakerName, at: { time: number; coolDownMs: number; reason: string }): void {
    const wasOpen = this.open.has(name)
    this.open.set(name, { until: at.time + at.coolDownMs, reason: at.reason })
    if (wasOpen) return
    const reason = `${at.reason}; reduce-only for ${Math.round(at.coolDownMs / 60_000)} min`
    this.board.emit({ time: at.time, source: `breaker:${name}`, state: 'OPEN', reason, trigger: name })
  }

  private expire(now: number): void {
    for (const [name, o] of this.open) {
      if (now < o.until) continue
      this.open.delete(name)
      this.board.emit({
        time: now,
        source: `breaker:${name}`,
        state: 'CLOSED',
        reason: 'cool-down over',
        trigger: name,
      })
    }
  }
}
