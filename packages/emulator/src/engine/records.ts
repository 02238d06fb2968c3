/**
 * Builders of the emulator's records (orders, algo orders, trades) and of `ACCOUNT_UPDATE` events.
 * @packageDocumentation
 * @internal
 */
import { decimalsOf, type AccountView, type Fill, type Instrument } from '@quantum/core'
import { crossFigures, marginFigures, num, qty } from './format.js'
import type { NewAlgoSpec } from './algo-rules.js'
import type { NewOrderSpec } from './order-rules.js'
import type { AlgoOrder, VenueOrder, VenueTrade } from './types.js'

/** How a new regular order record is executed, and the algo order that placed it, if any. */
export interface OrderExec {
  readonly time: number
  readonly pending: number[]
  readonly intervalMs: number
  /** The triggered STOP / TAKE_PROFIT order it comes from. */
  readonly algo?: AlgoOrder | undefined
}

/** A new regular order record. */
export function orderRecord(orderId: number, spec: NewOrderSpec, exec: OrderExec): VenueOrder {
  return {
    orderId,
    clientOrderId: spec.clientOrderId ?? `emu${String(orderId)}`,
    symbol: spec.symbol,
    side: spec.side,
    type: spec.type,
    origType: exec.algo?.orderType ?? spec.type,
    timeInForce: spec.timeInForce,
    price: spec.price,
    stopPrice: exec.algo?.triggerPrice ?? 0,
    origQty: spec.quantity,
    reduceOnly: spec.reduceOnly,
    closePosition: false,
    workingType: 'CONTRACT_PRICE',
    time: exec.time,
    executedQty: 0,
    cumQuote: 0,
    status: 'NEW',
    updateTime: exec.time,
    pending: exec.pending,
    intervalMs: exec.intervalMs,
    paperId: undefined,
    cancelTimer: undefined,
  }
}

/** A new algo order record. */
export function algoRecord(
  algoId: number,
  spec: NewAlgoSpec,
  exec: { time: number; paperId: string | undefined },
): AlgoOrder {
  return {
    algoId,
    clientAlgoId: spec.clientAlgoId ?? `emualgo${String(algoId)}`,
    orderType: spec.type,
    symbol: spec.symbol,
    side: spec.side,
    quantity: spec.quantity,
    triggerPrice: spec.triggerPrice,
    price: spec.price,
    timeInForce: spec.timeInForce,
    callbackRate: spec.callbackRate,
    trailBest: Number.NaN,
    workingType: spec.workingType,
    reduceOnly: spec.reduceOnly,
    closePosition: spec.closePosition,
    createTime: exec.time,
    algoStatus: 'NEW',
    updateTime: exec.time,
    triggerTime: 0,
    paperId: exec.paperId,
    orderId: undefined,
    avgPrice: 0,
    executedQty: 0,
  }
}

/** The MARKET order a triggered algo order (or a liquidation, `algo` undefined) placed in the matching engine. */
export function derivedOrderRecord(orderId: number, fill: Fill, algo: AlgoOrder | undefined): VenueOrder {
  return {
    orderId,
    clientOrderId: algo?.clientAlgoId ?? `autoclose-${String(fill.time)}`,
    symbol: fill.symbol,
    side: fill.side,
    type: 'MARKET',
    origType: algo?.orderType ?? 'LIQUIDATION',
    timeInForce: 'GTC',
    price: 0,
    stopPrice: algo?.triggerPrice ?? 0,
    origQty: fill.quantity,
    reduceOnly: true,
    closePosition: algo?.closePosition ?? false,
    workingType: algo?.workingType ?? 'CONTRACT_PRICE',
    time: fill.time,
    executedQty: 0,
    cumQuote: 0,
    status: 'NEW',
    updateTime: fill.time,
    pending: [],
    intervalMs: 0,
    paperId: undefined,
    cancelTimer: undefined,
  }
}

/** A trade record of `fill` for the emulator order `orderId`. */
export function tradeRecord(id: number, orderId: number, fill: Fill): VenueTrade {
  return {
    id,
    orderId,
    symbol: fill.symbol,
    side: fill.side,
    price: fill.price,
    qty: fill.quantity,
    realizedPnl: fill.realizedPnl,
    commission: fill.fee,
    maker: fill.liquidity === 'maker',
    time: fill.time,
  }
}

/** What an `ACCOUNT_UPDATE` is built from. */
export interface AccountUpdateInput {
  readonly account: AccountView
  /** Why: `ORDER`, `FUNDING_FEE`, … */
  readonly reason: string
  readonly symbols: readonly string[]
  readonly time: number
  readonly instrument: (symbol: string) => Instrument
  readonly realized: (symbol: string) => number
  /** The symbol's margin type as set through `POST /fapi/v1/marginType`. */
  readonly marginType: (symbol: string) => 'ISOLATED' | 'CROSSED'
  /** Taker fee rate (break-even prices). */
  readonly takerFee: number
}

/** `ACCOUNT_UPDATE` with the wallet and the positions of `symbols` (research §4 fields). */
export function accountUpdateEvent(input: AccountUpdateInput): Record<string, unknown> {
  const b = input.account.getBalance()
  const P = input.symbols.map((s) => {
    const p = input.account.getPosition(s)
    const signed = p.side === 'SHORT' ? -p.quantity : p.quantity
    const marginType = input.marginType(s)
    const m = marginFigures(p, { marginType, takerFee: input.takerFee })
    return {
      s,
      pa: qty(input.instrument(s), signed),
      ep: num(p.entryPrice),
      bep: num(m.breakEvenPrice),
      cr: num(input.realized(s)),
      up: num(p.unrealizedPnl),
      mt: marginType === 'ISOLATED' ? 'isolated' : 'cross',
      iw: num(m.isolatedWallet),
      ps: 'BOTH',
    }
  })
  const cross = crossFigures(input.account, input)
  const B = [{ a: 'USDT', wb: num(b.wallet), cw: num(cross.crossWallet), bc: '0' }]
  return { e: 'ACCOUNT_UPDATE', E: input.time, T: input.time, a: { m: input.reason, B, P } }
}

/** Splits a quantity into `parts` quantities on the step grid, each at least minQty (fewer parts if needed). */
export function splitQuantity(quantity: number, parts: number, instrument: Instrument): number[] {
  const step = instrument.stepSize > 0 ? instrument.stepSize : quantity
  const steps = Math.round(quantity / step)
  const minSteps = Math.max(1, Math.ceil(instrument.minQty / step - 1e-9))
  const n = Math.max(1, Math.min(parts, Math.floor(steps / minSteps)))
  const base = Math.floor(steps / n)
  const out: number[] = []
  for (let k = 0; k < n; k++) {
    const s = k === n - 1 ? steps - base * (n - 1) : base
    out.push(Number((s * step).toFixed(decimalsOf(step))))
  }
  return out
}
