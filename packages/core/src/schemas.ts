/**
 * Domain types of the SDK, each defined once as a zod schema (the boundary check) with its
 * TypeScript type inferred from it. Parse at boundaries (files, network, config); inside the
 * engine the types are trusted and never re-parsed on the hot path.
 * @packageDocumentation
 */
import { z } from 'zod'

const finite = () => z.number().finite()
const positive = () => z.number().finite().positive()
const nonNegative = () => z.number().finite().nonnegative()
/** Epoch milliseconds, UTC. */
const epochMs = () => z.number().int().nonnegative()

/** Trading symbol in Binance form, e.g. `BTCUSDT`. */
export const SymbolSchema = z.string().regex(/^[A-Z0-9]{2,30}$/, 'expected an upper-case symbol such as BTCUSDT')

/** One OHLCV candle; `openTime` is the candle's open time (epoch ms UTC). */
export const CandleSchema = z
  .object({
    symbol: SymbolSchema,
    openTime: epochMs(),
    open: positive(),
    high: positive(),
    low: positive(),
    close: positive(),
    volume: nonNegative(),
  })
  .refine((c) => c.low <= Math.min(c.open, c.close) && c.high >= Math.max(c.open, c.close), {
    message: 'low must be <= min(open, close) and high >= max(open, close)',
  })
/** One OHLCV candle. */
export type Candle = z.infer<typeof CandleSchema>

/** What an agent wants: buy, sell or stay out. */
export const SignalActionSchema = z.enum(['BUY', 'SELL', 'HOLD'])
/** What an agent wants: buy, sell or stay out. */
export type SignalAction = z.infer<typeof SignalActionSchema>

/** An agent's opinion on one symbol at one time. */
export const SignalSchema = z.object({
  /** Name of the agent that produced it. */
  agent: z.string(),
  symbol: SymbolSchema,
  /** Time of the bar close it was computed on (epoch ms). */
  time: epochMs(),
  action: SignalActionSchema,
  /** Confidence in [0, 1]. */
  confidence: z.number().min(0).max(1),
  /** The model's class probabilities, when it has them (each in [0, 1], summing to 1). */
  probabilities: z
    .object({ BUY: z.number().min(0).max(1), SELL: z.number().min(0).max(1), HOLD: z.number().min(0).max(1) })
    .optional(),
  /** Free-form diagnostics (feature values, model version...). */
  meta: z.record(z.string(), z.unknown()).optional(),
})
/** An agent's opinion on one symbol at one time. */
export type Signal = z.infer<typeof SignalSchema>

/** The combined verdict of the agents on one symbol, with every agent's vote. */
export const DecisionSchema = z.object({
  symbol: SymbolSchema,
  time: epochMs(),
  action: SignalActionSchema,
  confidence: z.number().min(0).max(1),
  /** Each agent's signal that went into the decision (the seed's per-model tree). */
  votes: z.array(SignalSchema),
  /** Agents expected but left out of this decision (failed, late, invalid output), with why. */
  dropped: z.array(z.object({ agent: z.string(), reason: z.string() })).optional(),
  /** The close price the decision was taken at. */
  price: positive(),
})
/** The combined verdict of the agents on one symbol, with every agent's vote. */
export type Decision = z.infer<typeof DecisionSchema>

/** Order side. */
export const OrderSideSchema = z.enum(['BUY', 'SELL'])
/** Order side. */
export type OrderSide = z.infer<typeof OrderSideSchema>

/** Order types of Binance USD-M that the SDK supports. */
export const OrderTypeSchema = z.enum(['MARKET', 'LIMIT', 'STOP_MARKET', 'TAKE_PROFIT_MARKET'])
/** Order types of Binance USD-M that the SDK supports. */
export type OrderType = z.infer<typeof OrderTypeSchema>

/** Time in force for limit orders (`GTX` = post-only). */
export const TimeInForceSchema = z.enum(['GTC', 'IOC', 'FOK', 'GTX'])
/** Time in force for limit orders. */
export type TimeInForce = z.infer<typeof TimeInForceSchema>

