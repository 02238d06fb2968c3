import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { QuantumConfig } from '../config.js'
import { medianSpacing, type CandleSeries } from '../data/candle-series.js'
import { ConfigError } from '../errors.js'
import { createPaperExchange, type PaperExchange } from '../exchange/paper-exchange.js'
import type { InstrumentOverride } from '../exchange/instruments.js'
import type { MarkPriceSeries } from '../exchange/series.js'
import type { FundingSeries } from '../data/read-funding-csv.js'
import { runEngine, type EngineOutput } from '../engine/run-engine.js'
import { silentLogger } from '../engine/logger.js'
import type { BacktestResult } from '../result.js'
import type { EngineEvent, Logger } from '../types.js'
import { loadMarketData, type MarketData } from './load-market-data.js'
import { summarizeRun } from './summarize.js'

/** Options of {@link runBacktest}. */
export interface RunBacktestOptions {
  /** Folder that relative data paths resolve against (the config file's folder). */
  readonly baseDir: string
  /** Progress callback (bars done, bars total). @default none */
  readonly onProgress?: (done: number, total: number) => void
  /** Structured logger (data gaps and cache issues are logged as warnings). @default silent */
  readonly logger?: Logger
  /** Every engine event, as it happens. @default none */
  readonly onEvent?: (event: EngineEvent) => void
  /** The event types `onEvent` reads (the engine may skip building others nobody reads). @default every type */
  readonly onEventTypes?: readonly EngineEvent['type'][]
  /** Folder of the binary candle cache. @default `<cwd>/.quantum/cache` */
  readonly cacheDir?: string
  /**
   * The market data, already loaded (the config's `data` is then not read): a trial pool loads each
   * window once per worker and runs many backtests on it.
   * @default loaded from `config.data`
   */
  readonly market?: MarketData
}

/** A backtest result with the data sources it read. */
export type BacktestRun = BacktestResult & { readonly data: NonNullable<BacktestResult['data']> }

/**
 * Runs a validated config as a backtest: loads candles (through the binary cache) and funding, builds
 * the paper exchange, runs the engine and summarises the result.
 * @throws {ConfigError} for symbols the exchange does not know (add `exchange.instruments` or use `precision: 'none'`).
 * @throws {DataError} for malformed data files.
 * @example const result = await runBacktest(config, { baseDir: dirname(configFile) })
 */
export async function runBacktest(config: QuantumConfig, options: RunBacktestOptions): Promise<BacktestRun> {
  const logger = options.logger ?? silentLogger
  const market =
    options.market ??
    (await loadMarketData(config.data, {
      baseDir: options.baseDir,
      ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    }))
  for (const r of market.reports) {
    if (r.gaps.length > 0)
      logger.warn(`${r.kind} gaps (not filled)`, { symbol: r.symbol, file: r.file, gaps: r.gaps.length })
    if (r.cacheIssue !== undefined) logger.warn('candle cache not used', { file: r.file, reason: r.cacheIssue })
  }
  const exchange = await paperExchangeForMarket(config, { market, baseDir: options.baseDir })
  const output = await runEngine({
    series: market.series,
    ...(market.detail.size === 0 ? {} : { detail: market.detail }),
    ...(market.order === undefined ? {} : { order: market.order }),
    exchange,
    plugins: config.plugins,
    mode: 'backtest',
    logger,
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
    ...(options.onEventTypes === undefined ? {} : { onEventTypes: options.onEventTypes }),
  })
  return runResult({ name: config.name ?? 'backtest', market, exchange, output })
}

/**
 * The result of a run on the paper exchange: headline figures (`summarizeRun`), trades, fills, equity,
 * the ledger at the end, notable events and data reports. Shared by backtests and paper runs.
 */
export function runResult(input: {
  name: string
  market: MarketData
  exchange: PaperExchange
  output: EngineOutput
}): BacktestRun {
  const { market, exchange, output } = input
  const first = market.series[0]!
  const ledger = exchange.ledger()
  const balance = exchange.account.getBalance()
  const summary = summarizeRun({
    name: input.name,
    symbols: market.series.map((s) => s.symbol),
    timeframe: first.timeframe,
    stepMs: first.openTime.length > 1 ? medianSpacing(first.openTime) : 3_600_000,
    output,
    ledger,
    endEquity: balance.equity,
  })
  return {
    summary,
    // Read when asked for: a run's trades and fills are kept in columns until then.
    get trades() {
      return output.trades
    },
    get fills() {
      return output.fills
    },
    equity: output.equity,
    series: market.series,
    ledger: {
      startBalance: ledger.startBalance,
      realizedPnl: ledger.realizedPnl,
      fees: ledger.fees,
      funding: ledger.funding,
      endBalance: ledger.wallet,
      unrealizedPnl: balance.equity - balance.wallet,
      endEquity: balance.equity,
    },
    notableEvents: output.notableEvents,
    notableEventTimes: output.notableEventTimes,
    riskStates: output.riskStates,
    data: market.reports,
    decisions: output.decisions,
  }
}

