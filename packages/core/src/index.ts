/**
 * `@quantum/core`: domain types and schemas, plugin contracts, the RxJS engine, the paper futures
 * exchange, candle feeds, indicators, statistics and the "Trading Mathematician".
 * @packageDocumentation
 */

// Errors and validation
export {
  QUANTUM_ERROR_CODES,
  QuantumError,
  ConfigError,
  DataError,
  PluginError,
  ModelError,
  AuthError,
  ExchangeError,
  InvalidOrder,
  InsufficientFunds,
  StaleOrderError,
  NetworkError,
  RateLimitExceeded,
  NotSupportedError,
  MissingDependencyError,
  isQuantumError,
  isModuleNotFound,
} from './errors.js'
export type { QuantumErrorCode, QuantumErrorOptions, ValidationIssue, DataIssue } from './errors.js'
export { importOptional, requireOptional } from './optional.js'
export { parseOrThrow, zodIssues } from './validate.js'
export { closest, didYouMean } from './suggest.js'
export type { ParseTarget } from './validate.js'

// Domain schemas
export {
  SymbolSchema,
  CandleSchema,
  SignalActionSchema,
  SignalSchema,
  DecisionSchema,
  OrderSideSchema,
  OrderTypeSchema,
  TimeInForceSchema,
  OrderRequestSchema,
  OrderStatusSchema,
  OrderSchema,
  FillSchema,
  PositionSideSchema,
  PositionSchema,
  BalanceSchema,
  FundingEventSchema,
  InstrumentSchema,
  LeverageBracketSchema,
} from './schemas.js'

// Plugins and config
export { definePlugin } from './define-plugin.js'
export type {
  PluginByKind,
  PluginHooks,
  PluginDefinition,
  PluginFactory,
  AllOptional,
  RequiredKeys,
} from './define-plugin.js'
export {
  defineConfig,
  resolveConfigExport,
  QuantumConfigSchema,
  DataConfigSchema,
  ExchangeConfigSchema,
  OutputConfigSchema,
  PluginSchema,
  TimeBoundSchema,
  InstrumentOverrideSchema,
  SlippageConfigSchema,
  ClmConfigSchema,
  ClmFamilySchema,
} from './config.js'
export type {
  QuantumConfig,
  QuantumConfigInput,
  QuantumConfigExport,
  DataConfig,
  ExchangeConfig,
  ClmConfig,
} from './config.js'
export { fixedNotional, closeOpposite } from './plugins/fixed-notional.js'
export { formatEnsembleTree, SEED_AGENT_LABELS } from './format/decision-tree.js'
export type { FormatEnsembleTreeOptions } from './format/decision-tree.js'

// Data feeds
export {
  candleAt,
  readCandleRow,
  marketBarAt,
  medianSpacing,
  seriesLength,
  sliceSeries,
  symbolFromPath,
  timeframeLabel,
  timeframeToMs,
  findGaps,
  MAX_DATA_ISSUES,
  CANDLE_CSV_HEADER,
  parseCandlesCsv,
  readCandlesCsv,
  readCandlesCsvSync,
  FUNDING_CSV_HEADER,
  parseFundingCsv,
  readFundingCsv,
  readFundingCsvSync,
  CANDLE_CACHE_VERSION,
  loadCandles,
  generateCandles,
  writeCandlesCsv,
  gaussian,
  sfc32,
  mergeByTime,
} from './data/index.js'
export type {
  CandleColumns,
  CandleFields,
  CandleSeries,
  DataReport,
  Gap,
  CandleReadResult,
  ReadCandlesOptions,
  FundingReadResult,
  FundingSeries,
  ReadFundingOptions,
  LoadCandlesOptions,
  LoadCandlesResult,
  GenerateCandlesOptions,
  RandomSource,
  MergedIndex,
} from './data/index.js'

// Paper exchange
export * from './exchange/index.js'

// Indicators, statistics
export * from './indicators/index.js'
export * from './stats/index.js'
export * from './math/index.js'