/**
 * A request to place an order, as the engine and plugins express it (the exchange port's input).
 * Exactly one of `quantity` (base asset) or `quoteQuantity` (USDT notional, converted at the fill
 * price by the paper exchange, at the last price by live adapters) must be given.
 */
export const OrderRequestSchema = z
  .object({
    symbol: SymbolSchema,
    side: OrderSideSchema,
    type: OrderTypeSchema,
    quantity: positive().optional(),
    quoteQuantity: positive().optional(),
    /** Limit price (LIMIT only). */
    price: positive().optional(),
    /** Trigger price (STOP_MARKET, TAKE_PROFIT_MARKET). */
    triggerPrice: positive().optional(),
    /** Only reduce an open position; never open or flip one. @default false */
    reduceOnly: z.boolean().optional(),
    timeInForce: TimeInForceSchema.optional(),
    /** Caller's id for idempotency; generated when absent. */
    clientOrderId: z.string().min(1).max(36).optional(),
    /** Free-form tag (e.g. `entry`, `stop`, `tp1`), kept on the order and its fills. */
    tag: z.string().optional(),
  })
  .refine((o) => (o.quantity === undefined) !== (o.quoteQuantity === undefined), {
    message: 'exactly one of quantity or quoteQuantity is required',
    path: ['quantity'],
  })
  .refine((o) => o.type !== 'LIMIT' || o.price !== undefined, { message: 'LIMIT needs a price', path: ['price'] })
  .refine((o) => !(o.type === 'STOP_MARKET' || o.type === 'TAKE_PROFIT_MARKET') || o.triggerPrice !== undefined, {
    message: 'STOP_MARKET and TAKE_PROFIT_MARKET need a triggerPrice',
    path: ['triggerPrice'],
  })
/** A request to place an order. */
export type OrderRequest = z.infer<typeof OrderRequestSchema>

/** Lifecycle of an order (Binance's statuses). */
export const OrderStatusSchema = z.enum(['NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'REJECTED', 'EXPIRED'])
/** Lifecycle of an order. */
export type OrderStatus = z.infer<typeof OrderStatusSchema>

/** An order as the exchange knows it. */
export const OrderSchema = z.object({
  id: z.string(),
  clientOrderId: z.string(),
  symbol: SymbolSchema,
  side: OrderSideSchema,
  type: OrderTypeSchema,
  status: OrderStatusSchema,
  /** Ordered quantity in base asset (after precision rounding); 0 while a quoteQuantity is unresolved. */
  quantity: nonNegative(),
  quoteQuantity: positive().optional(),
  price: positive().optional(),
  triggerPrice: positive().optional(),
  reduceOnly: z.boolean(),
  timeInForce: TimeInForceSchema.optional(),
  filledQuantity: nonNegative(),
  /** Average fill price, 0 before any fill. */
  averagePrice: nonNegative(),
  createdAt: epochMs(),
  updatedAt: epochMs(),
  tag: z.string().optional(),
  /** Why the order was rejected, expired or cancelled, when it was. */
  reason: z.string().optional(),
})
/** An order as the exchange knows it. */
export type Order = z.infer<typeof OrderSchema>

/** One execution of (part of) an order. */
export const FillSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  clientOrderId: z.string(),
  symbol: SymbolSchema,
  side: OrderSideSchema,
  price: positive(),
  quantity: positive(),
  /** Fee paid in the quote asset (USDT); negative for a maker rebate. */
  fee: finite(),
  liquidity: z.enum(['maker', 'taker']),
  /** PnL realised by this fill (before fees), in USDT. */
  realizedPnl: finite(),
  time: epochMs(),
  reduceOnly: z.boolean(),
  tag: z.string().optional(),
  /** True when the fill is a forced liquidation. */
  liquidation: z.boolean().optional(),
  /** The price the entry was decided at (set by the execution manager, AELM): the fill's slippage is measured against it. */
  decisionPrice: positive().optional(),
})
/** One execution of (part of) an order. */
export type Fill = z.infer<typeof FillSchema>

