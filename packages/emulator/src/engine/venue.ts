/**
 * The emulated venue: the paper exchange as matching engine, with Binance's order records on top
 * (order ids, client ids, executed quantities, algo orders, trades) and the user-data events each
 * state change produces.
 * @packageDocumentation
 * @internal
 */
import {
  createPaperExchange,
  InsufficientFunds,
  InvalidOrder,
  parseExchangeInfo,
  parseLeverageBrackets,
  type BarLike,
  type ExchangeEvent,
  type Fill,
  type Instrument,
  type LeverageBracket,
  type PaperExchange,
} from '@quantum/core'
import { BinanceApiError } from '../http/api-error.js'
import type { ResolvedEmulatorOptions } from '../options.js'
import { algoUpdateJson, orderUpdateJson } from './format.js'
import { MarketBook } from './market-book.js'
import type { NewAlgoSpec } from './algo-rules.js'
import type { NewOrderSpec } from './order-rules.js'
import {
  accountUpdateEvent,
  algoRecord,
  derivedOrderRecord,
  orderRecord,
  splitQuantity,
  tradeRecord,
} from './records.js'
import { limitStopHit, trailLevel, trailOnBar } from './triggers.js'
import type { AlgoOrder, IncomeRecord, IncomeType, MarginChange, VenueOrder, VenueTrade } from './types.js'

/** How a new order is executed: now, later, or in parts (fault injection). */
export interface ExecutionPlan {
  /** Hand the order to the engine only after this many ms of emulator time. @default 0 */
  readonly delayMs?: number
  /** Split the order into this many fills. @default 1 */
  readonly parts?: number
  /** Time between two parts, ms. @default 1000 */
  readonly intervalMs?: number
}

/** Receives the user-data events (`ORDER_TRADE_UPDATE`, `ALGO_UPDATE`, `ACCOUNT_UPDATE`). */
export type UserEventSink = (event: Record<string, unknown>) => void

type Link = { readonly kind: 'order'; readonly order: VenueOrder } | { readonly kind: 'algo'; readonly algo: AlgoOrder }

const OPEN = new Set(['NEW', 'PARTIALLY_FILLED'])

/** The emulated account and its matching engine. */
/** The top of a symbol's book around the last price: the spread (bps of the price; 0: one tick) and the quantity on each side. */
export interface BookShape {
  readonly spreadBps: number
  readonly qty: number
}

/** Best bid and ask of `symbol` at `last` by its {@link BookShape} (one tick and quantity 1 by default). */
export function topOfBook(
  venue: Pick<Venue, 'books'>,
  i: Instrument,
  last: number,
): { bid: number; ask: number; bidQty: number; askQty: number } {
  const shape = venue.books.get(i.symbol)
  const qty = shape?.qty ?? 1
  if (shape === undefined || shape.spreadBps <= 0 || last === 0)
    return { bid: last, ask: last === 0 ? 0 : last + i.tickSize, bidQty: qty, askQty: qty }
  const half = Math.max(i.tickSize, (last * shape.spreadBps) / 20_000)
  return { bid: last - half, ask: last + half, bidQty: qty, askQty: qty }
}

export class Venue {
  readonly paper: PaperExchange
  readonly market = new MarketBook()
  readonly instruments: ReadonlyMap<string, Instrument>
  readonly brackets: Readonly<Record<string, readonly LeverageBracket[]>>
  readonly orders = new Map<number, VenueOrder>()
  readonly algos = new Map<number, AlgoOrder>()
  readonly trades: VenueTrade[] = []
  /** Every change of the wallet (`/fapi/v1/income`): the opening transfer, realised PnL, commissions, funding. */
  readonly income: IncomeRecord[] = []
  /** Margin moved in and out of ISOLATED positions by trades (`/fapi/v1/positionMargin/history`). */
  readonly marginHistory: MarginChange[] = []
  readonly marginTypes = new Map<string, 'ISOLATED' | 'CROSSED'>()
  /** Hedge mode (`POST /fapi/v1/positionSide/dual`); hedge-mode orders themselves are not emulated. */
  dualSidePosition = false
  /** The shape of each symbol's top of book (`emulator.setBook`); default one tick wide, quantity 1. */
  readonly books = new Map<string, BookShape>()
  private readonly links = new Map<string, Link>()
  /** The STOP / TAKE_PROFIT algo order behind each order it placed when triggered, by order id. */
  private readonly triggered = new Map<number, AlgoOrder>()
  private readonly realized = new Map<string, number>()
  private ids = { order: 4_000_000_000, algo: 1_000_000, trade: 359_000_000, child: 0, tran: 8_000_000_000 }
  /** The engine's isolated margin of each position after the last fill, for the margin history. */
  private readonly margins = new Map<string, number>()
  private sink: UserEventSink = () => {}

