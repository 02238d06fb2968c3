/**
 * The position book: a tiny shared store in which the Position Intelligence Layer (PIL) writes its
 * classification of each open position and from which the Profit Amplification Layer (PAL) reads
 * which positions it may add to. Inject one instance into both through their `book` option.
 * @packageDocumentation
 */

/** How PIL classifies an open position (see `positionIntelligence` for the rules). */
export type PositionClass = 'winner' | 'loser' | 'stale' | 'at-risk' | 'neutral'

/** Every class, in the order the rules test them. */
export const POSITION_CLASSES: readonly PositionClass[] = ['at-risk', 'winner', 'stale', 'loser', 'neutral']

/** PIL's latest view of one open position. */
export interface PositionRecord {
  /** Instrument. */
  readonly symbol: string
  /** Direction of the position. */
  readonly side: 'LONG' | 'SHORT'
  /** The class of the last bar. */
  readonly classification: PositionClass
  /** Unrealised profit in R (1R = the risk unit fixed when the position opened). */
  readonly rMultiple: number
  /** Bars seen since the position opened. */
  readonly barsHeld: number
  /** Bars since the close last made a new best price in the position's favour. */
  readonly barsSinceProgress: number
  /** Whether PIL handed the position to PAL (adds allowed). */
  readonly palEligible: boolean
  /** Open time of the bar of this classification (epoch ms). */
  readonly updatedAt: number
}

/** A shared, synchronous store of position records, with per-class counts for reports. */
export interface PositionBook {
  /** The record of `symbol`, if it has an open position that PIL classified. */
  get(symbol: string): PositionRecord | undefined
  /** Stores the record of its symbol and counts its class once. */
  set(record: PositionRecord): void
  /** Forgets `symbol` (its position closed). */
  delete(symbol: string): void
  /** Whether PIL marked the open position of `symbol` as eligible for PAL adds. */
  isPalEligible(symbol: string): boolean
  /** Every current record, in symbol order. */
  records(): readonly PositionRecord[]
  /** How many bar classifications of each class were made so far. */
  counts(): Readonly<Record<PositionClass, number>>
}

/**
 * Creates an empty {@link PositionBook} to share between `positionIntelligence` and `profitAmplifier`.
 * @example
 * const book = createPositionBook()
 * const plugins = [positionIntelligence({ book }), profitAmplifier({ book }), exitBrain()]
 */
export function createPositionBook(): PositionBook {
  const bySymbol = new Map<string, PositionRecord>()
  const tally: Record<PositionClass, number> = { winner: 0, loser: 0, stale: 0, 'at-risk': 0, neutral: 0 }
  return {
    get: (symbol) => bySymbol.get(symbol),
    set: (record) => {
      bySymbol.set(record.symbol, record)
      tally[record.classification]++
    },
    delete: (symbol) => {
      bySymbol.delete(symbol)
    },
    isPalEligible: (symbol) => bySymbol.get(symbol)?.palEligible === true,
    records: () => [...bySymbol.values()].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0)),
    counts: () => ({ ...tally }),
  }
}
