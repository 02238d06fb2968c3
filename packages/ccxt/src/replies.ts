import { ExchangeError } from '@quantum/core'
import type { Balance, Fill, Position } from '@quantum/core'
import { z } from 'zod'

const num = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?(e-?\d+)?$/i)
    .transform(Number),
])
const maybeNum = num.nullish().transform((v) => (v === null || v === undefined || Number.isNaN(v) ? undefined : v))

function parse<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  throw new ExchangeError(
    `binanceusdm ${what} reply malformed at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`,
  )
}

const BalanceReply = z.object({
  info: z.looseObject({
    totalWalletBalance: num,
    availableBalance: num,
    totalMarginBalance: num,
  }),
})

/**
 * The USDT balance from ccxt's `fetchBalance` (Binance `/fapi/v3/account`): wallet =
 * `totalWalletBalance`, available = `availableBalance`, equity = `totalMarginBalance`.
 * @throws {ExchangeError} naming the missing field of a malformed reply.
 */
export function fromCcxtBalance(raw: unknown): Balance {
  const { info } = parse(BalanceReply, raw, 'balance')
  return {
    asset: 'USDT',
    wallet: info.totalWalletBalance,
    available: info.availableBalance,
    equity: info.totalMarginBalance,
  }
}

const PositionReply = z.object({
  timestamp: maybeNum,
  entryPrice: maybeNum,
  markPrice: maybeNum,
  unrealizedPnl: maybeNum,
  liquidationPrice: maybeNum,
  leverage: maybeNum,
  initialMargin: maybeNum,
  collateral: maybeNum,
  // REST `positionRisk` uses long keys; the stream's `ACCOUNT_UPDATE.a.P` entries short ones (`s`, `pa`).
  info: z.looseObject({
    symbol: z.string().min(1).optional(),
    s: z.string().min(1).optional(),
    positionAmt: num.optional(),
    pa: num.optional(),
  }),
})

/**
 * A one-way-mode position from ccxt's `fetchPositions` / `watchPositions` (Binance `positionRisk` or
 * `ACCOUNT_UPDATE`): the signed `positionAmt` gives side and size.
 * @throws {ExchangeError} naming the field of a malformed reply.
 */
export function fromCcxtPosition(raw: unknown, defaults: { leverage: number; now: number }): Position {
  const p = parse(PositionReply, raw, 'position')
  const symbol = p.info.symbol ?? p.info.s
  const amount = p.info.positionAmt ?? p.info.pa
  if (symbol === undefined || amount === undefined) {
    throw new ExchangeError(
      `binanceusdm position reply malformed at info.${symbol === undefined ? 'symbol' : 'positionAmt'}: missing`,
    )
  }
  const side = amount > 0 ? 'LONG' : amount < 0 ? 'SHORT' : 'FLAT'
  return {
    symbol,
    side,
    quantity: Math.abs(amount),
    entryPrice: side === 'FLAT' ? 0 : (p.entryPrice ?? 0),
    leverage: p.leverage !== undefined && p.leverage > 0 ? p.leverage : defaults.leverage,
    margin: Math.max(0, p.collateral ?? p.initialMargin ?? 0),
    markPrice: p.markPrice ?? 0,
    unrealizedPnl: p.unrealizedPnl ?? 0,
    liquidationPrice: side === 'FLAT' ? 0 : Math.max(0, p.liquidationPrice ?? 0),
    openedAt: side === 'FLAT' ? 0 : (p.timestamp ?? defaults.now),
  }
}

const TradeReply = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  order: z.union([z.string().min(1), z.number()]).transform(String),
  timestamp: num,
  side: z.enum(['buy', 'sell']),
  price: num.refine((v) => v > 0, 'must be > 0'),
  amount: num.refine((v) => v > 0, 'must be > 0'),
  takerOrMaker: z.enum(['taker', 'maker']).nullish(),
  fee: z.object({ cost: num, currency: z.string().nullish() }).nullish(),
  info: z.looseObject({
    symbol: z.string().optional(),
    s: z.string().optional(),
    rp: num.optional(),
    realizedPnl: num.optional(),
    c: z.string().optional(),
    R: z.boolean().optional(),
  }),
})

/** What the adapter knows about the order a trade belongs to. */
export interface TradeContext {
  readonly clientOrderId?: string
  readonly reduceOnly?: boolean
  readonly tag?: string
}

/**
 * One execution from ccxt's `watchMyTrades` (the `o` object of `ORDER_TRADE_UPDATE`) or `fetchMyTrades` (`userTrades`):
 * realised PnL from `rp` / `realizedPnl`, the USDT fee, maker or taker.
 * @throws {ExchangeError} naming the field of a malformed reply.
 */
export function fromCcxtTrade(raw: unknown, context: TradeContext = {}): Fill {
  const t = parse(TradeReply, raw, 'trade')
  const symbol = t.info.symbol ?? t.info.s
  if (symbol === undefined) throw new ExchangeError('binanceusdm trade reply malformed at info.symbol: missing')
  const realized = t.info.rp ?? t.info.realizedPnl ?? 0
  const reduceOnly = context.reduceOnly ?? t.info.R ?? false
  const clientOrderId = context.clientOrderId ?? t.info.c ?? ''
  return {
    id: t.id,
    orderId: t.order,
    clientOrderId,
    symbol,
    side: t.side === 'buy' ? 'BUY' : 'SELL',
    price: t.price,
    quantity: t.amount,
    fee: t.fee?.cost ?? 0,
    liquidity: t.takerOrMaker === 'maker' ? 'maker' : 'taker',
    realizedPnl: realized,
    time: t.timestamp,
    reduceOnly,
    ...(context.tag === undefined ? {} : { tag: context.tag }),
  }
}