/** Input of {@link paperExchangeFor}. */
export interface PaperExchangeInput {
  /** Symbols the run trades (each must be known to the exchange info or overridden). */
  readonly symbols: readonly string[]
  /** Funding series by symbol (only the run's symbols are used). @default none */
  readonly funding?: ReadonlyMap<string, FundingSeries>
  /** Mark-price candles by symbol (liquidation on the mark price). @default none */
  readonly mark?: ReadonlyMap<string, CandleSeries>
  /** Folder that `exchange.exchangeInfo` resolves against. */
  readonly baseDir: string
  /**
   * A Binance `exchangeInfo`-shaped object (`{ symbols: [...] }`) of the venue the market data comes
   * from (paper runs on a venue's live data); the config's `exchange.exchangeInfo` file still wins.
   * @default the bundled exchangeInfo
   */
  readonly exchangeInfo?: unknown
}

/**
 * The paper exchange of a config: fees, leverage, slippage, instruments (the config's exchangeInfo
 * file, else the venue's, else the bundled one; overrides; `precision: 'none'`), and funding.
 * @throws {ConfigError} for symbols the exchange does not know, or an unreadable exchangeInfo file.
 * @example const exchange = await paperExchangeFor(config, { symbols: ['BTCUSDT'], baseDir: '.' })
 */
export async function paperExchangeFor(config: QuantumConfig, input: PaperExchangeInput): Promise<PaperExchange> {
  const { symbols } = input
  const exchangeInfo =
    config.exchange.exchangeInfo === undefined
      ? input.exchangeInfo
      : await readJson(config.exchange.exchangeInfo, input.baseDir)
  const exchange = createPaperExchange({
    balance: config.exchange.balance,
    makerFee: config.exchange.makerFee,
    takerFee: config.exchange.takerFee,
    leverage: config.exchange.leverage,
    slippage: config.exchange.slippage,
    instruments: instrumentOverrides(config, symbols),
    funding: fundingFor(input.funding ?? new Map(), symbols),
    stopSlippage: config.exchange.stopSlippage,
    ...(input.mark === undefined || input.mark.size === 0 ? {} : { markPrices: markFor(input.mark, symbols) }),
    ...(exchangeInfo === undefined ? {} : { exchangeInfo }),
  })
  checkSymbols(symbols, (s) => exchange.instrument(s))
  return exchange
}

/** {@link paperExchangeFor} on loaded market data: its symbols and funding. */
export function paperExchangeForMarket(
  config: QuantumConfig,
  input: { market: MarketData; baseDir: string },
): Promise<PaperExchange> {
  return paperExchangeFor(config, {
    symbols: input.market.series.map((s) => s.symbol),
    funding: input.market.funding,
    mark: input.market.mark,
    baseDir: input.baseDir,
  })
}

function instrumentOverrides(config: QuantumConfig, symbols: readonly string[]): Record<string, InstrumentOverride> {
  const out: Record<string, InstrumentOverride> = { ...(config.exchange.instruments ?? {}) }
  if (config.exchange.precision === 'none') {
    for (const s of symbols) out[s] = { ...out[s], tickSize: 0, stepSize: 0, minQty: 0, minNotional: 0 }
  }
  return out
}

function fundingFor(
  all: ReadonlyMap<string, FundingSeries>,
  symbols: readonly string[],
): Record<string, FundingSeries> {
  const out: Record<string, FundingSeries> = {}
  for (const s of symbols) {
    const f = all.get(s)
    if (f !== undefined) out[s] = f
  }
  return out
}

function markFor(all: ReadonlyMap<string, CandleSeries>, symbols: readonly string[]): Record<string, MarkPriceSeries> {
  const out: Record<string, MarkPriceSeries> = {}
  for (const s of symbols) {
    const m = all.get(s)
    if (m !== undefined) out[s] = { time: m.openTime, open: m.open, high: m.high, low: m.low, close: m.close }
  }
  return out
}

function checkSymbols(symbols: readonly string[], lookup: (s: string) => unknown): void {
  const issues = symbols.flatMap((symbol) => {
    try {
      lookup(symbol)
      return []
    } catch {
      return [
        {
          path: `exchange.instruments.${symbol}`,
          message: `${symbol} is not in the exchange info: add its rules here or set exchange.precision to 'none'`,
        },
      ]
    }
  })
  if (issues.length > 0) throw new ConfigError('Unknown symbols for the paper exchange', issues)
}

async function readJson(file: string, baseDir: string): Promise<unknown> {
  const path = resolve(baseDir, file)
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown
  } catch (cause) {
    throw new ConfigError(
      `Cannot read exchange.exchangeInfo ${path}`,
      [{ path: 'exchange.exchangeInfo', message: String(cause) }],
      { cause },
    )
  }
}