  constructor(
    private readonly options: ResolvedEmulatorOptions,
    private readonly now: () => number,
  ) {
    this.instruments = new Map(parseExchangeInfo(options.exchangeInfo).map((i) => [i.symbol, i]))
    this.brackets = parseLeverageBrackets(options.leverageBrackets)
    this.paper = createPaperExchange({
      id: 'emulator',
      balance: options.balance,
      makerFee: options.makerFee,
      takerFee: options.takerFee,
      leverage: options.leverage,
      exchangeInfo: options.exchangeInfo,
      // Binance's min notional is checked here with Binance's code; the engine must accept the parts of split orders.
      instruments: Object.fromEntries(options.symbols.map((s) => [s, { minNotional: 0 }])),
      leverageBrackets: this.brackets,
      funding: options.funding,
      clock: { now },
    })
    for (const s of options.symbols) this.marginTypes.set(s, options.marginType)
    this.book('TRANSFER', { symbol: '', income: options.balance, time: options.clock.now(), tradeId: '' })
    this.paper.events$.subscribe((e) => this.onEngineEvent(e))
  }

  /** Where user-data events go (the WebSocket layer). */
  onUserEvent(sink: UserEventSink): void {
    this.sink = sink
  }

  /** The instrument of `symbol`, or -1121. */
  instrument(symbol: string | undefined): Instrument {
    const i = symbol === undefined ? undefined : this.instruments.get(symbol)
    if (i === undefined) throw new BinanceApiError('BAD_SYMBOL')
    return i
  }

  /** Signed position size of `symbol`. */
  positionQty(symbol: string): number {
    const p = this.paper.account.getPosition(symbol)
    return p.side === 'SHORT' ? -p.quantity : p.quantity
  }

  /** Open regular orders (optionally of one symbol). */
  openOrders(symbol?: string): VenueOrder[] {
    return [...this.orders.values()].filter((o) => OPEN.has(o.status) && (symbol === undefined || o.symbol === symbol))
  }

  /** Working algo orders (optionally of one symbol). */
  openAlgos(symbol?: string): AlgoOrder[] {
    return [...this.algos.values()].filter(
      (a) => a.algoStatus === 'NEW' && (symbol === undefined || a.symbol === symbol),
    )
  }

  /**
   * False for an order Binance no longer finds (`GET order`, `allOrders`): CANCELED or EXPIRED without a
   * fill and created more than 3 days before `now`.
   */
  isQueryable(order: VenueOrder, now: number): boolean {
    const gone = order.status === 'CANCELED' || order.status === 'EXPIRED'
    return !(gone && order.executedQty === 0 && order.time + 3 * 86_400_000 < now)
  }

  /** True while a regular order can still execute. */
  isOpen(order: VenueOrder): boolean {
    return OPEN.has(order.status)
  }

  /** Moves the engine's market to `price` with a zero-range bar (marketable orders execute). */
  tick(symbol: string, price: number): void {
    if (!Number.isFinite(price)) return
    const t = this.now()
    this.onBar(symbol, { openTime: t, open: price, high: price, low: price, close: price })
  }

  /** Hands a bar to the engine, then to the conditional orders the emulator holds (limit and trailing stops). */
  onBar(symbol: string, bar: BarLike): void {
    this.paper.onBar(symbol, bar)
    const tickSize = this.instrument(symbol).tickSize
    for (const algo of this.openAlgos(symbol)) {
      if (algo.algoStatus !== 'NEW') continue // executed by an earlier one in this loop
      if (algo.orderType === 'STOP' || algo.orderType === 'TAKE_PROFIT') {
        if (limitStopHit(algo, bar)) this.triggerLimit(algo)
      } else if (algo.orderType === 'TRAILING_STOP_MARKET') {
        const level = trailOnBar(algo, bar, tickSize)
        if (level !== undefined) this.moveTrailingStop(algo, level)
      }
    }
  }

