/**
 * The one trading state of a strategy, combined from every risk component (Nautilus `TradingState`):
 * `halted` wins over `reducing`, which wins over `active`.
 * @packageDocumentation
 */
import type { EventBus, TradingState } from '@quantum/core'

const RANK: Record<TradingState, number> = { active: 0, reducing: 1, halted: 2 }

/** The most restrictive of two trading states. */
export function stricter(a: TradingState, b: TradingState): TradingState {
  return RANK[a] >= RANK[b] ? a : b
}

/**
 * Where the risk components (emergency stop, circuit breakers) register what they allow, and the
 * event bus they report state changes on (attached by the first plugin set up).
 * @example const board = new TradingStateBoard(); board.register('ess', () => 'active'); board.current() // 'active'
 */
export class TradingStateBoard {
  private readonly sources = new Map<string, (now: number) => TradingState>()
  private bus: EventBus | undefined

  /** Adds (or replaces) a component's contribution. */
  register(source: string, state: (now: number) => TradingState): void {
    this.sources.set(source, state)
  }

  /** The combined trading state at `now`. */
  current(now: number = Number.NaN): TradingState {
    let state: TradingState = 'active'
    for (const f of this.sources.values()) state = stricter(state, f(now))
    return state
  }

  /** Uses `bus` for the `risk-state` events of every component (the engine's bus, at plugin setup). */
  attach(bus: EventBus): void {
    this.bus = bus
  }

  /** Emits a `risk-state` event when a bus is attached (standalone use has none). */
  emit(event: {
    time: number
    source: string
    state: string
    reason: string
    trigger?: string
    value?: number
    limit?: number
  }): void {
    this.bus?.emit({ type: 'risk-state', ...event, tradingState: this.current(event.time) })
  }
}
