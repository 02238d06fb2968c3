/**
 * Bar-by-bar matching: the phases of {@link runBar} and the intrabar rules (see the exchange README).
 * @packageDocumentation
 * @internal
 */
import type { BarLike } from '../types.js'
import { compactOrders, finishOrder, type Core } from './core.js'
import { executeOrder, liquidate } from './fills.js'
import { PHASE_IDLE, PHASE_OPEN, PHASE_RANGE, type SymbolState, type WorkingOrder } from './state.js'

/** The market-type fill price after the configured slippage (adverse to the taker). */
function slipped(core: Core, at: { s: SymbolState; w: WorkingOrder; bar: BarLike }, price: number): number {
  const model = core.config.slippage
  if (model.type === 'none') return price
  const o = at.w.order
  if (model.type === 'bps') return price * (1 + ((o.side === 'BUY' ? 1 : -1) * model.bps) / 10_000)
  const quantity = o.quantity > 0 ? o.quantity : (o.quoteQuantity ?? 0) / price
  return model.fn({ symbol: at.s.symbol, side: o.side, type: o.type, price, quantity, bar: at.bar })
}

function takerFill(core: Core, at: { s: SymbolState; w: WorkingOrder; bar: BarLike }, price: number): void {
  const fillPrice = slipped(core, at, price)
  if (!(Number.isFinite(fillPrice) && fillPrice > 0)) {
    const reason = `slippage model returned ${fillPrice} for price ${price}`
    finishOrder(core, at, { status: 'REJECTED', reason, time: at.bar.openTime })
    return
  }
  takerExecution.price = fillPrice
  takerExecution.time = at.bar.openTime
  executeOrder(core, at, takerExecution)
}

/**
 * The execution of a taker fill, reused: `executeOrder` reads it before it delivers events, so no other
 * fill can overwrite it while it is read (one object per fill showed in the per-order bench).
 */
const takerExecution: { price: number; liquidity: 'taker'; time: number } = { price: 0, liquidity: 'taker', time: 0 }

/** A limit order at its first open: marketable ones take at the open (GTX expires), IOC/FOK otherwise expire. */
function limitAtFirstOpen(core: Core, at: { s: SymbolState; w: WorkingOrder; bar: BarLike }): void {
  const o = at.w.order
  const open = at.bar.open
  at.w.seenOpen = true
  const marketable = o.side === 'BUY' ? open <= o.price! : open >= o.price!
  const time = at.bar.openTime
  if (marketable && o.timeInForce === 'GTX') {
    finishOrder(core, at, { status: 'EXPIRED', reason: 'post-only (GTX) order would take at the open', time })
  } else if (marketable) {
    executeOrder(core, at, { price: open, liquidity: 'taker', time })
  } else if (o.timeInForce === 'IOC' || o.timeInForce === 'FOK') {
    finishOrder(core, at, { status: 'EXPIRED', reason: `${o.timeInForce} limit not marketable at the open`, time })
  }
}

/** Phase 2: market orders and first-open limits, in placement order, including ones placed by listeners now. */
function openPhase(core: Core, s: SymbolState, bar: BarLike): void {
  // The symbol's one argument object, pointed at each order in turn (an object per fill showed in the
  // per-order bench). The callees read it before they deliver events, so a listener that re-enters the
  // exchange cannot change it under them.
  for (let i = 0; i < s.orders.length; i++) {
    const w = s.orders[i]!
    if (!w.working || w.activeFrom > s.barSeq) continue
    const at = (s.fillAt ??= { s, w, bar })
    at.w = w
    at.bar = bar
    if (w.order.type === 'MARKET') takerFill(core, at, bar.open)
    else if (w.order.type === 'LIMIT' && !w.seenOpen) limitAtFirstOpen(core, at)
  }
}

function liquidationHit(s: SymbolState, adverse: BarLike): boolean {
  if (s.posQty === 0 || s.liqPrice <= 0) return false
  return s.posQty > 0 ? adverse.low <= s.liqPrice : adverse.high >= s.liqPrice
}

