/**
 * The paper futures exchange: a deterministic Binance USD-M simulator, its instruments, precision
 * rules and leverage brackets.
 * @packageDocumentation
 */
export { PaperExchange, createPaperExchange } from './paper-exchange.js'
export { flatPosition } from './account.js'
export type { PaperExchangeOptions, SlippageModel, SlippageContext, StopSlippageModel } from './options.js'
export {
  ExchangeInfoSchema,
  parseExchangeInfo,
  bundledExchangeInfo,
  bundledInstruments,
  resolveInstruments,
} from './instruments.js'
export type { ExchangeInfo, InstrumentOverride } from './instruments.js'
export { parseLeverageBrackets, bundledLeverageBrackets, FALLBACK_BRACKETS } from './leverage-brackets.js'
export type { LeverageBracketTable } from './leverage-brackets.js'
export { roundOrder, checkMinNotional, quantize, truncateToStep, roundToTick, decimalsOf } from './precision.js'
export type {
  OrderAmounts,
  RoundedAmounts,
  RoundOrderOptions,
  PrecisionAdjustment,
  NotionalCheck,
  Quantized,
} from './precision.js'
export { CompensatedSum } from './ledger.js'
export type { LedgerSnapshot } from './ledger.js'
export type { FundingRateSeries, MarkPriceSeries, NumberColumn } from './series.js'
export { PaperAccountStateSchema } from './account-state.js'
export type { PaperAccountState } from './account-state.js'
