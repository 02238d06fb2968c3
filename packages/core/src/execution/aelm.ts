import { z } from 'zod'
import { definePlugin } from '../define-plugin.js'
import type { ExchangePort, ExecutionEnv } from '../types.js'
import { AelmExchange } from './aelm-exchange.js'
import type { BookTickerSource } from './book-ticker.js'

const isSource = (v: unknown): v is BookTickerSource =>
  typeof v === 'object' && v !== null && typeof (v as BookTickerSource).bookTicker === 'function'

const options = z.strictObject({
  /** Where the top of the book comes from; omit to use the exchange's own `bookTicker` (the Binance adapter has one). */
  book: z.custom<BookTickerSource>(isSource, { message: 'expected a book ticker source' }).optional(),
  /** Above this spread (basis points of the mid) an entry is never sent across the book: it is posted maker-first. @default 5 */
  maxSpreadBps: z.number().positive().default(5),
  /** A book ticker older than this (ms) is stale: the entry goes out as a plain market order and an event says so. @default 5000 */
  staleMs: z.number().int().positive().default(5000),
  /** Post entries as post-only limits at the touch; after `timeoutMs` the rest goes at market. `false`: only when the spread is wide. @default false */
  makerFirst: z
    .union([z.literal(false), z.strictObject({ timeoutMs: z.number().int().positive().default(2000) })])
    .default(false),
  /** Slicing of large entries. `false`: never. */
  slicing: z
    .union([
      z.literal(false),
      z.strictObject({
        /** `twap`: market slices every `intervalMs`; `iceberg`: one maker slice after another (taker fallback each). @default 'twap' */
        mode: z.enum(['twap', 'iceberg']).default('twap'),
        /** Entries above this USDT notional are sliced. @default 10000 */
        aboveNotional: z.number().positive().default(10_000),
        /** Most slices of one entry. @default 5 */
        maxSlices: z.number().int().min(2).max(50).default(5),
        /** Time between TWAP slices (ms). @default 1000 */
        intervalMs: z.number().int().min(0).default(1000),
        /** Largest share of the touch's quantity one slice may take (thin books slice more). @default 0.5 */
        maxBookShare: z.number().gt(0).lte(1).default(0.5),
      }),
    ])
    .default({ mode: 'twap', aboveNotional: 10_000, maxSlices: 5, intervalMs: 1000, maxBookShare: 0.5 }),
})

/** Options of {@link aelm}, as written. */
export type AelmOptions = z.input<typeof options>

/**
 * AELM, the seed's Execution & Liquidity Manager, as an execution plugin: before an entry (a market
 * order that is not reduce-only) goes out it reads the book ticker and checks the spread and the
 * quantity on the touch; a wide spread or `makerFirst` posts a post-only limit at the touch with a
 * timeout and a taker fallback; a large entry (or one larger than the touch allows) is sliced (TWAP or
 * iceberg). Every fill of its orders carries the decision price (the book's mid at the check), so each
 * trade records its entry slippage (`entrySlippageBps`). A stale or missing book (a stream that stopped,
 * a failed request) falls back to the plain market order, with an `execution` event (`book-stale`).
 * Reduce-only orders, stops and targets pass through at once, and a reduce-only market close of the
 * symbol (the emergency stop's flatten, a time stop) ends its remaining slices: protection never waits for slicing.
 * Works where orders go through the kernel's queue (venues; a paper exchange with `paperBookTicker`).
 * @example aelm({ makerFirst: { timeoutMs: 3000 }, slicing: { mode: 'twap', aboveNotional: 5000 } })
 */
export const aelm = definePlugin({
  name: 'core:aelm',
  kind: 'execution',
  options,
  create: (o) => ({
    wrap: (exchange: ExchangePort, env: ExecutionEnv): ExchangePort => {
      const own = exchange as ExchangePort & Partial<BookTickerSource>
      const book =
        o.book ?? (typeof own.bookTicker === 'function' ? { bookTicker: own.bookTicker.bind(own) } : undefined)
      if (book === undefined)
        env.logger.warn('AELM: no book ticker source; every entry falls back to a plain market order')
      return new AelmExchange(exchange, o, { ...env, book, plugin: 'core:aelm' })
    },
  }),
})
