/**
 * Universe OS on the venue: the symbols a run trades, chosen from the venue's exchangeInfo, 24 h tickers
 * and book tickers by filters in the manner of Freqtrade's pairlists (volume, spread, age, volatility,
 * price), refreshed on a schedule.
 * @packageDocumentation
 */
import { ConfigError, parseOrThrow } from '@quantum/core'
import type { Logger } from '@quantum/core'
import { z } from 'zod'
import type { UsdmClient } from './client.js'
import { mapCcxtError } from './errors.js'
import {
  BookTickerReplySchema,
  ExchangeInfoSymbolSchema,
  Ticker24hReplySchema,
  type ExchangeInfoSymbol,
  type Ticker24h,
} from './market-data.js'
import { heldSecrets } from './redact.js'

const DAY_MS = 86_400_000

/** Filters of {@link scanVenueUniverse}. */
export const VenueUniverseOptionsSchema = z.strictObject({
  /** Quote asset of the contracts. @default 'USDT' */
  quoteAsset: z.string().min(1).default('USDT'),
  /** Contract type (Binance `contractType`). @default 'PERPETUAL' */
  contractType: z.string().min(1).default('PERPETUAL'),
  /** Minimum 24 h quote volume (USDT), Freqtrade's VolumePairList. @default 50000000 */
  minQuoteVolume: z.number().min(0).default(50_000_000),
  /** Largest spread of the book ticker (bps of the mid), Freqtrade's SpreadFilter. @default 5 */
  maxSpreadBps: z.number().positive().default(5),
  /** Days since listing (`onboardDate`), Freqtrade's AgeFilter. @default 30 */
  minAgeDays: z.number().min(0).default(30),
  /** 24 h range (high - low) / last, Freqtrade's VolatilityFilter: `[min, max]`. @default [0.005, 0.25] */
  volatility: z.tuple([z.number().min(0), z.number().positive()]).default([0.005, 0.25]),
  /** Lowest last price (USDT), Freqtrade's PriceFilter. @default 0 */
  minPrice: z.number().min(0).default(0),
  /** Symbols never chosen (a blacklist). @default [] */
  exclude: z.array(z.string().min(1)).default([]),
  /** Most symbols, the highest quote volume first. @default 10 */
  maxSymbols: z.number().int().min(1).max(500).default(10),
})
/** Filters of {@link scanVenueUniverse}, as written. */
export type VenueUniverseOptions = z.input<typeof VenueUniverseOptionsSchema>

/** What a scan chose, and why each other symbol was left out. */
export interface VenueUniverseSelection {
  /** The chosen symbols, highest quote volume first. */
  readonly symbols: readonly string[]
  /** Every symbol left out, with the first filter it failed (e.g. `quoteVolume 1.2e6 < 5e7`). */
  readonly rejected: readonly { readonly symbol: string; readonly reason: string }[]
  /** When the scan ran (epoch ms). */
  readonly time: number
}

type MarketDataClient = Pick<
  UsdmClient,
  'fapiPublicGetExchangeInfo' | 'fapiPublicGetTicker24hr' | 'fapiPublicGetTickerBookTicker'
>

async function call(name: keyof MarketDataClient, client: MarketDataClient): Promise<unknown> {
  const fn = client[name]
  if (fn === undefined)
    throw new ConfigError('The client cannot scan the venue', [{ path: 'client', message: `${name} is missing` }])
  try {
    return await fn.call(client, {})
  } catch (error) {
    throw mapCcxtError(error, { method: name, secrets: heldSecrets(client) })
  }
}

/** The first filter `s` fails, or undefined when it passes them all. */
function failure(
  o: z.output<typeof VenueUniverseOptionsSchema>,
  s: { info: ExchangeInfoSymbol; ticker: Ticker24h | undefined; spreadBps: number | undefined; now: number },
): string | undefined {
  const { info, ticker } = s
  if (o.exclude.includes(info.symbol)) return 'excluded'
  if (info.status !== 'TRADING') return `status ${info.status}`
  if (info.quoteAsset !== o.quoteAsset) return `quote ${info.quoteAsset}`
  if ((info.contractType ?? '') !== o.contractType) return `contract ${info.contractType ?? 'none'}`
  if (ticker === undefined) return 'no 24 h ticker'
  if (ticker.quoteVolume < o.minQuoteVolume) return `quoteVolume ${ticker.quoteVolume} < ${o.minQuoteVolume}`
  if (ticker.lastPrice < o.minPrice || !(ticker.lastPrice > 0)) return `price ${ticker.lastPrice} < ${o.minPrice}`
  const age = info.onboardDate === undefined ? Number.POSITIVE_INFINITY : (s.now - info.onboardDate) / DAY_MS
  if (age < o.minAgeDays) return `listed ${age.toFixed(1)} days ago < ${o.minAgeDays}`
  const range = (ticker.highPrice - ticker.lowPrice) / ticker.lastPrice
  if (range < o.volatility[0] || range > o.volatility[1])
    return `24 h range ${range.toFixed(4)} outside [${o.volatility[0]}, ${o.volatility[1]}]`
  if (s.spreadBps === undefined) return 'no book ticker'
  if (s.spreadBps > o.maxSpreadBps) return `spread ${s.spreadBps.toFixed(2)} bps > ${o.maxSpreadBps}`
  return undefined
}

