/**
 * Binance's error replies (`{"code":<neg int>,"msg":"…"}` with an HTTP status), as the emulator sends them.
 * @see https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code
 * @packageDocumentation
 */

/** The Binance error codes the emulator can answer with, with Binance's wording. */
export const BINANCE_ERRORS = {
  UNKNOWN: { code: -1000, status: 500, msg: 'An unknown error occured while processing the request.' },
  DISCONNECTED: { code: -1001, status: 503, msg: 'Internal error; unable to process your request. Please try again.' },
  TOO_MANY_REQUESTS: {
    code: -1003,
    status: 429,
    msg: 'Too many requests; current limit is %s requests per minute. Please use the websocket for live updates to avoid polling the API.',
  },
  TOO_MANY_ORDERS: { code: -1015, status: 429, msg: 'Too many new orders; current limit is %s orders per MINUTE.' },
  IP_BANNED: {
    code: -1003,
    status: 418,
    msg: 'Way too many requests; IP banned until %s. Please use the websocket for live updates to avoid bans.',
  },
  INVALID_TIMESTAMP: { code: -1021, status: 400, msg: 'Timestamp for this request is outside of the recvWindow.' },
  INVALID_SIGNATURE: { code: -1022, status: 400, msg: 'Signature for this request is not valid.' },
  ILLEGAL_CHARS: { code: -1100, status: 400, msg: "Illegal characters found in parameter '%s'; legal range is '%s'." },
  NOT_ALL_PROCESSED: {
    code: -1104,
    status: 400,
    msg: "Not all sent parameters were read; read '%s' parameter(s) but was sent '%s'.",
  },
  MORE_THAN_XX_HOURS: { code: -1127, status: 400, msg: 'Lookup interval is too big.' },
  ILLEGAL_PARAM: {
    code: -1102,
    status: 400,
    msg: "Mandatory parameter '%s' was not sent, was empty/null, or malformed.",
  },
  INVALID_PARAMETER: { code: -1130, status: 400, msg: "Data sent for parameter '%s' is not valid." },
  BAD_INTERVAL: { code: -1120, status: 400, msg: 'Invalid interval.' },
  BAD_SYMBOL: { code: -1121, status: 400, msg: 'Invalid symbol.' },
  BAD_COMBINATION: { code: -1128, status: 400, msg: 'Combination of optional parameters invalid. %s' },
  BAD_PRECISION: { code: -1111, status: 400, msg: 'Precision is over the maximum defined for this asset.' },
  INVALID_ORDER_TYPE: { code: -1116, status: 400, msg: 'Invalid orderType.' },
  INVALID_SIDE: { code: -1117, status: 400, msg: 'Invalid side.' },
  INVALID_TIF: { code: -1115, status: 400, msg: 'Invalid timeInForce.' },
  NEW_ORDER_REJECTED: { code: -2010, status: 400, msg: 'NEW_ORDER_REJECTED: %s' },
  NO_SUCH_ORDER: { code: -2011, status: 400, msg: 'Unknown order sent.' },
  NO_SUCH_ORDER_QUERY: { code: -2013, status: 400, msg: 'Order does not exist.' },
  REJECTED_MBX_KEY: {
    code: -2015,
    status: 401,
    msg: 'Invalid API-key, IP, or permissions for action, request ip: 127.0.0.1',
  },
  MARGIN_NOT_SUFFICIENT: { code: -2019, status: 400, msg: 'Margin is insufficient.' },
  ORDER_WOULD_IMMEDIATELY_TRIGGER: { code: -2021, status: 400, msg: 'Order would immediately trigger.' },
  REDUCE_ONLY_REJECT: { code: -2022, status: 400, msg: 'ReduceOnly Order is rejected.' },
  QTY_LESS_THAN_ZERO: { code: -4003, status: 400, msg: 'Quantity less than or equal to zero.' },
  QTY_LESS_THAN_MIN_QTY: { code: -4004, status: 400, msg: 'Quantity less than min quantity.' },
  QTY_GREATER_THAN_MAX_QTY: { code: -4005, status: 400, msg: 'Quantity greater than max quantity.' },
  PRICE_NOT_INCREASED_BY_TICK_SIZE: { code: -4014, status: 400, msg: 'Price not increased by tick size.' },
  INVALID_CL_ORD_ID_LEN: { code: -4015, status: 400, msg: 'Client order id is not valid.' },
  QTY_NOT_INCREASED_BY_STEP_SIZE: { code: -4023, status: 400, msg: 'Qty not increased by step size.' },
  INVALID_LEVERAGE: { code: -4028, status: 400, msg: 'Leverage %s is not valid' },
  NO_NEED_TO_CHANGE_MARGIN_TYPE: { code: -4046, status: 400, msg: 'No need to change margin type.' },
  MARGIN_TYPE_OPEN_ORDERS: {
    code: -4047,
    status: 400,
    msg: 'Margin type cannot be changed if there exists open orders.',
  },
  MARGIN_TYPE_POSITION: { code: -4048, status: 400, msg: 'Margin type cannot be changed if there exists position.' },
  NO_NEED_TO_CHANGE_POSITION_SIDE: { code: -4059, status: 400, msg: 'No need to change position side.' },
  POSITION_SIDE_NOT_MATCH: {
    code: -4061,
    status: 400,
    msg: "Order's position side does not match user's setting.",
  },
  POSITION_SIDE_OPEN_ORDERS: {
    code: -4067,
    status: 400,
    msg: 'Position side cannot be changed if there exists open orders.',
  },
  POSITION_SIDE_POSITION: {
    code: -4068,
    status: 400,
    msg: 'Position side cannot be changed if there exists position.',
  },
  DUPLICATED_CLIENT_ORDER_ID: { code: -4116, status: 400, msg: 'ClientOrderId is duplicated.' },
  ALGO_ONLY_ORDER_TYPE: {
    code: -4120,
    status: 400,
    msg: 'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.',
  },
  INVALID_ACTIVATION_PRICE: { code: -4135, status: 400, msg: 'Invalid activation price.' },
  TARGET_STRATEGY_INVALID: {
    code: -4136,
    status: 400,
    msg: 'Target strategy invalid for orderType %s,closePosition %s',
  },
  MIN_NOTIONAL: {
    code: -4164,
    status: 400,
    msg: "Order's notional must be no smaller than %s (unless you choose reduce only).",
  },
  POST_ONLY_REJECT: {
    code: -5022,
    status: 400,
    msg: 'Due to the order could not be executed as maker, the Post Only order will be rejected. The order will not be recorded in the order history',
  },
  ONLY_LIMIT_ORDER: { code: -5025, status: 400, msg: 'Only limit order is supported.' },
  NO_NEED_TO_MODIFY: { code: -5027, status: 400, msg: 'No need to modify the order.' },
  INVALID_PATH: { code: -5000, status: 404, msg: 'Path %s, Method %s is invalid' },
  NOT_EMULATED: {
    code: -5000,
    status: 404,
    msg: 'Path %s, Method %s is invalid: Binance serves it, @quantum/emulator does not emulate it (see its README)',
  },
  INVALID_LISTEN_KEY: { code: -1125, status: 400, msg: 'This listenKey does not exist.' },
} as const

/** The name of one entry of {@link BINANCE_ERRORS}. */
export type BinanceErrorName = keyof typeof BINANCE_ERRORS

/**
 * A Binance error reply: thrown by request handlers, turned into the HTTP answer by the server.
 * Not a {@link @quantum/core!QuantumError}: it is the venue's answer on the wire, not an SDK failure.
 */
export class BinanceApiError extends Error {
  override readonly name = 'BinanceApiError'
  /** HTTP status of the reply. */
  readonly status: number
  /** Binance's (negative) error code. */
  readonly code: number

  /**
   * @param name - which Binance error
   * @param args - values for the `%s` placeholders of its message, in order
   */
  constructor(name: BinanceErrorName, ...args: (string | number)[]) {
    const e = BINANCE_ERRORS[name]
    let i = 0
    super(e.msg.replace(/%s/g, () => String(args[i++] ?? '')))
    this.status = e.status
    this.code = e.code
  }

  /** The JSON body Binance sends. */
  toJSON(): { code: number; msg: string } {
    return { code: this.code, msg: this.message }
  }
}