  /**
   * Places a regular order (`algo`: the triggered STOP / TAKE_PROFIT order placing it); with an immediate
   * plan it has executed as far as it can when this returns.
   */
  placeOrder(spec: NewOrderSpec, plan: ExecutionPlan = {}, algo?: AlgoOrder): VenueOrder {
    this.checkDuplicate(spec.clientOrderId)
    const order = orderRecord(++this.ids.order, spec, {
      time: this.now(),
      pending: splitQuantity(spec.quantity, plan.parts ?? 1, this.instrument(spec.symbol)),
      intervalMs: plan.intervalMs ?? 1000,
      algo,
    })
    const delay = plan.delayMs ?? 0
    if (delay <= 0) this.placeSlice(order, { first: true })
    this.orders.set(order.orderId, order)
    if (algo !== undefined) {
      algo.orderId = order.orderId
      this.triggered.set(order.orderId, algo)
      this.emitAlgo(algo)
    }
    this.emitOrder(order, 'NEW')
    if (delay > 0) this.scheduleSlice(order, delay)
    else this.execute(order)
    return order
  }

  /**
   * Places a conditional order: STOP_MARKET / TAKE_PROFIT_MARKET as engine orders; STOP / TAKE_PROFIT
   * and TRAILING_STOP_MARKET held here and moved by {@link Venue.onBar}.
   */
  placeAlgo(spec: NewAlgoSpec): AlgoOrder {
    this.checkDuplicate(spec.clientAlgoId)
    const engine = spec.type === 'STOP_MARKET' || spec.type === 'TAKE_PROFIT_MARKET'
    const paperId = engine ? this.placeAlgoChild(spec) : undefined
    const algo = algoRecord(++this.ids.algo, spec, { time: this.now(), paperId })
    this.algos.set(algo.algoId, algo)
    if (paperId !== undefined) this.links.set(paperId, { kind: 'algo', algo })
    this.emitAlgo(algo)
    const last = this.paper.account.getLastPrice(spec.symbol)
    if (spec.type === 'TRAILING_STOP_MARKET' && spec.triggerPrice === 0 && Number.isFinite(last)) {
      algo.trailBest = last // no activatePrice: active at once, from the last price
      this.moveTrailingStop(algo, trailLevel(algo, this.instrument(spec.symbol).tickSize))
    }
    return algo
  }

  /**
   * Amends a resting LIMIT order in place (same orderId): the engine order is replaced by one for the
   * new price and the quantity still to fill, which executes like a new order when it crosses. A new
   * quantity at or below the executed one cancels the order, as on Binance.
   * @throws {BinanceApiError} from the engine (-2019, -2022); the order is then left as it was.
   */
  amendOrder(order: VenueOrder, change: { readonly quantity: number; readonly price: number }): VenueOrder {
    const digits = this.instrument(order.symbol).quantityPrecision
    const left = (q: number): number => Number((q - order.executedQty).toFixed(digits))
    if (left(change.quantity) <= 0) return this.cancelOrder(order)
    const before = { price: order.price, quantity: order.origQty, remaining: left(order.origQty) }
    this.detachOrder(order)
    try {
      this.attachOrder(order, { ...change, remaining: left(change.quantity) })
    } catch (error) {
      this.attachOrder(order, before)
      throw error
    }
    order.updateTime = this.now()
    this.emitOrder(order, 'AMENDMENT')
    this.execute(order)
    return order
  }

  /** Cancels an open regular order. @throws {BinanceApiError} -2011 when it is not open. */
  cancelOrder(order: VenueOrder): VenueOrder {
    if (!OPEN.has(order.status)) throw new BinanceApiError('NO_SUCH_ORDER')
    order.cancelTimer?.()
    order.pending = []
    if (order.paperId !== undefined) this.paper.cancelOrderSync(order.symbol, order.paperId)
    if (OPEN.has(order.status)) this.finish(order, 'CANCELED')
    return order
  }

  /** Cancels a working algo order. @throws {BinanceApiError} -2011 when it is not working. */
  cancelAlgo(algo: AlgoOrder): AlgoOrder {
    if (algo.algoStatus !== 'NEW') throw new BinanceApiError('NO_SUCH_ORDER')
    if (algo.paperId !== undefined) this.paper.cancelOrderSync(algo.symbol, algo.paperId)
    else this.endAlgo(algo, 'CANCELED')
    return algo
  }

  /** The margin type set for `symbol` (`POST /fapi/v1/marginType`). */
  marginTypeOf(symbol: string): 'ISOLATED' | 'CROSSED' {
    return this.marginTypes.get(symbol) ?? 'CROSSED'
  }

