/**
 * Instruments (trading rules) from Binance `GET /fapi/v1/exchangeInfo`, the bundled default copy, and
 * per-symbol overrides or synthetic instruments.
 * @packageDocumentation
 */
import { z } from 'zod'
import { ConfigError, type ValidationIssue } from '../errors.js'
import { SymbolSchema, type Instrument } from '../schemas.js'
import { parseOrThrow } from '../validate.js'
import bundledExchangeInfoJson from './binance/fapi_v1_exchangeInfo.sample.json' with { type: 'json' }
import { decimalsOf } from './precision.js'

const FilterSchema = z.looseObject({ filterType: z.string() })

const SymbolInfoSchema = z.looseObject({
  symbol: SymbolSchema,
  baseAsset: z.string().min(1),
  quoteAsset: z.string().min(1),
  pricePrecision: z.number().int().nonnegative(),
  quantityPrecision: z.number().int().nonnegative(),
  filters: z.array(FilterSchema),
})

/** The part of Binance's `GET /fapi/v1/exchangeInfo` response the paper exchange reads (other keys pass). */
export const ExchangeInfoSchema = z.looseObject({ symbols: z.array(SymbolInfoSchema).min(1) })

/** A Binance `GET /fapi/v1/exchangeInfo` response, as far as the paper exchange reads it. */
export type ExchangeInfo = z.input<typeof ExchangeInfoSchema>

const DECIMAL = /^\d+(\.\d+)?$/

type SymbolInfo = z.output<typeof SymbolInfoSchema>

/** Reads one numeric field of one filter; records an issue (with its path) instead of throwing. */
function filterNumber(
  info: SymbolInfo,
  at: { index: number; type: string; field: string },
  issues: ValidationIssue[],
): number {
  const k = info.filters.findIndex((f) => f.filterType === at.type)
  if (k === -1) {
    const message = `${info.symbol}: missing the ${at.type} filter`
    // One issue per missing filter, not one per field read from it.
    if (!issues.some((i) => i.message === message)) issues.push({ path: `symbols.${at.index}.filters`, message })
    return Number.NaN
  }
  const raw = info.filters[k]![at.field]
  const value = typeof raw === 'string' && DECIMAL.test(raw) ? Number(raw) : typeof raw === 'number' ? raw : Number.NaN
  if (!(Number.isFinite(value) && value >= 0)) {
    const message = `${info.symbol}: ${at.type}.${at.field} must be a non-negative decimal string, got ${JSON.stringify(raw)}`
    issues.push({ path: `symbols.${at.index}.filters.${k}.${at.field}`, message })
  }
  return value
}

function optionalFilter(info: SymbolInfo, type: string): boolean {
  return info.filters.some((f) => f.filterType === type)
}

function toInstrument(info: SymbolInfo, index: number, issues: ValidationIssue[]): Instrument {
  const read = (type: string, field: string): number => filterNumber(info, { index, type, field }, issues)
  const maxQty = read('LOT_SIZE', 'maxQty')
  return {
    symbol: info.symbol,
    baseAsset: info.baseAsset,
    quoteAsset: info.quoteAsset,
    tickSize: read('PRICE_FILTER', 'tickSize'),
    stepSize: read('LOT_SIZE', 'stepSize'),
    minQty: read('LOT_SIZE', 'minQty'),
    maxQty,
    maxMarketQty: optionalFilter(info, 'MARKET_LOT_SIZE') ? read('MARKET_LOT_SIZE', 'maxQty') : maxQty,
    minNotional: optionalFilter(info, 'MIN_NOTIONAL') ? read('MIN_NOTIONAL', 'notional') : 0,
    pricePrecision: info.pricePrecision,
    quantityPrecision: info.quantityPrecision,
  }
}

/**
 * Parses a Binance `GET /fapi/v1/exchangeInfo` response into instruments: tickSize from PRICE_FILTER,
 * stepSize / minQty / maxQty from LOT_SIZE, maxMarketQty from MARKET_LOT_SIZE (LOT_SIZE maxQty when
 * absent), minNotional from MIN_NOTIONAL.notional (0 when absent).
 * @throws {ConfigError} listing every bad or missing field by path, e.g. `symbols.0.filters.0.tickSize`.
 * @example const instruments = parseExchangeInfo(JSON.parse(readFileSync('exchangeInfo.json', 'utf8')))
 */
