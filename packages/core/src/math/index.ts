/**
 * Trading mathematics for USDⓈ-M linear perpetuals: sizing, PnL, break-even, margins, liquidation.
 * Every function validates its input with zod and throws `ConfigError` on bad values.
 * @packageDocumentation
 */
export { breakEvenPrice } from './break-even-price.js'
export { initialMargin } from './initial-margin.js'
export { liquidationPrice, liquidationPriceUnchecked } from './liquidation-price.js'
export { findMaintenanceBracket, maintenanceMargin, parseMaintenanceBrackets } from './maintenance-margin.js'
export { pnl } from './pnl.js'
export { sizeFromRisk } from './size-from-risk.js'

export type { BreakEvenPriceInput } from './break-even-price.js'
export type { InitialMarginInput } from './initial-margin.js'
export type { LiquidationPriceInput } from './liquidation-price.js'
export type { MaintenanceMarginInput } from './maintenance-margin.js'
export type { PnlInput } from './pnl.js'
export type { SizeFromRiskInput } from './size-from-risk.js'
export type { MaintenanceBracket, MaintenanceBracketInput, PositionDirection } from './types.js'
