/**
 * Public market data of Binance USD-M through ccxt's implicit API: the book ticker (AELM's book) and
 * the 24 h tickers and exchangeInfo the venue universe scan chooses symbols from.
 * @packageDocumentation
 */
import { z } from 'zod'

const num = z.union([z.string(), z.number()]).transform(Number).pipe(z.number().finite())

/** One `GET /fapi/v1/ticker/bookTicker` entry. */
export const BookTickerReplySchema = z.object({
  symbol: z.string(),
  bidPrice: num,
  bidQty: num,
  askPrice: num,
  askQty: num,
})

/** One `GET /fapi/v1/ticker/24hr` entry (the fields the scan reads). */
export const Ticker24hReplySchema = z.object({
  symbol: z.string(),
  lastPrice: num,
  highPrice: num,
  lowPrice: num,
  quoteVolume: num,
  priceChangePercent: num,
})
/** One 24 h ticker. */
export type Ticker24h = z.output<typeof Ticker24hReplySchema>

/** The exchangeInfo fields the scan reads of each symbol. */
export const ExchangeInfoSymbolSchema = z.object({
  symbol: z.string(),
  status: z.string(),
  contractType: z.string().optional(),
  quoteAsset: z.string(),
  onboardDate: z.number().optional(),
})
/** One exchangeInfo symbol. */
export type ExchangeInfoSymbol = z.output<typeof ExchangeInfoSymbolSchema>
