/**
 * The shared store of market regimes: the Market State Classifier writes it, sizers and rankers read it.
 * @packageDocumentation
 */

/** The market regimes the Market State Classifier tells apart. */
export type MarketRegime = 'trend-up' | 'trend-down' | 'range' | 'high-volatility'

/** Every regime, in a fixed order (used to index tables). */
export const MARKET_REGIMES: readonly MarketRegime[] = Object.freeze([
  'trend-up',
  'trend-down',
  'range',
  'high-volatility',
])

/** The latest regime of one symbol. */
export interface RegimeReading {
  /** The regime. */
  readonly regime: MarketRegime
  /** Open time of the bar it was classified on (epoch ms). */
  readonly time: number
}

/** Per-symbol current regimes, shared through plugin options. */
export interface RegimeStore {
  /** The current regime of `symbol`, `undefined` before the classifier is warm. */
  get(symbol: string): MarketRegime | undefined
  /** The current reading (regime and bar time) of `symbol`. */
  reading(symbol: string): RegimeReading | undefined
  /** Sets the regime of `symbol` (the classifier calls it). */
  set(symbol: string, reading: RegimeReading): void
  /** A copy of every symbol's current reading. */
  snapshot(): Record<string, RegimeReading>
}

/**
 * Creates an empty regime store; pass the same store to `marketStateClassifier({ store })` and its readers.
 * @example
 * const regimes = createRegimeStore()
 * const plugins = [marketStateClassifier({ store: regimes }), rlPositionSizing({ regimes })]
 */
export function createRegimeStore(): RegimeStore {
  const map = new Map<string, RegimeReading>()
  return {
    get: (symbol) => map.get(symbol)?.regime,
    reading: (symbol) => map.get(symbol),
    set: (symbol, reading) => void map.set(symbol, reading),
    snapshot: () => Object.fromEntries(map),
  }
}

/** True when `value` looks like a {@link RegimeStore} (used by option schemas). */
export function isRegimeStore(value: unknown): value is RegimeStore {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as RegimeStore).get === 'function' &&
    typeof (value as RegimeStore).set === 'function'
  )
}
