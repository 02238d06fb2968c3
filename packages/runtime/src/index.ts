/**
 * `@quantum/runtime`: the `quantum-run` CLI and the pieces it is made of (config loading, run folder,
 * HTML report), usable programmatically.
 * @packageDocumentation
 */
export { runCli } from './run-cli.js'
export { VERSION, quickAnswer } from './usage.js'
export type { BacktestRunner, CliDeps, RunnerOptions } from './run-cli.js'
export { parseCliArgs, assertModeSupported, USAGE, RUN_MODES } from './args.js'
export type { CliArgs } from './args.js'
export { loadQuantumConfig, resolveConfigPaths } from './load-config.js'
export type { ConfigLoaderOptions, ConfigOverrides, LoadedConfig, LoadQuantumConfigOptions } from './load-config.js'
export { writeRunFolder, buildSummaryJson, breakdownsOf, riskStatesJson, defaultRunDir, runStamp } from './write-run.js'
export { WarningLog } from './warning-log.js'
export type { WarningEntry } from './warning-log.js'
export type { RunFiles, WriteRunOptions } from './write-run.js'
export { describeRun } from './run-info.js'
export type { PluginInfo, RunInfo } from './run-info.js'
export { renderReportHtml } from './report-html.js'
export { breakdownsHtml } from './report-breakdowns.js'
export type { ReportOptions } from './report-html.js'
export { buildReportData, aggregateCandles, reduceEquity, sampleTrades } from './report-data.js'
export type { CandleData, MarkerData, ReportData, ReportLimits } from './report-data.js'
export { formatSummaryTable } from './summary-table.js'
export type { SummaryTableOptions } from './summary-table.js'
export { summaryFigures } from './figures.js'
export type { Figure, FigureTone } from './figures.js'
export { createCliLogger } from './logger.js'
export type { CliLoggerOptions, LogLevel } from './logger.js'
export { createProgress, PROGRESS_MIN_BARS } from './progress.js'
export type { ProgressOptions, ProgressReporter } from './progress.js'
export {
  toJson,
  jsonReplacer,
  tradesCsvChunks,
  equityCsvChunks,
  drawdownSeries,
  TRADES_CSV_HEADER,
  EQUITY_CSV_HEADER,
} from './serialize.js'
export type { CliStream } from './streams.js'
export {
  runCompare,
  parseSubcommandArgs,
  readRunSummary,
  formatComparison,
  ComparedSummarySchema,
  COMPARE_USAGE,
} from './compare-runs.js'
export type { ComparedRun, ComparedSummary, SubcommandArgs, SubcommandIo } from './compare-runs.js'
export { SUBCOMMANDS, subcommandOf } from './subcommands.js'
export { runOptimize, parseOptimizeArgs, studyDocument, formatStudy, OPTIMIZE_USAGE } from './optimize-cli.js'
export type { OptimizeArgs } from './optimize-cli.js'
export {
  samplerFor,
  searchOf,
  flagReader,
  readResearchArgs,
  openResearch,
  openTrialPool,
  openResearchState,
  RESEARCH_FLAGS,
} from './research-cli.js'
export type { ResearchArgs, ResearchSetup } from './research-cli.js'
export { runWalkForward, summarize as summarizeWalkForward, WALK_FORWARD_USAGE } from './walk-forward-cli.js'
export type { WindowReport } from './walk-forward-cli.js'
export { createTrialPool, trialWorkerPath } from './trial-pool.js'
export type {
  TrialPool,
  TrialPoolOptions,
  TrialRequest,
  TrialWindow,
  TrialWorkerData,
  DailyEquity,
  DetailedOutcome,
} from './trial-pool.js'
export { fileTrialStore, studyTrialRecord } from './trial-store.js'
export type { TrialStore, SharedTrials } from './trial-store.js'
export type { Subcommand } from './subcommands.js'