  /** Taker fee rate of the account. */
  get takerFee(): number {
    return this.options.takerFee
  }

  /** Realised PnL booked on `symbol` so far. */
  realizedOf(symbol: string): number {
    return this.realized.get(symbol) ?? 0
  }

  private placeAlgoChild(spec: NewAlgoSpec): string {
    const i = this.instrument(spec.symbol)
    const pos = Math.abs(this.positionQty(spec.symbol))
    const quantity = spec.closePosition ? (pos > 0 ? pos : finiteOr(i.maxMarketQty, i.maxQty, 1e9)) : spec.quantity
    const request = {
      symbol: spec.symbol,
      side: spec.side,
      type: spec.type as 'STOP_MARKET' | 'TAKE_PROFIT_MARKET',
      quantity,
      triggerPrice: spec.triggerPrice,
      reduceOnly: spec.reduceOnly || spec.closePosition,
      clientOrderId: this.childId(),
    }
    return this.engineCall(() => this.paper.placeOrderSync(request)).id
  }

  /** A triggered STOP / TAKE_PROFIT places its limit order; refused by the engine, the algo order is REJECTED. */
  private triggerLimit(algo: AlgoOrder): void {
    const t = this.now()
    algo.algoStatus = 'TRIGGERED'
    algo.triggerTime = t
    algo.updateTime = t
    const spec: NewOrderSpec = {
      symbol: algo.symbol,
      side: algo.side,
      type: 'LIMIT',
      quantity: algo.quantity,
      price: algo.price,
      timeInForce: algo.timeInForce,
      reduceOnly: algo.reduceOnly,
      clientOrderId: algo.clientAlgoId,
    }
    try {
      this.placeOrder(spec, {}, algo)
    } catch (error) {
      if (!(error instanceof BinanceApiError)) throw error
      this.endAlgo(algo, 'REJECTED')
    }
  }

  /** Puts a trailing stop's engine STOP_MARKET at `level`, firing it at once when the last price is beyond. */
  private moveTrailingStop(algo: AlgoOrder, level: number): void {
    this.detachAlgo(algo)
    const request = {
      symbol: algo.symbol,
      side: algo.side,
      type: 'STOP_MARKET' as const,
      quantity: algo.quantity,
      triggerPrice: level,
      reduceOnly: algo.reduceOnly,
      clientOrderId: this.childId(),
    }
    try {
      algo.paperId = this.engineCall(() => this.paper.placeOrderSync(request)).id
    } catch (error) {
      if (!(error instanceof BinanceApiError)) throw error
      this.endAlgo(algo, 'EXPIRED')
      return
    }
    this.links.set(algo.paperId, { kind: 'algo', algo })
    const last = this.paper.account.getLastPrice(algo.symbol)
    if (algo.side === 'SELL' ? last <= level : last >= level) this.tick(algo.symbol, last)
  }

  /** Cancels the engine order of an algo order without ending the algo order. */
  private detachAlgo(algo: AlgoOrder): void {
    const id = algo.paperId
    if (id === undefined) return
    this.links.delete(id)
    algo.paperId = undefined
    this.paper.cancelOrderSync(algo.symbol, id)
  }

  /** Cancels the engine order (and the pending slices) of a regular order without ending it. */
  private detachOrder(order: VenueOrder): void {
    order.cancelTimer?.()
    order.cancelTimer = undefined
    order.pending = []
    const id = order.paperId
    if (id === undefined) return
    this.links.delete(id)
    order.paperId = undefined
    this.paper.cancelOrderSync(order.symbol, id)
  }

  /** Gives a regular order one engine order for `remaining` at `price`. */
  private attachOrder(order: VenueOrder, to: { price: number; quantity: number; remaining: number }): void {
    order.price = to.price
    order.origQty = to.quantity
    order.pending = [to.remaining]
    this.placeSlice(order, { first: true })
  }

  private endAlgo(algo: AlgoOrder, status: 'CANCELED' | 'REJECTED' | 'EXPIRED'): void {
    algo.algoStatus = status
    algo.updateTime = this.now()
    this.emitAlgo(algo)
  }

  private checkDuplicate(id: string | undefined): void {
    if (id === undefined) return
    const dup =
      this.openOrders().some((o) => o.clientOrderId === id) || this.openAlgos().some((a) => a.clientAlgoId === id)
    if (dup) throw new BinanceApiError('DUPLICATED_CLIENT_ORDER_ID')
  }

  private childId(): string {
    return `emu-child-${++this.ids.child}`
  }

