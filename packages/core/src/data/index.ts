/**
 * Candle and funding feeds: columnar series, validated CSV readers, a binary cache, a synthetic
 * generator and a multi-symbol time merge.
 * @packageDocumentation
 */
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
} from './candle-series.js'
export type { Candle, CandleColumns, CandleFields, CandleSeries } from './candle-series.js'
export { findGaps } from './find-gaps.js'
export type { DataReport, Gap } from './find-gaps.js'
export { MAX_DATA_ISSUES } from './issue-collector.js'
export { CANDLE_CSV_HEADER, parseCandlesCsv, readCandlesCsv, readCandlesCsvSync } from './read-candles-csv.js'
export type { CandleReadResult, ReadCandlesOptions } from './read-candles-csv.js'
export { FUNDING_CSV_HEADER, parseFundingCsv, readFundingCsv, readFundingCsvSync } from './read-funding-csv.js'
export type { FundingReadResult, FundingSeries, ReadFundingOptions } from './read-funding-csv.js'
export { CANDLE_CACHE_VERSION } from './candle-cache.js'
export { loadCandles } from './load-candles.js'
export type { LoadCandlesOptions, LoadCandlesResult } from './load-candles.js'
export { generateCandles } from './generate-candles.js'
export type { GenerateCandlesOptions } from './generate-candles.js'
export { writeCandlesCsv } from './write-candles-csv.js'
export { gaussian, sfc32 } from './sfc32.js'
export type { RandomSource } from './sfc32.js'
export { mergeByTime } from './merge-by-time.js'
export type { MergedIndex } from './merge-by-time.js'