// Engine
export { runEngine } from './engine/run-engine.js'
export type { EngineRunOptions, EngineOutput } from './engine/run-engine.js'
export type { BarDetail, SymbolDetail } from './engine/kernel/market-step.js'
export type { BarOrder } from './engine/bar-source.js'
export { runRiskChain } from './engine/risk-chain.js'
export type { RiskChainHooks } from './engine/risk-chain.js'
export { SimulatedClock } from './engine/clock.js'
export { createLogger, silentLogger } from './engine/logger.js'
export type { LoggerOptions, LogLevel } from './engine/logger.js'
export { createEventBus } from './engine/event-bus.js'
export { sortPlugins } from './engine/plugin-driver.js'
export type { SortedPlugins } from './engine/plugin-driver.js'
export { hookWatchdogKind } from './engine/native-watchdog.js'
export { enterRealtime, leaveRealtime, isRealtime, schedulingPolicy } from './engine/scheduling.js'
export type { RealtimeResult, SchedulingPolicy } from './engine/scheduling.js'
export { TradeTracker } from './engine/trade-tracker.js'
export { equalWeightVote } from './engine/operators/decide-signals.js'
export type { AgentRound } from './engine/operators/run-agents.js'

// Types
export type * from './schemas.js'
export type * from './types.js'
export type * from './result.js'

// Backtests
export { runBacktest, paperExchangeFor, paperExchangeForMarket } from './backtest/run-backtest.js'
export type { PaperExchangeInput } from './backtest/run-backtest.js'
export { runPaper } from './backtest/run-paper.js'
export type { LivePaperFeed, PaperRestore, RunPaperOptions } from './backtest/run-paper.js'
export type { RunBacktestOptions, BacktestRun } from './backtest/run-backtest.js'
export { loadMarketData } from './backtest/load-market-data.js'
export type { MarketData, LoadMarketDataOptions } from './backtest/load-market-data.js'
export { summarizeRun } from './backtest/summarize.js'
export type { SummarizeInput } from './backtest/summarize.js'
export { startLive, ProtectionWatchdog } from './engine/live/run-live.js'
export type { LiveRun, LiveRunOptions, LiveRunBaseOptions, LiveSummary } from './engine/live/run-live.js'
export type { KernelVenue, KernelRestore, MarkUpdate } from './engine/kernel/kernel.js'
export type { ProtectionOptions } from './engine/kernel/protection.js'
export {
  RunJournal,
  learnedBlobName,
  loadLearnedState,
  loadPaperAccount,
  PAPER_ACCOUNT_BLOB,
} from './engine/kernel/run-journal.js'
export type { RunJournalOptions } from './engine/kernel/run-journal.js'
export { replayBars } from './engine/live/replay-bars.js'
export type { ReplayOptions } from './engine/live/replay-bars.js'

// Durable state: the StateStore port (implemented by @quantum/store), its records and errors
export * from './state/index.js'

// Research: parameter spaces, samplers, studies, walk-forward statistics
export * from './research/index.js'

// The one set of HTTP guards (ops server, risk API): token, Host/Origin, JSON bodies, limits.
export { createGuardedServer, HttpProblem, readJsonBody, problemReply } from './http/guarded-server.js'
export type {
  GuardedServer,
  GuardedServerOptions,
  HttpRequest,
  HttpReply,
  HttpRoute,
  RouteAuth,
} from './http/guarded-server.js'
export {
  MIN_TOKEN_LENGTH as MIN_HTTP_TOKEN_LENGTH,
  RateLimiter,
  hostAllowed,
  isLoopback,
  originAllowed,
  presentedToken,
  tokenMatches,
} from './http/guard.js'
// Execution (AELM): book checks, maker-first, slicing, slippage against the decision price
export { aelm } from './execution/aelm.js'
export type { AelmOptions } from './execution/aelm.js'
export { AelmExchange, childClientId, splitQuantity } from './execution/aelm-exchange.js'
export type { AelmTactics, AelmDeps } from './execution/aelm-exchange.js'
export { BookTickerCache, paperBookTicker } from './execution/book-ticker.js'
export type { BookTicker, BookTickerSource } from './execution/book-ticker.js'