/** Direction of a one-way-mode position. */
export const PositionSideSchema = z.enum(['LONG', 'SHORT', 'FLAT'])
/** Direction of a one-way-mode position. */
export type PositionSide = z.infer<typeof PositionSideSchema>

/** An open position (one-way mode, isolated margin). */
export const PositionSchema = z.object({
  symbol: SymbolSchema,
  side: PositionSideSchema,
  /** Absolute size in base asset; 0 when flat. */
  quantity: nonNegative(),
  entryPrice: nonNegative(),
  leverage: positive(),
  /** Isolated margin allocated to the position (USDT). */
  margin: nonNegative(),
  /** Mark price the unrealised PnL was computed at. */
  markPrice: nonNegative(),
  unrealizedPnl: finite(),
  /** Price at which the position is liquidated; 0 when flat. */
  liquidationPrice: nonNegative(),
  /** When the current position was opened (epoch ms), 0 when flat. */
  openedAt: epochMs(),
})
/** An open position. */
export type Position = z.infer<typeof PositionSchema>

/** The account's USDT balance. */
export const BalanceSchema = z.object({
  asset: z.string(),
  /** Wallet balance: deposits + realised PnL - fees +/- funding. */
  wallet: finite(),
  /** Wallet minus the margin locked in positions and open orders. */
  available: finite(),
  /** Wallet plus unrealised PnL. */
  equity: finite(),
})
/** The account's USDT balance. */
export type Balance = z.infer<typeof BalanceSchema>

/** A funding payment (positive = received, negative = paid). */
export const FundingEventSchema = z.object({
  symbol: SymbolSchema,
  time: epochMs(),
  /** Funding rate for the period, as a fraction (0.0001 = 0.01%). */
  rate: finite(),
  /** Price the position notional was valued at. */
  markPrice: positive(),
  /** Signed position size at funding time (long > 0). */
  positionQuantity: finite(),
  /** USDT credited (> 0) or debited (< 0). */
  payment: finite(),
})
/** A funding payment. */
export type FundingEvent = z.infer<typeof FundingEventSchema>

/** Trading rules of one instrument (from Binance exchangeInfo). A 0 step means "no rounding". */
export const InstrumentSchema = z.object({
  symbol: SymbolSchema,
  baseAsset: z.string(),
  quoteAsset: z.string(),
  /** PRICE_FILTER.tickSize; 0 disables price rounding. */
  tickSize: nonNegative(),
  /** LOT_SIZE.stepSize; 0 disables quantity rounding. */
  stepSize: nonNegative(),
  /** LOT_SIZE.minQty. */
  minQty: nonNegative(),
  /** LOT_SIZE.maxQty; Infinity when unlimited. */
  maxQty: z.union([z.number().positive(), z.literal(Number.POSITIVE_INFINITY)]),
  /** MARKET_LOT_SIZE.maxQty; Infinity when unlimited. */
  maxMarketQty: z.union([z.number().positive(), z.literal(Number.POSITIVE_INFINITY)]),
  /** MIN_NOTIONAL.notional (USDT); reduce-only orders are exempt, as on Binance. */
  minNotional: nonNegative(),
  pricePrecision: z.number().int().nonnegative(),
  quantityPrecision: z.number().int().nonnegative(),
})
/** Trading rules of one instrument. */
export type Instrument = z.infer<typeof InstrumentSchema>

/** One leverage bracket (Binance `leverageBracket`): maintenance margin by notional tier. */
export const LeverageBracketSchema = z.object({
  bracket: z.number().int().positive(),
  initialLeverage: positive(),
  notionalFloor: nonNegative(),
  notionalCap: positive(),
  maintMarginRatio: nonNegative(),
  /** Maintenance amount ("cum") of the tier. */
  cum: nonNegative(),
})
/** One leverage bracket. */
export type LeverageBracket = z.infer<typeof LeverageBracketSchema>
