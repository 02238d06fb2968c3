/**
 * Shared types of the trading-math functions.
 * @packageDocumentation
 */

/** Direction of a position in a linear (USDⓈ-M) perpetual. */
export type PositionDirection = 'LONG' | 'SHORT'

/**
 * One Binance leverage bracket (`GET /fapi/v1/leverageBracket` → `brackets[]`) with numbers parsed:
 * the fields {@link maintenanceMargin} needs (core's `LeverageBracket` schema type fits as input).
 * @see https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Notional-and-Leverage-Brackets
 */
export interface MaintenanceBracket {
  /** Lower notional bound of the bracket (USDT). */
  readonly notionalFloor: number
  /** Upper notional bound of the bracket (USDT). */
  readonly notionalCap: number
  /** Maintenance margin rate (fraction). */
  readonly maintMarginRatio: number
  /** Maintenance amount ("cum", USDT): makes the maintenance margin continuous across brackets. */
  readonly cum: number
  /** Maximum leverage in the bracket. */
  readonly initialLeverage: number
}

/** A leverage bracket as Binance (or ccxt's `info`) sends it: numbers or numeric strings; extra keys (`bracket`) ignored. */
export type MaintenanceBracketInput = { readonly [K in keyof MaintenanceBracket]: number | string }