  /** Runs an engine command, turning its typed errors into Binance's codes. */
  private engineCall<T>(run: () => T): T {
    try {
      return run()
    } catch (error) {
      if (error instanceof InsufficientFunds) throw new BinanceApiError('MARGIN_NOT_SUFFICIENT')
      if (error instanceof InvalidOrder) {
        if (error.field === 'reduceOnly') throw new BinanceApiError('REDUCE_ONLY_REJECT')
        if (error.field === 'symbol') throw new BinanceApiError('BAD_SYMBOL')
        throw new BinanceApiError('NEW_ORDER_REJECTED', error.message)
      }
      throw error
    }
  }

  private placeSlice(order: VenueOrder, how: { first: boolean }): void {
    const quantity = order.pending.shift()
    if (quantity === undefined) return
    const request = {
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      quantity,
      ...(order.type === 'LIMIT' ? { price: order.price, timeInForce: order.timeInForce } : {}),
      reduceOnly: order.reduceOnly,
      clientOrderId: this.childId(),
    }
    try {
      const placed = this.engineCall(() => this.paper.placeOrderSync(request))
      order.paperId = placed.id
      this.links.set(placed.id, { kind: 'order', order })
    } catch (error) {
      // The first part is refused to the caller; later parts end the order (Binance: EXPIRED).
      if (how.first) throw error
      order.pending = []
      if (order.executedQty > 0) this.finish(order, 'FILLED')
      else this.finish(order, 'EXPIRED')
    }
  }

  private scheduleSlice(order: VenueOrder, delay: number): void {
    order.cancelTimer = this.options.clock.schedule(this.now() + delay, () => {
      order.cancelTimer = undefined
      if (!OPEN.has(order.status)) return
      this.placeSlice(order, { first: false })
      this.execute(order)
    })
  }

  private execute(order: VenueOrder): void {
    if (this.options.execution === 'immediate' && order.paperId !== undefined) {
      this.tick(order.symbol, this.paper.account.getLastPrice(order.symbol))
    }
  }

  private finish(order: VenueOrder, status: VenueOrder['status']): void {
    order.status = status
    order.updateTime = this.now()
    order.paperId = undefined
    this.emitOrder(order, status === 'FILLED' ? 'TRADE' : status)
  }

  private onEngineEvent(e: ExchangeEvent): void {
    switch (e.type) {
      case 'order': {
        const link = this.links.get(e.order.id)
        if (link === undefined || e.order.status === 'NEW' || e.order.status === 'PARTIALLY_FILLED') return
        if (e.order.status === 'FILLED') return // the fill event follows
        this.links.delete(e.order.id)
        if (link.kind === 'algo') {
          link.algo.algoStatus = e.order.status === 'CANCELED' ? 'CANCELED' : 'EXPIRED'
          link.algo.updateTime = this.now()
          this.emitAlgo(link.algo)
        } else if (OPEN.has(link.order.status)) {
          const status = e.order.status === 'CANCELED' ? 'CANCELED' : 'EXPIRED'
          link.order.pending = []
          this.finish(link.order, link.order.executedQty > 0 && status !== 'CANCELED' ? 'FILLED' : status)
        }
        return
      }
      case 'fill':
      case 'liquidation':
        this.onFill(e.fill)
        this.trackMargin(e.fill.symbol, e.position.margin, e.fill.time)
        return
      case 'funding': {
        const f = e.funding
        if (f.payment !== 0)
          this.book('FUNDING_FEE', { symbol: f.symbol, income: f.payment, time: f.time, tradeId: '' })
        this.emitAccount('FUNDING_FEE', [f.symbol])
        return
      }
    }
  }

