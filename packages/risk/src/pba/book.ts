/**
 * The Portfolio Balance Agent's view of the book: long and short gross notionals, the imbalance, each
 * asset's share, and the trims that bring the book back inside its caps.
 * @packageDocumentation
 */
import type { AccountView } from '@quantum/core'

/** The book at the last prices. */
export interface Book {
  /** Gross notional of long positions (USDT). */
  readonly long: number
  /** Gross notional of short positions (USDT). */
  readonly short: number
  /** Signed notional per symbol (long > 0). */
  readonly bySymbol: ReadonlyMap<string, number>
}

/** Reads the book from the account. */
export function readBook(account: AccountView): Book {
  let long = 0
  let short = 0
  const bySymbol = new Map<string, number>()
  for (const p of account.getPositions()) {
    const last = account.getLastPrice(p.symbol)
    const n = p.quantity * (Number.isFinite(last) ? last : p.markPrice)
    if (p.side === 'LONG') long += n
    else short += n
    bySymbol.set(p.symbol, p.side === 'LONG' ? n : -n)
  }
  return { long, short, bySymbol }
}

/** |long - short| / (long + short); 0 for an empty book. */
export function imbalance(long: number, short: number): number {
  const gross = long + short
  return gross === 0 ? 0 : Math.abs(long - short) / gross
}

/** The book after adding `signedNotional` to `symbol`. */
export function withChange(book: Book, symbol: string, signedNotional: number): Book {
  const before = book.bySymbol.get(symbol) ?? 0
  const after = before + signedNotional
  const bySymbol = new Map(book.bySymbol)
  bySymbol.set(symbol, after)
  const long = book.long - Math.max(0, before) + Math.max(0, after)
  const short = book.short - Math.max(0, -before) + Math.max(0, -after)
  return { long, short, bySymbol }
}

/** A reduce-only trim the PBA proposes: `notional` USDT off the position of `symbol`. */
export interface Trim {
  readonly symbol: string
  readonly notional: number
  readonly reason: string
}

/** Limits {@link proposeTrims} keeps the book inside. */
export interface BalanceCaps {
  readonly maxImbalance: number
  readonly maxAssetShare: number
  readonly minBook: number
}

/**
 * The trims that bring each asset back under its share cap, then the dominant side under the imbalance
 * cap (taken from its largest position). Empty when the book is inside its caps or below `minBook`.
 */
export function proposeTrims(book: Book, caps: BalanceCaps): Trim[] {
  const gross = book.long + book.short
  if (gross < caps.minBook || gross === 0) return []
  const trims: Trim[] = []
  const s = caps.maxAssetShare
  for (const [symbol, signed] of book.bySymbol) {
    const a = Math.abs(signed)
    if (a / gross <= s || s >= 1) continue
    // (a - x) / (gross - x) <= s  <=>  x >= (a - s * gross) / (1 - s)
    trims.push({
      symbol,
      notional: (a - s * gross) / (1 - s),
      reason: `${symbol} is ${(100 * (a / gross)).toFixed(1)}% of the book (cap ${(100 * s).toFixed(0)}%)`,
    })
  }
  if (trims.length > 0) return trims
  const m = caps.maxImbalance
  const imb = imbalance(book.long, book.short)
  if (imb <= m || m >= 1) return []
  const longHeavy = book.long > book.short
  const big = Math.max(book.long, book.short)
  const small = Math.min(book.long, book.short)
  // (big - x - small) / (big - x + small) <= m  <=>  x >= ((big - small) - m * (big + small)) / (1 - m)
  let need = (big - small - m * (big + small)) / (1 - m)
  const side = [...book.bySymbol]
    .filter(([, n]) => (longHeavy ? n > 0 : n < 0))
    .sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]))
  for (const [symbol, n] of side) {
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
