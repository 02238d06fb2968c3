/**
 * Options of the emulator, validated with zod into one resolved config (bad options are a
 * {@link @quantum/core!ConfigError} listing every issue).
 * @packageDocumentation
 */
import { ConfigError, parseOrThrow, type FundingRateSeries } from '@quantum/core'
import { z } from 'zod'
import { ManualClock, RealClock, type EmulatorClock } from './clock.js'
import bundledExchangeInfo from './data/fapi_v1_exchangeInfo.sample.json' with { type: 'json' }
import bundledLeverageTiers from './data/leverage_tiers.freqtrade.json' with { type: 'json' }

/** One API key and its HMAC secret. */
export interface ApiKeyPair {
  /** Sent by clients in `X-MBX-APIKEY`. */
  readonly key: string
  /** HMAC-SHA256 secret of the key. */
  readonly secret: string
}

/** Options of {@link createEmulator}. Every field is optional. */
export interface EmulatorOptions {
  /** Interface to bind. @default '127.0.0.1' (loopback only) */
  readonly host?: string
  /** TCP port; 0 picks a free one. @default 0 */
  readonly port?: number
  /** Symbols to list and trade, a subset of the exchangeInfo's. @default every symbol of the exchangeInfo */
  readonly symbols?: readonly string[]
  /** Starting USDT wallet balance. @default 10000 */
  readonly balance?: number
  /** Accepted API keys (all trade the one emulated account). @default one pair `emulator-key` / `emulator-secret` */
  readonly apiKeys?: readonly ApiKeyPair[]
  /** Leverage of every symbol until `POST /fapi/v1/leverage` changes it. @default 20 (Binance's default) */
  readonly leverage?: number
  /**
   * Margin type reported per symbol until `POST /fapi/v1/marginType` changes it. Only reported: the
   * engine always computes isolated margin (see the README).
   * @default 'CROSSED' (Binance's default)
   */
  readonly marginType?: 'ISOLATED' | 'CROSSED'
  /** A Binance `GET /fapi/v1/exchangeInfo` response served as is (and parsed into instruments). @default the bundled real Dec 2025 sample */
  readonly exchangeInfo?: unknown
  /** Leverage brackets (Binance array, ccxt tiers map or typed table). @default the bundled table (BTC, ETH, BNB, SOL, XRP) */
  readonly leverageBrackets?: unknown
  /** Maker fee rate. @default 0.0002 */
  readonly makerFee?: number
  /** Taker fee rate. @default 0.0005 */
  readonly takerFee?: number
  /** Funding-rate history per symbol, charged at funding times crossed by pushed bars. @default none */
  readonly funding?: Readonly<Record<string, FundingRateSeries>>
  /** Seed of the fault-injection random numbers (same seed, same faults). @default 1 */
  readonly seed?: number
  /**
   * Time source: `'real'` (wall clock), `'manual'` (stands still until `emulator.clock.advance`), or
   * your own {@link EmulatorClock}.
   * @default 'real'
   */
  readonly clock?: 'real' | 'manual' | EmulatorClock
  /** Start of a `'manual'` clock, epoch ms. @default Date.UTC(2026, 0, 1) */
  readonly startTime?: number
  /** Request weight allowed per minute before 429 -1003. @default the exchangeInfo's REQUEST_WEIGHT limit, else 2400 */
  readonly weightLimit?: number
  /** Orders allowed per minute before 429 -1003. @default the exchangeInfo's ORDERS per minute limit, else 1200 */
  readonly orderLimit?: number
  /** Requests rejected with 429 in one minute after which the emulator answers 418 (IP ban) until the minute ends. @default 5 */
  readonly banAfter?: number
  /** How long a listenKey lives without a keep-alive (`PUT`). @default 3600000 (60 min) */
  readonly listenKeyTtlMs?: number
  /**
   * When orders execute: `'immediate'` (like Binance: a marketable order fills at once at the last
   * price, through a zero-range tick of the engine) or `'next-bar'` (the paper rules: at the next
   * pushed bar's open).
   * @default 'immediate'
   */
  readonly execution?: 'immediate' | 'next-bar'
  /** Interval of the bars given to the engine (other intervals are only served by `klines`). @default '1m' */
  readonly interval?: string
}

/** Kline intervals Binance accepts, with their length in ms. */
export const INTERVALS: Readonly<Record<string, number>> = {
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '8h': 28_800_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
}

const isClock = (v: unknown): v is EmulatorClock =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { now?: unknown }).now === 'function' &&
  typeof (v as { schedule?: unknown }).schedule === 'function'