/**
 * Chooses the symbols to trade from the venue: three public requests (exchangeInfo, every 24 h ticker,
 * every book ticker), then the filters of {@link VenueUniverseOptionsSchema}, the highest quote volume first.
 * @throws {ConfigError} for invalid options or a client without the market-data calls.
 * @throws the SDK's typed exchange errors when the venue cannot be reached.
 * @example const { symbols } = await scanVenueUniverse(client, { minQuoteVolume: 1e8, maxSymbols: 5 })
 */
export async function scanVenueUniverse(
  client: MarketDataClient,
  options: VenueUniverseOptions = {},
  now: number = Date.now(),
): Promise<VenueUniverseSelection> {
  const o = parseOrThrow(VenueUniverseOptionsSchema, options, { what: 'venue universe options', path: 'universe' })
  const [info, tickers, books] = await Promise.all([
    call('fapiPublicGetExchangeInfo', client),
    call('fapiPublicGetTicker24hr', client),
    call('fapiPublicGetTickerBookTicker', client),
  ])
  const symbols = z.object({ symbols: z.array(ExchangeInfoSymbolSchema) }).parse(info).symbols
  const byTicker = new Map(
    z
      .array(Ticker24hReplySchema)
      .parse(tickers)
      .map((t) => [t.symbol, t]),
  )
  const spread = new Map(
    z
      .array(BookTickerReplySchema)
      .parse(books)
      .map((b) => [
        b.symbol,
        b.bidPrice > 0 ? ((b.askPrice - b.bidPrice) / ((b.askPrice + b.bidPrice) / 2)) * 10_000 : undefined,
      ]),
  )
  const rejected: { symbol: string; reason: string }[] = []
  const passed: { symbol: string; volume: number }[] = []
  for (const s of symbols) {
    const ticker = byTicker.get(s.symbol)
    const reason = failure(o, { info: s, ticker, spreadBps: spread.get(s.symbol), now })
    if (reason === undefined) passed.push({ symbol: s.symbol, volume: ticker!.quoteVolume })
    else rejected.push({ symbol: s.symbol, reason })
  }
  passed.sort((a, b) => b.volume - a.volume || a.symbol.localeCompare(b.symbol))
  for (const p of passed.slice(o.maxSymbols))
    rejected.push({ symbol: p.symbol, reason: `beyond maxSymbols ${o.maxSymbols}` })
  return { symbols: passed.slice(0, o.maxSymbols).map((p) => p.symbol), rejected, time: now }
}

/**
 * A venue universe refreshed on a schedule. It has the shape of `@quantum/agents`' `UniverseOs`
 * (`has`, `refresh`, `members`), so `universeFilter({ universe })` denies entries outside it.
 */
export interface VenueUniverse {
  /** The current members (refresh is by the schedule, not by this call). */
  refresh(time: number): ReadonlySet<string>
  /** True when `symbol` is a member. */
  has(symbol: string, time: number): boolean
  /** The current members. */
  members(): ReadonlySet<string>
  /** Not ranked by an opportunity ranker: always empty. */
  lastRanking(): readonly never[]
  /** The latest selection (undefined before the first scan). */
  selection(): VenueUniverseSelection | undefined
  /** Scans now and replaces the members (a failed scan keeps the old ones and is passed to `onError`). */
  rescan(): Promise<VenueUniverseSelection | undefined>
  /** Stops the schedule. */
  stop(): void
}

/**
 * Scans once, then every `everyMs`, keeping the latest selection; `onChange` hears each change of the
 * members, `onError` each failed scan (the members stay as they were: never silently emptied).
 * @example const universe = await startVenueUniverse(client, { maxSymbols: 5 }, { everyMs: 3_600_000 })
 */
export async function startVenueUniverse(
  client: MarketDataClient,
  options: VenueUniverseOptions,
  schedule: {
    everyMs: number
    now?: () => number
    logger?: Logger
    onChange?: (selection: VenueUniverseSelection, previous: ReadonlySet<string>) => void
    onError?: (error: unknown) => void
  },
): Promise<VenueUniverse> {
  parseOrThrow(VenueUniverseOptionsSchema, options, { what: 'venue universe options', path: 'universe' })
  let members: ReadonlySet<string> = new Set()
  let last: VenueUniverseSelection | undefined
  const now = schedule.now ?? Date.now
  const rescan = async (): Promise<VenueUniverseSelection | undefined> => {
    try {
      const selection = await scanVenueUniverse(client, options, now())
      const previous = members
      last = selection
      members = new Set(selection.symbols)
      const changed = previous.size !== members.size || [...members].some((s) => !previous.has(s))
      if (changed) {
        schedule.logger?.info('venue universe changed', { symbols: selection.symbols.join(',') })
        schedule.onChange?.(selection, previous)
      }
      return selection
    } catch (error) {
      schedule.logger?.error('venue universe scan failed; keeping the members', { error: String(error) })
      schedule.onError?.(error)
      return undefined
    }
  }
  await rescan()
  const timer = setInterval(() => void rescan(), schedule.everyMs)
  timer.unref?.()
  return {
    refresh: () => members,
    has: (symbol) => members.has(symbol),
    members: () => members,
    lastRanking: () => [],
    selection: () => last,
    rescan,
    stop: () => clearInterval(timer),
  }
}