export function parseExchangeInfo(json: unknown, source = 'Binance exchangeInfo'): Instrument[] {
  const info = parseOrThrow(ExchangeInfoSchema, json, source)
  const issues: ValidationIssue[] = []
  const instruments = info.symbols.map((s, i) => toInstrument(s, i, issues))
  if (issues.length > 0) throw new ConfigError(`Invalid ${source}`, issues)
  return instruments
}

let bundled: readonly Instrument[] | undefined

/**
 * The bundled Binance `GET /fapi/v1/exchangeInfo` reply itself (real, recorded 2025-12-24; BTC, ETH, XRP,
 * BNB, SOL USDT perpetuals), for adapters and emulators that need the raw shape. Do not mutate.
 */
export function bundledExchangeInfo(): ExchangeInfo {
  return bundledExchangeInfoJson
}

/** Instruments of the bundled exchangeInfo sample (BTC, ETH, XRP, BNB, SOL USDT perpetuals, Dec 2025). */
export function bundledInstruments(): readonly Instrument[] {
  // Parsed on first use rather than at import, so importing the package stays free of work.
  bundled ??= Object.freeze(parseExchangeInfo(bundledExchangeInfoJson, 'bundled exchangeInfo'))
  return bundled
}

/** Per-symbol changes to an instrument, or the rules of a synthetic one. */
export interface InstrumentOverride {
  /** PRICE_FILTER.tickSize; 0 disables price rounding. @default the base instrument's, else 0 */
  readonly tickSize?: number
  /** LOT_SIZE.stepSize; 0 disables quantity rounding. @default the base instrument's, else 0 */
  readonly stepSize?: number
  /** LOT_SIZE.minQty. @default the base instrument's, else 0 */
  readonly minQty?: number
  /** LOT_SIZE.maxQty. @default the base instrument's, else Infinity */
  readonly maxQty?: number
  /** MARKET_LOT_SIZE.maxQty. @default the base instrument's, else Infinity */
  readonly maxMarketQty?: number
  /** MIN_NOTIONAL.notional in USDT. @default the base instrument's, else 0 */
  readonly minNotional?: number
  /** Base asset. @default the base instrument's, else the symbol without its `USDT` suffix */
  readonly baseAsset?: string
  /** Quote (and margin) asset. @default the base instrument's, else `USDT` */
  readonly quoteAsset?: string
}

const nonNegative = z.number().finite().nonnegative()
const OverrideSchema = z.strictObject({
  tickSize: nonNegative.optional(),
  stepSize: nonNegative.optional(),
  minQty: nonNegative.optional(),
  maxQty: z.number().positive().optional(),
  maxMarketQty: z.number().positive().optional(),
  minNotional: nonNegative.optional(),
  baseAsset: z.string().min(1).optional(),
  quoteAsset: z.string().min(1).optional(),
})
const OverridesSchema = z.record(SymbolSchema, OverrideSchema)

function synthetic(symbol: string): Instrument {
  return {
    symbol,
    baseAsset: symbol.endsWith('USDT') && symbol.length > 4 ? symbol.slice(0, -4) : symbol,
    quoteAsset: 'USDT',
    tickSize: 0,
    stepSize: 0,
    minQty: 0,
    maxQty: Number.POSITIVE_INFINITY,
    maxMarketQty: Number.POSITIVE_INFINITY,
    minNotional: 0,
    pricePrecision: 0,
    quantityPrecision: 0,
  }
}

/**
 * Applies overrides to instruments, adding a synthetic instrument (no rounding, no minimums unless
 * given) for every overridden symbol that is not in `base`.
 * @throws {ConfigError} when an override has an unknown key or a bad value (path `instruments.<SYMBOL>.<field>`).
 * @example resolveInstruments(bundledInstruments(), { TESTUSDT: { minNotional: 0 } })
 */
export function resolveInstruments(
  base: readonly Instrument[],
  overrides: Readonly<Record<string, InstrumentOverride>> = {},
): Map<string, Instrument> {
  const parsed = parseOrThrow(OverridesSchema, overrides, { what: 'paper exchange instruments', path: 'instruments' })
  const out = new Map<string, Instrument>(base.map((i) => [i.symbol, i]))
  for (const [symbol, o] of Object.entries(parsed)) {
    const prev = out.get(symbol) ?? synthetic(symbol)
    const merged: Instrument = { ...prev }
    for (const [key, value] of Object.entries(o)) if (value !== undefined) Object.assign(merged, { [key]: value })
    if (o.tickSize !== undefined) merged.pricePrecision = decimalsOf(o.tickSize)
    if (o.stepSize !== undefined) merged.quantityPrecision = decimalsOf(o.stepSize)
    out.set(symbol, merged)
  }
  return out
}
