/**
 * The emulator's own records of orders, algo orders and trades, in Binance's terms (the paper
 * engine's orders are the "children" that execute them).
 * @packageDocumentation
 * @internal
 */

/** Binance order statuses. */
export type BinanceOrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED' | 'REJECTED'

/** Binance algo order statuses. */
export type AlgoStatus = 'NEW' | 'CANCELED' | 'TRIGGERING' | 'TRIGGERED' | 'FINISHED' | 'REJECTED' | 'EXPIRED'

/** A regular order (`/fapi/v1/order`), or the order an algo order placed when it triggered. */
export interface VenueOrder {
  readonly orderId: number
  readonly clientOrderId: string
  readonly symbol: string
  readonly side: 'BUY' | 'SELL'
  readonly type: 'MARKET' | 'LIMIT'
  /** The type the user sent (STOP_MARKET / TAKE_PROFIT_MARKET for triggered algo orders). */
  readonly origType: string
  readonly timeInForce: TimeInForce
  /** Limit price, 0 for MARKET (changed by `PUT /fapi/v1/order`). */
  price: number
  readonly stopPrice: number
  /** Ordered quantity (changed by `PUT /fapi/v1/order`). */
  origQty: number
  readonly reduceOnly: boolean
  readonly closePosition: boolean
  readonly workingType: 'CONTRACT_PRICE' | 'MARK_PRICE'
  readonly time: number
  executedQty: number
  cumQuote: number
  status: BinanceOrderStatus
  updateTime: number
  /** Quantities still to hand to the engine (delayed and partial fills), in order. */
  pending: number[]
  /** The engine order currently working for it. */
  paperId: string | undefined
  /** Emulator time between two parts of a split order, ms. */
  readonly intervalMs: number
  /** Cancels the timer of the next pending slice. */
  cancelTimer: (() => void) | undefined
}

/** The conditional order types of `/fapi/v1/algoOrder`. */
export type AlgoType = 'STOP_MARKET' | 'TAKE_PROFIT_MARKET' | 'STOP' | 'TAKE_PROFIT' | 'TRAILING_STOP_MARKET'

/** Binance's time-in-force values for limit orders. */
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'GTX'

/** A conditional order (`/fapi/v1/algoOrder`, `algoType=CONDITIONAL`). */
export interface AlgoOrder {
  readonly algoId: number
  readonly clientAlgoId: string
  readonly orderType: AlgoType
  readonly symbol: string
  readonly side: 'BUY' | 'SELL'
  /** 0 for closePosition orders. */
  readonly quantity: number
  /** Trigger price; for TRAILING_STOP_MARKET the activation price sent (0 when none). */
  readonly triggerPrice: number
  /** Limit price of the order placed once triggered (STOP / TAKE_PROFIT), else 0. */
  readonly price: number
  readonly timeInForce: TimeInForce
  /** TRAILING_STOP_MARKET: retracement in percent (1 = 1 %), else 0. */
  readonly callbackRate: number
  /** TRAILING_STOP_MARKET: best price since activation, NaN until activated. */
  trailBest: number
  readonly workingType: 'CONTRACT_PRICE' | 'MARK_PRICE'
  readonly reduceOnly: boolean
  readonly closePosition: boolean
  readonly createTime: number
  algoStatus: AlgoStatus
  updateTime: number
  triggerTime: number
  /** The engine STOP_MARKET / TAKE_PROFIT_MARKET order working for it (none for orders the emulator holds). */
  paperId: string | undefined
  /** The regular order it placed when triggered. */
  orderId: number | undefined
  avgPrice: number
  executedQty: number
}

/** One execution (`/fapi/v1/userTrades` row). */
export interface VenueTrade {
  readonly id: number
  readonly orderId: number
  readonly symbol: string
  readonly side: 'BUY' | 'SELL'
  readonly price: number
  readonly qty: number
  readonly realizedPnl: number
  readonly commission: number
  readonly maker: boolean
  readonly time: number
}

/** The income types the emulator books (Binance's `incomeType`). */
export type IncomeType = 'TRANSFER' | 'REALIZED_PNL' | 'COMMISSION' | 'FUNDING_FEE' | 'INSURANCE_CLEAR'

/** One `/fapi/v1/income` row: a change of the wallet balance. */
export interface IncomeRecord {
  readonly tranId: number
  /** `''` for account-level rows (the opening TRANSFER). */
  readonly symbol: string
  readonly incomeType: IncomeType
  /** Signed USDT amount (a commission is negative, a maker rebate positive). */
  readonly income: number
  readonly time: number
  /** The trade behind REALIZED_PNL and COMMISSION rows, `''` otherwise. */
  readonly tradeId: string
}

/** One `/fapi/v1/positionMargin/history` row: margin moved into (1) or out of (2) an isolated position. */
export interface MarginChange {
  readonly symbol: string
  readonly type: 1 | 2
  /** Why: `TRADE` (opening, adding to or reducing the position). */
  readonly deltaType: 'TRADE'
  /** Unsigned USDT amount. */
  readonly amount: number
  readonly time: number
}
