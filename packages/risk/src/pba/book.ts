/**
 * The Portfolio Balance Agent's view of the book: long and short gross notionals, the imbalance, each
 * asset's share, and the trims that bring the book back inside its caps.
 * @packageDocumentation
 */
import type { PluginContext } from '@quantum/core'
import { signedExposure } from '../intent.js'

/** The book at the last prices. */
export interface Book {
  /** Gross notional of long positions (USDT). */
  readonly long: number
  /** Gross notional of short positions (USDT). */
  readonly short: number
  /** Signed notional per symbol (long > 0). */
  readonly bySymbol: ReadonlyMap<string, number>
}

/** Reads the book from the account: positions plus working entry orders, at the last prices. */
export function readBook(ctx: PluginContext): Book {
  let long = 0
  let short = 0
  const bySymbol = signedExposure(ctx)
  for (const n of bySymbol.values()) {
    if (n > 0) long += n
    else short -= n
  }
  return { long, short, bySymbol }
}

/** |long - short| / (long + short); 0 for an empty book. */
export function imbalance(long: number, short: number): number {
  const gross = long + short
  return gross === 0 ? 0 : Math.abs(long - short) / gross
}

/** The book's totals after a change to one symbol (see {@link withChange}). */
export interface BookChange {
  /** Gross long notional after the change. */
  readonly long: number
  /** Gross short notional after the change. */
  readonly short: number
  /** The changed symbol's signed notional after the change. */
  readonly symbolNotional: number
}

/** The book's totals after adding `signedNotional` to `symbol` (no copy of the book: checked per intent). */
export function withChange(book: Book, symbol: string, signedNotional: number): BookChange {
  const before = book.bySymbol.get(symbol) ?? 0
  const after = before + signedNotional
  const long = book.long - Math.max(0, before) + Math.max(0, after)
  const short = book.short - Math.max(0, -before) + Math.max(0, -after)
  return { long, short, symbolNotional: after }
}

/** A reduce-only trim the PBA proposes: `notional` USDT off the position of `symbol`. */
export interface Trim {
  readonly symbol: string
  readonly notional: number
  readonly reason: string
}

/** Limits {@link proposeTrims} keeps the book inside. */
export interface BalanceCaps {
  /** Largest |long - short| / (long + short). */
  readonly maxImbalance: number
  /** Largest notional of one asset as a multiple of equity. */
  readonly maxAssetShare: number
  /** Gross book below which the imbalance rule does not apply. */
  readonly minBook: number
  /** Relative overshoot tolerated before a trim is proposed. */
  readonly tolerance: number
}

/**
 * The trims that bring each asset back to its cap (`maxAssetShare * equity`) once it is more than
 * `tolerance` above it; else, for a book holding both sides, the trims of the heavy side (largest
 * positions first) that bring the imbalance back to `maxImbalance` once it is more than `tolerance`
 * above it. A one-sided book is never "rebalanced" by closing it: the entry guard keeps it from
 * growing instead. Empty when the book is inside its caps.
 */
export function proposeTrims(book: Book, caps: BalanceCaps, equity: number): Trim[] {
  const trims: Trim[] = []
  const assetCap = caps.maxAssetShare * equity
  for (const [symbol, signed] of book.bySymbol) {
    const a = Math.abs(signed)
    if (!(equity > 0) || a <= assetCap * (1 + caps.tolerance)) continue
    trims.push({
      symbol,
      notional: a - assetCap,
      reason: `${symbol} is ${(a / equity).toFixed(2)}x equity (cap ${caps.maxAssetShare}x)`,
    })
  }
  if (trims.length > 0) return trims
  const gross = book.long + book.short
  const m = caps.maxImbalance
  const imb = imbalance(book.long, book.short)
  if (gross < caps.minBook || book.long === 0 || book.short === 0 || imb <= m * (1 + caps.tolerance) || m >= 1) {
    return []
  }
  const longHeavy = book.long > book.short
  const big = Math.max(book.long, book.short)
  const small = Math.min(book.long, book.short)
  // (big - x - small) / (big - x + small) <= m  <=>  x >= ((big - small) - m * (big + small)) / (1 - m)
  let need = (big - small - m * (big + small)) / (1 - m)
  const heavy = [...book.bySymbol]
    .filter(([, n]) => (longHeavy ? n > 0 : n < 0))
    .sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]))
  for (const [symbol, n] of heavy) {
    if (need <= 0) break
    const take = Math.min(need, Math.abs(n))
    trims.push({
      symbol,
      notional: take,
      reason: `book ${(100 * imb).toFixed(1)}% ${longHeavy ? 'long' : 'short'}-heavy (cap ${(100 * m).toFixed(0)}%)`,
    })
    need -= take
  }
  return trims
}
