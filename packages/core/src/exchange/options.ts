/**
 * Options of the paper exchange, their defaults, and their validation into one resolved config.
 * @packageDocumentation
 */
import { z } from 'zod'
import { ConfigError, type ValidationIssue } from '../errors.js'
import type { Instrument, LeverageBracket, OrderSide, OrderType } from '../schemas.js'
import type { BarLike } from '../types.js'
import { parseOrThrow } from '../validate.js'
import { bundledInstruments, parseExchangeInfo, resolveInstruments, type InstrumentOverride } from './instruments.js'
import {
  bundledLeverageBrackets,
  FALLBACK_BRACKETS,
  parseLeverageBrackets,
  type LeverageBracketTable,
} from './leverage-brackets.js'
import { maxLeverage } from './margin.js'
import { fundingIssues, markIssues, type FundingRateSeries, type MarkPriceSeries } from './series.js'

/** What a custom slippage function sees for one taker fill. */
export interface SlippageContext {
  readonly symbol: string
  readonly side: OrderSide
  readonly type: OrderType
  /** Price before slippage: the bar open, or the trigger price of a stop / take-profit. */
  readonly price: number
  /** Quantity of the fill (estimated from `quoteQuantity / price` for quote-sized orders). */
  readonly quantity: number
  /** The bar being processed (read it during the call only). */
  readonly bar: BarLike
}

/**
 * How market-type fills (MARKET, STOP_MARKET, TAKE_PROFIT_MARKET) are moved against the taker:
 * none, a fixed number of basis points (buys pay more, sells get less), or a function returning the
 * fill price. Limit fills are never slipped.
 */
export type SlippageModel =
  | { readonly type: 'none' }
  | { readonly type: 'bps'; readonly bps: number }
  | { readonly type: 'fn'; readonly fn: (ctx: SlippageContext) => number }

/**
 * Where a STOP_MARKET that triggers inside a bar fills (one that the bar opens through fills at the
 * open either way): `none` at its trigger price (optimistic in a cascade, the default, kept so that
 * recorded results stay comparable), `range` a `fraction` of the way from the trigger to the bar's
 * adverse extreme (the low for a sell stop, the high for a buy stop): 0 is the trigger, 1 the extreme.
 * Applied before the {@link SlippageModel} of market-type fills.
 */
export type StopSlippageModel = { readonly type: 'none' } | { readonly type: 'range'; readonly fraction: number }

/** Options of {@link createPaperExchange}. Every field is optional. */
export interface PaperExchangeOptions {
  /** Exchange id reported by `exchange.id`. @default 'paper' */
  readonly id?: string
  /** Starting wallet balance, in `asset`. @default 10000 */
  readonly balance?: number
  /** Margin and settlement asset. @default 'USDT' */
  readonly asset?: string
  /** Maker fee rate (negative = rebate). @default 0.0002 (0.02%, Binance USD-M VIP 0) */
  readonly makerFee?: number
  /** Taker fee rate. @default 0.0005 (0.05%, Binance USD-M VIP 0) */
  readonly takerFee?: number
  /** Leverage of every symbol until `setLeverage` changes it. @default 1 (no leverage: margin = notional) */
  readonly leverage?: number
  /** Slippage of market-type fills. @default { type: 'none' } */
  readonly slippage?: SlippageModel
  /** Where stops triggered inside a bar fill (see {@link StopSlippageModel}). @default { type: 'none' } (at the trigger) */
  readonly stopSlippage?: StopSlippageModel
  /** Reject off-precision prices and quantities with `InvalidOrder` instead of rounding them. @default false */
  readonly strictPrecision?: boolean
  /**
   * When a resting limit order fills: when the bar trades strictly through its price (`'through'`,
   * conservative about queue position) or when it touches it (`'touch'`).
   * @default 'through'
   */
  readonly limitFill?: 'through' | 'touch'
  /** A Binance `GET /fapi/v1/exchangeInfo` response (parsed JSON). @default the bundled Dec 2025 sample */
  readonly exchangeInfo?: unknown
  /** Per-symbol overrides of, or additions to, the instruments (see {@link InstrumentOverride}). @default none */
  readonly instruments?: Readonly<Record<string, InstrumentOverride>>
  /**
   * Leverage brackets: Binance `leverageBracket` array, ccxt `fetchLeverageTiers` map, or a typed table.
   * @default the bundled BTCUSDT / ETHUSDT / BNBUSDT table
   */
  readonly leverageBrackets?: unknown
  /** Brackets of symbols missing from the table. @default {@link FALLBACK_BRACKETS} (125x, 0.4%) */
  readonly fallbackBrackets?: readonly LeverageBracket[]
  /** Funding-rate history per symbol; none means no funding is charged for it. @default none */
  readonly funding?: Readonly<Record<string, FundingRateSeries>>
  /** Mark-price candles per symbol, for liquidation, funding value and unrealised PnL. @default none (trade prices) */
  readonly markPrices?: Readonly<Record<string, MarkPriceSeries>>
  /** Source of `createdAt` / `updatedAt` for orders placed between bars. @default the latest bar open time seen */
  readonly clock?: { now(): number }
  /** How many finished orders are kept so that `cancelOrder` on them returns their final state. @default 10000 */
  readonly keepClosedOrders?: number
}

const SlippageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('bps'), bps: z.number().finite().nonnegative().max(10_000) }),
  z.strictObject({
    type: z.literal('fn'),
    fn: z.custom<(ctx: SlippageContext) => number>((v) => typeof v === 'function', 'expected a function'),
  }),
])

const OptionsSchema = z.strictObject({
  id: z.string().min(1).default('paper'),
  balance: z.number().finite().nonnegative().default(10_000),
  asset: z.string().min(1).default('USDT'),
  makerFee: z.number().min(-0.01).max(0.1).default(0.0002),
  takerFee: z.number().min(0).max(0.1).default(0.0005),
  leverage: z.number().finite().positive().default(1),
  slippage: SlippageSchema.default({ type: 'none' }),
  stopSlippage: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('none') }),
      z.strictObject({ type: z.literal('range'), fraction: z.number().min(0).max(1) }),
    ])
    .default({ type: 'none' }),
  strictPrecision: z.boolean().default(false),
  limitFill: z.enum(['through', 'touch']).default('through'),
  exchangeInfo: z.unknown().optional(),
  instruments: z.record(z.string(), z.unknown()).optional(),
  leverageBrackets: z.unknown().optional(),
  fallbackBrackets: z.array(z.unknown()).min(1).optional(),
  funding: z.record(z.string(), z.looseObject({ time: z.unknown(), rate: z.unknown() })).optional(),
  markPrices: z.record(z.string(), z.unknown()).optional(),
  clock: z.custom<{ now(): number }>((v) => typeof (v as { now?: unknown } | null)?.now === 'function').optional(),
  keepClosedOrders: z.number().int().nonnegative().default(10_000),
})

/** The validated options with defaults applied. @internal */
export interface ResolvedOptions {
  readonly id: string
  readonly balance: number
  readonly asset: string
  readonly makerFee: number
  readonly takerFee: number
  readonly leverage: number
  readonly slippage: SlippageModel
  readonly stopSlippage: StopSlippageModel
  readonly strictPrecision: boolean
  readonly limitFill: 'through' | 'touch'
  readonly instruments: ReadonlyMap<string, Instrument>
  readonly brackets: LeverageBracketTable
  readonly fallbackBrackets: readonly LeverageBracket[]
  readonly funding: Readonly<Record<string, FundingRateSeries>>
  readonly markPrices: Readonly<Record<string, MarkPriceSeries>>
  readonly clock: { now(): number } | undefined
  readonly keepClosedOrders: number
}

function checkSeries(resolved: Omit<ResolvedOptions, 'brackets' | 'fallbackBrackets'>): void {
  const issues: ValidationIssue[] = []
  for (const [symbol, series] of Object.entries(resolved.funding)) {
    if (!resolved.instruments.has(symbol)) issues.push({ path: `funding.${symbol}`, message: 'unknown symbol' })
    else issues.push(...fundingIssues(symbol, series))
  }
  for (const [symbol, series] of Object.entries(resolved.markPrices)) {
    if (!resolved.instruments.has(symbol)) issues.push({ path: `markPrices.${symbol}`, message: 'unknown symbol' })
    else issues.push(...markIssues(symbol, series))
  }
  if (issues.length > 0) throw new ConfigError('Invalid paper exchange series', issues)
}

function checkLeverage(resolved: ResolvedOptions): void {
  const issues: ValidationIssue[] = []
  for (const symbol of resolved.instruments.keys()) {
    const max = maxLeverage(resolved.brackets[symbol] ?? resolved.fallbackBrackets)
    if (resolved.leverage > max) {
      issues.push({ path: 'leverage', message: `${resolved.leverage} is above ${symbol}'s maximum leverage ${max}` })
    }
  }
  if (issues.length > 0) throw new ConfigError('Invalid paper exchange leverage', issues)
}

/**
 * Validates the options and applies the defaults.
 * @throws {ConfigError} listing every bad option by path.
 * @internal
 */
export function resolveOptions(options: PaperExchangeOptions): ResolvedOptions {
  const o = parseOrThrow(OptionsSchema, options, 'paper exchange options')
  const base = o.exchangeInfo === undefined ? bundledInstruments() : parseExchangeInfo(o.exchangeInfo)
  const scalars = {
    ...o,
    instruments: resolveInstruments(base, options.instruments),
    funding: options.funding ?? {},
    markPrices: options.markPrices ?? {},
    clock: options.clock,
  }
  checkSeries(scalars)
  const fallback = options.fallbackBrackets ?? FALLBACK_BRACKETS
  const resolved: ResolvedOptions = {
    ...scalars,
    brackets: o.leverageBrackets === undefined ? bundledLeverageBrackets() : parseLeverageBrackets(o.leverageBrackets),
    fallbackBrackets: parseLeverageBrackets({ FALLBACK: fallback }, 'fallbackBrackets').FALLBACK!,
  }
  checkLeverage(resolved)
  return resolved
}