/** True when the position's liquidation price is reached before a stop that would reduce it. */
function liquidatesBefore(s: SymbolState, w: WorkingOrder, adverse: BarLike): boolean {
  const reduces = s.posQty > 0 ? w.order.side === 'SELL' : w.order.side === 'BUY'
  if (!reduces || !liquidationHit(s, adverse)) return false
  const t = w.order.triggerPrice!
  return s.posQty > 0 ? s.liqPrice >= t : s.liqPrice <= t
}

/** Where a stop triggered inside the bar fills: its trigger, or part of the way to the bar's extreme. */
function stopFillPrice(core: Core, at: { t: number; buy: boolean; bar: BarLike }): number {
  const model = core.config.stopSlippage
  if (model.type === 'none') return at.t
  const extreme = at.buy ? at.bar.high : at.bar.low
  return at.t + model.fraction * (extreme - at.t)
}

/** Phase 3a: STOP_MARKET orders against the adverse side (liquidation first when it comes first). */
function stopPhase(core: Core, s: SymbolState, bar: BarLike): void {
  const adverse = s.adverse ?? bar
  for (let i = 0; i < s.orders.length; i++) {
    const w = s.orders[i]!
    if (!w.working || w.activeFrom > s.barSeq || w.order.type !== 'STOP_MARKET') continue
    const t = w.order.triggerPrice!
    const buy = w.order.side === 'BUY'
    const atOpen = buy ? bar.open >= t : bar.open <= t
    if (!atOpen && !(buy ? bar.high >= t : bar.low <= t)) continue
    if (liquidatesBefore(s, w, adverse)) liquidate(core, s, bar.openTime)
    takerFill(core, { s, w, bar }, atOpen ? bar.open : stopFillPrice(core, { t, buy, bar }))
  }
}

/** Phase 3b: TAKE_PROFIT_MARKET orders and resting limits against the favourable side. */
function favourablePhase(core: Core, s: SymbolState, bar: BarLike): void {
  const touch = core.config.limitFill === 'touch'
  for (let i = 0; i < s.orders.length; i++) {
    const w = s.orders[i]!
    if (!w.working || w.activeFrom > s.barSeq) continue
    const o = w.order
    const buy = o.side === 'BUY'
    if (o.type === 'TAKE_PROFIT_MARKET') {
      const t = o.triggerPrice!
      const atOpen = buy ? bar.open <= t : bar.open >= t
      if (atOpen || (buy ? bar.low <= t : bar.high >= t)) takerFill(core, { s, w, bar }, atOpen ? bar.open : t)
    } else if (o.type === 'LIMIT' && w.seenOpen) {
      const p = o.price!
      const hit = buy ? (touch ? bar.low <= p : bar.low < p) : touch ? bar.high >= p : bar.high > p
      if (hit) executeOrder(core, { s, w }, { price: p, liquidity: 'maker', time: bar.openTime })
    }
  }
}

function checkLiquidation(core: Core, s: SymbolState, bar: BarLike): void {
  if (liquidationHit(s, s.adverse ?? bar)) liquidate(core, s, bar.openTime)
}

/**
 * Processes one bar of a symbol that has working orders or a position (funding is settled before):
 * (2) open, (3a) stops and liquidation on the adverse side, (3b) take-profits and limits on the
 * favourable side, (4) liquidation, (5) mark at the close. `s.adverse` holds the mark candle, if any.
 */
export function runBar(core: Core, s: SymbolState, bar: BarLike): void {
  s.lastPrice = bar.open
  s.phase = PHASE_OPEN
  try {
    if (s.working > 0) openPhase(core, s, bar)
    s.phase = PHASE_RANGE
    if (s.working > 0) stopPhase(core, s, bar)
    checkLiquidation(core, s, bar)
    if (s.working > 0) favourablePhase(core, s, bar)
    checkLiquidation(core, s, bar)
  } finally {
    s.phase = PHASE_IDLE
    s.lastPrice = bar.close
    s.markPrice = (s.adverse ?? bar).close
    s.adverse = undefined
    core.book.touch(s)
    compactOrders(s)
  }
}