  private onFill(fill: Fill): void {
    this.realized.set(fill.symbol, this.realizedOf(fill.symbol) + fill.realizedPnl)
    const link = this.links.get(fill.orderId)
    this.links.delete(fill.orderId)
    let order: VenueOrder
    if (link?.kind === 'order') order = link.order
    else order = this.derivedOrder(fill, link?.kind === 'algo' ? link.algo : undefined)
    const trade = this.recordTrade(order, fill)
    const tradeId = String(trade.id)
    if (fill.realizedPnl !== 0) {
      this.book('REALIZED_PNL', { symbol: fill.symbol, income: fill.realizedPnl, time: fill.time, tradeId })
    }
    this.bookFees(fill, tradeId)
    order.executedQty += fill.quantity
    order.cumQuote += fill.quantity * fill.price
    order.updateTime = fill.time
    order.paperId = undefined
    order.status = order.pending.length > 0 ? 'PARTIALLY_FILLED' : 'FILLED'
    this.sink({
      e: 'ORDER_TRADE_UPDATE',
      E: this.now(),
      T: fill.time,
      o: orderUpdateJson(order, this.instrument(order.symbol), { x: 'TRADE', trade }),
    })
    const algo = link?.kind === 'algo' ? link.algo : this.triggered.get(order.orderId)
    if (algo !== undefined && order.status === 'FILLED') {
      this.triggered.delete(order.orderId)
      algo.algoStatus = 'FINISHED'
      algo.avgPrice = order.cumQuote / order.executedQty
      algo.executedQty = order.executedQty
      algo.updateTime = fill.time
      this.emitAlgo(algo)
    }
    this.emitAccount('ORDER', [fill.symbol])
    if (order.pending.length > 0) this.scheduleSlice(order, order.intervalMs)
  }

  /** The regular order a triggered algo order (or a liquidation) placed. */
  private derivedOrder(fill: Fill, algo: AlgoOrder | undefined): VenueOrder {
    const t = fill.time
    const order = derivedOrderRecord(++this.ids.order, fill, algo)
    this.orders.set(order.orderId, order)
    if (algo !== undefined) {
      algo.algoStatus = 'TRIGGERED'
      algo.triggerTime = t
      algo.updateTime = t
      algo.orderId = order.orderId
      this.emitAlgo(algo)
    }
    this.emitOrder(order, 'NEW')
    return order
  }

  /** Books one income row. */
  private book(incomeType: IncomeType, row: Omit<IncomeRecord, 'tranId' | 'incomeType'>): void {
    this.income.push({ tranId: ++this.ids.tran, incomeType, ...row })
  }

  /**
   * COMMISSION of a fill; for a liquidation, the taker fee as COMMISSION and the rest of what the engine
   * took (its clearance fee: the margin left) as INSURANCE_CLEAR, as Binance books them.
   */
  private bookFees(fill: Fill, tradeId: string): void {
    const at = { symbol: fill.symbol, time: fill.time, tradeId }
    const taker =
      fill.liquidation === true ? Math.min(fill.fee, this.options.takerFee * fill.quantity * fill.price) : fill.fee
    if (taker !== 0) this.book('COMMISSION', { ...at, income: -taker })
    const clearance = fill.fee - taker
    if (clearance > 0) this.book('INSURANCE_CLEAR', { ...at, income: -clearance })
  }

  /** Records the margin a fill moved into or out of an ISOLATED position. */
  private trackMargin(symbol: string, margin: number, time: number): void {
    const before = this.margins.get(symbol) ?? 0
    this.margins.set(symbol, margin)
    const delta = margin - before
    if (this.marginTypeOf(symbol) !== 'ISOLATED' || Math.abs(delta) < 1e-9) return
    this.marginHistory.push({ symbol, type: delta > 0 ? 1 : 2, deltaType: 'TRADE', amount: Math.abs(delta), time })
  }

  private recordTrade(order: VenueOrder, fill: Fill): VenueTrade {
    const trade = tradeRecord(++this.ids.trade, order.orderId, fill)
    this.trades.push(trade)
    return trade
  }

  private emitOrder(order: VenueOrder, x: string): void {
    const o = orderUpdateJson(order, this.instrument(order.symbol), { x })
    this.sink({ e: 'ORDER_TRADE_UPDATE', E: this.now(), T: order.updateTime, o })
  }

  private emitAlgo(algo: AlgoOrder): void {
    this.sink({
      e: 'ALGO_UPDATE',
      T: algo.updateTime,
      E: this.now(),
      o: algoUpdateJson(algo, this.instrument(algo.symbol)),
    })
  }

  /** `ACCOUNT_UPDATE` with the wallet and the positions of `symbols`. */
  private emitAccount(reason: string, symbols: readonly string[]): void {
    this.sink(
      accountUpdateEvent({
        account: this.paper.account,
        reason,
        symbols,
        time: this.now(),
        instrument: (s) => this.instrument(s),
        realized: (s) => this.realizedOf(s),
        marginType: (s) => this.marginTypeOf(s),
        takerFee: this.options.takerFee,
      }),
    )
  }
}

function finiteOr(...values: number[]): number {
  return values.find((v) => Number.isFinite(v)) ?? 0
}