const positive = z.number().finite().positive()
const OptionsSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(0),
  symbols: z
    .array(z.string().regex(/^[A-Z0-9]{2,30}$/))
    .min(1)
    .optional(),
  balance: z.number().finite().nonnegative().default(10_000),
  apiKeys: z
    .array(z.strictObject({ key: z.string().min(1), secret: z.string().min(1) }))
    .min(1)
    .default([{ key: 'emulator-key', secret: 'emulator-secret' }]),
  leverage: positive.default(20),
  marginType: z.enum(['ISOLATED', 'CROSSED']).default('CROSSED'),
  exchangeInfo: z.unknown().optional(),
  leverageBrackets: z.unknown().optional(),
  makerFee: z.number().min(-0.01).max(0.1).default(0.0002),
  takerFee: z.number().min(0).max(0.1).default(0.0005),
  funding: z.record(z.string(), z.unknown()).optional(),
  seed: z.number().int().default(1),
  clock: z
    .union([z.literal('real'), z.literal('manual'), z.custom<EmulatorClock>(isClock, 'expected a clock object')])
    .default('real'),
  startTime: z
    .number()
    .int()
    .nonnegative()
    .default(Date.UTC(2026, 0, 1)),
  weightLimit: z.number().int().positive().optional(),
  orderLimit: z.number().int().positive().optional(),
  banAfter: z.number().int().nonnegative().default(5),
  listenKeyTtlMs: positive.default(3_600_000),
  execution: z.enum(['immediate', 'next-bar']).default('immediate'),
  interval: z
    .string()
    .refine((s) => s in INTERVALS, 'expected a Binance kline interval such as 1m')
    .default('1m'),
})

const RateLimitsSchema = z.looseObject({
  symbols: z.array(z.looseObject({ symbol: z.string() })).min(1),
  rateLimits: z
    .array(
      z.looseObject({ rateLimitType: z.string(), interval: z.string(), intervalNum: z.number(), limit: z.number() }),
    )
    .optional(),
})

/** The validated options with defaults applied. @internal */
export interface ResolvedEmulatorOptions {
  readonly host: string
  readonly port: number
  readonly balance: number
  readonly apiKeys: readonly ApiKeyPair[]
  readonly leverage: number
  readonly marginType: 'ISOLATED' | 'CROSSED'
  /** The exchangeInfo served, reduced to `symbols`. */
  readonly exchangeInfo: Record<string, unknown>
  readonly symbols: readonly string[]
  readonly leverageBrackets: unknown
  readonly makerFee: number
  readonly takerFee: number
  readonly funding: Readonly<Record<string, FundingRateSeries>>
  readonly seed: number
  readonly clock: EmulatorClock
  readonly weightLimit: number
  readonly orderLimit: number
  readonly banAfter: number
  readonly listenKeyTtlMs: number
  readonly execution: 'immediate' | 'next-bar'
  readonly interval: string
}

function reduceExchangeInfo(raw: unknown, symbols: readonly string[] | undefined): Record<string, unknown> {
  const info = parseOrThrow(RateLimitsSchema, raw, { what: 'emulator exchangeInfo', path: 'exchangeInfo' })
  if (symbols === undefined) return info
  const known = new Set(info.symbols.map((s) => s.symbol))
  const missing = symbols.filter((s) => !known.has(s))
  if (missing.length > 0) {
    throw new ConfigError(
      'Invalid emulator options',
      missing.map((s) => ({ path: 'symbols', message: `${s} is not in the exchangeInfo` })),
    )
  }
  return { ...info, symbols: info.symbols.filter((s) => symbols.includes(s.symbol)) }
}

function limitOf(info: Record<string, unknown>, type: string): number | undefined {
  const limits = (info as z.output<typeof RateLimitsSchema>).rateLimits ?? []
  return limits.find((l) => l.rateLimitType === type && l.interval === 'MINUTE' && l.intervalNum === 1)?.limit
}

/**
 * Validates the options and applies the defaults.
 * @throws {ConfigError} listing every bad option by path.
 * @internal
 */
export function resolveEmulatorOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  const o = parseOrThrow(OptionsSchema, options, 'emulator options')
  const exchangeInfo = reduceExchangeInfo(o.exchangeInfo ?? bundledExchangeInfo, o.symbols)
  const symbols = (exchangeInfo.symbols as { symbol: string }[]).map((s) => s.symbol)
  const clock = o.clock === 'real' ? new RealClock() : o.clock === 'manual' ? new ManualClock(o.startTime) : o.clock
  return {
    ...o,
    exchangeInfo,
    symbols,
    leverageBrackets: o.leverageBrackets ?? bundledLeverageTiers,
    funding: options.funding ?? {},
    clock,
    weightLimit: o.weightLimit ?? limitOf(exchangeInfo, 'REQUEST_WEIGHT') ?? 2400,
    orderLimit: o.orderLimit ?? limitOf(exchangeInfo, 'ORDERS') ?? 1200,
  }
}
