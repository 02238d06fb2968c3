/**
 * The paper futures exchange: a deterministic Binance USD-M simulator (one-way mode, isolated margin,
 * USDT-settled linear perpetuals) that a backtest drives bar by bar.
 * @packageDocumentation
 */
import type { Observable } from 'rxjs'
import { InvalidOrder } from '../errors.js'
import type { Instrument, Order, OrderRequest } from '../schemas.js'
import type { AccountView, BarLike, ExchangeEvent, SimulatedExchange } from '../types.js'
import { AccountBook } from './account.js'
import { exportAccount, restoreAccount, type PaperAccountState } from './account-state.js'
import { ClosedOrders, isDefaultClientId } from './closed-orders.js'
import { compactOrders, findClosed, finishOrder, snapshot, type Core } from './core.js'
import { EventQueue } from './event-queue.js'
import { settleFunding } from './fills.js'
import type { LedgerSnapshot } from './ledger.js'
import { maxLeverage } from './margin.js'
import { runBar } from './matching.js'
import { resolveOptions, type PaperExchangeOptions } from './options.js'
import { createOrder } from './order-entry.js'
import { createSymbolState, PHASE_IDLE, type SymbolState, type WorkingOrder } from './state.js'

function unknownSymbol(symbol: string): InvalidOrder {
  return new InvalidOrder(`Unknown symbol ${symbol}`, symbol, 'symbol')
}

/**
 * A simulated Binance USD-M futures exchange. Commands change state before they return (the async
 * methods only wrap the `*Sync` ones), events are delivered synchronously and in order, and the same
 * inputs always give the same fills. See {@link PaperExchange.onBar} for the intrabar rules.
 */
export class PaperExchange implements SimulatedExchange {
  /** Exchange id (`options.id`). */
  readonly id: string
  /** The authoritative synchronous account view. */
  readonly account: AccountView
  /** Order updates, fills, funding payments and liquidations, in the order they happened. */
  readonly events$: Observable<ExchangeEvent>
  private readonly core: Core
  private lastState: SymbolState

  /**
   * Creates an exchange; prefer {@link createPaperExchange}.
   * @throws {ConfigError} for invalid options.
   */
  constructor(options: PaperExchangeOptions = {}) {
    const config = resolveOptions(options)
    const states = [...config.instruments.values()].map((instrument) =>
      createSymbolState({
        instrument,
        brackets: config.brackets[instrument.symbol] ?? config.fallbackBrackets,
        leverage: config.leverage,
        funding: config.funding[instrument.symbol],
        mark: config.markPrices[instrument.symbol],
      }),
    )
    const book = new AccountBook({
      states,
      balance: config.balance,
      asset: config.asset,
      reserveFeeRate: config.takerFee,
    })
    const events = new EventQueue()
    this.core = {
      config,
      book,
      events,
      ids: { order: 0, fill: 0, liquidation: 0 },
      clientIds: new Map(),
      closed: new ClosedOrders(config.keepClosedOrders),
    }
    // exchangeInfo has at least one symbol (schema), so there is always a first state.
    this.lastState = states[0]!
    this.id = config.id
    this.account = book
    this.events$ = events.subject.observable
  }

  /** Exchange time: the latest bar open time seen (epoch ms). */
  get time(): number {
    return this.core.book.time
  }

  /**
   * Trading rules of `symbol`.
   * @throws {InvalidOrder} for an unknown symbol.
   */
  instrument(symbol: string): Instrument {
    const s = this.core.book.states.get(symbol)
    if (s === undefined) throw unknownSymbol(symbol)
    return s.instrument
  }

  /** Symbols the exchange knows, in instrument order. */
  symbols(): string[] {
    return this.core.book.list.map((s) => s.symbol)
  }

  /** The account as data (wallet, ledger totals, positions, working orders, ids): what a paper run journals. */
  exportAccount(): PaperAccountState {
    return exportAccount(this.core)
  }

  /**
   * Puts a stored account back into this exchange, before its first bar (a resumed paper run).
   * @throws {DataError} when `state` is not a paper account or names an unknown symbol.
   */
  restoreAccount(state: unknown, source = 'stored paper account'): void {
    restoreAccount(this.core, state, source)
  }

  /** Totals of the ledger: start balance, realised PnL, fees, funding and the wallet they reconcile to. */
  ledger(): LedgerSnapshot {
    return this.core.book.ledger.snapshot()
  }

  /** {@link PaperExchange.placeOrderSync} as a promise (state has changed when this returns). */
  placeOrder(request: OrderRequest): Promise<Order> {
    return settle(() => this.placeOrderSync(request))
  }

  /**
   * {@link PaperExchange.events$} for a subscriber that reads the `order` events of working orders only
   * while `wantsOrders()` is true (the engine kernel, when nobody downstream reads them): while no
   * subscriber wants them, placing, filling and cancelling orders builds no copies of them for events.
   * Fills, liquidations, funding and rejected orders are always delivered.
   */
  accountEvents(wantsOrders: () => boolean): Observable<ExchangeEvent> {
    return this.core.events.lean(wantsOrders)
  }

  /**
   * Places an order after rounding it to the instrument's precision (the returned order carries the
   * rounded values and, in `reason`, what was rounded); emits its `order` event. It is handled from the
   * symbol's next bar, or from the current one when placed during a bar's open phase (by a listener).
   * @throws {InvalidOrder} bad request, unknown symbol, off precision with `strictPrecision`, below
   * minQty / MIN_NOTIONAL (reduce-only exempt), above maxQty, duplicate working clientOrderId,
   * reduce-only MARKET without a position to reduce.
   * @throws {InsufficientFunds} when margin plus fee at the order's reference price exceed `available`.
   */
  placeOrderSync(request: OrderRequest): Order {
    const w = this.enter(request)
    // One copy serves the event and the caller: both see the order as placed, and neither sees later changes.
    const placed = snapshot(w.order)
    if (this.core.events.ordersWanted) this.core.events.emit({ type: 'order', order: placed })
    return placed
  }

  /**
   * {@link PaperExchange.placeOrderSync} for a caller that does not read the order back (the engine's
   * direct sink): the same checks, rounding and event, without a copy of the order. Returns its id.
   * @throws the errors of {@link PaperExchange.placeOrderSync}
   */
  submitOrderSync(request: OrderRequest): string {
    const w = this.enter(request)
    if (this.core.events.ordersWanted) this.core.events.emit({ type: 'order', order: snapshot(w.order) })
    return w.order.id
  }

  /** Checks, rounds and books an order as working; its event is the caller's. */
  private enter(request: OrderRequest): WorkingOrder {
    const core = this.core
    const { s, w } = createOrder(core, request)
    if (s.phase === PHASE_IDLE) compactOrders(s)
    s.orders.push(w)
    s.working++
    if (!isDefaultClientId(w.order.clientOrderId, w.order.id)) core.clientIds.set(w.order.clientOrderId, w)
    core.book.touch(s)
    return w
  }

  /** {@link PaperExchange.cancelOrderSync} as a promise. */
  cancelOrder(symbol: string, orderId: string): Promise<Order> {
    return settle(() => this.cancelOrderSync(symbol, orderId))
  }

  /**
   * Cancels a working order, found by id or clientOrderId; an order that already finished (and is still
   * remembered) is returned in its final state unchanged.
   * @throws {InvalidOrder} when the order is unknown.
   */
  cancelOrderSync(symbol: string, orderId: string): Order {
    const s = this.state(symbol)
    const w = s.orders.find((x) => x.working && (x.order.id === orderId || x.order.clientOrderId === orderId))
    if (w !== undefined) {
      finishOrder(this.core, { s, w }, { status: 'CANCELED', reason: 'cancelled by request' })
      return snapshot(w.order)
    }
    const done = findClosed(this.core, orderId)
    if (done !== undefined && done.symbol === symbol) return snapshot(done)
    throw new InvalidOrder(`${symbol}: unknown order ${orderId}`, symbol, 'orderId')
  }

  /** {@link PaperExchange.cancelAllOrdersSync} as a promise. */
  cancelAllOrders(symbol: string): Promise<Order[]> {
    return settle(() => this.cancelAllOrdersSync(symbol))
  }

  /** Cancels every working order of `symbol`; returns them in their final state. */
  cancelAllOrdersSync(symbol: string): Order[] {
    const s = this.state(symbol)
    const out: Order[] = []
    this.core.events.hold()
    try {
      for (const w of s.orders) {
        if (!w.working) continue
        finishOrder(this.core, { s, w }, { status: 'CANCELED', reason: 'cancelled by cancelAllOrders' })
        out.push(snapshot(w.order))
      }
    } finally {
      this.core.events.release()
    }
    return out
  }

  /** {@link PaperExchange.setLeverageSync} as a promise. */
  setLeverage(symbol: string, leverage: number): Promise<void> {
    return settle(() => this.setLeverageSync(symbol, leverage))
  }

  /**
   * Sets the leverage of `symbol`: the margin of later opening fills is `notional / leverage`. An open
   * position keeps the margin it has (its liquidation price does not move).
   * @throws {InvalidOrder} (field `leverage`) when not a positive number up to the first bracket's maximum.
   */
  setLeverageSync(symbol: string, leverage: number): void {
    const s = this.state(symbol)
    const max = maxLeverage(s.brackets)
    if (!(Number.isFinite(leverage) && leverage > 0 && leverage <= max)) {
      throw new InvalidOrder(`${symbol}: leverage ${leverage} is not in (0, ${max}]`, symbol, 'leverage')
    }
    s.leverage = leverage
    this.core.book.touch(s)
  }

  /**
   * Advances `symbol` by one bar. Phases, in order:
   * 1. funding due at or before `bar.openTime` and not yet applied, on the position held before the
   *    bar, valued at the mark candle's open (if supplied) else the bar's open;
   * 2. open: pending MARKET orders fill at the open (plus slippage); a LIMIT meeting its first open
   *    fills there as taker if marketable (GTX then expires; IOC/FOK expire if not marketable).
   *    Events are delivered now, and orders that listeners place now are checked against this bar;
   * 3. range, "stop first" (worst case): (a) STOP_MARKET orders in placement order: fill at the open
   *    if the open is already beyond the trigger, else at the trigger if the bar reaches it (BUY: high,
   *    SELL: low); the position is liquidated first when its liquidation price comes before such a
   *    reducing stop; then liquidation on the adverse extreme; (b) TAKE_PROFIT_MARKET (at the open when
   *    beyond the trigger, else at the trigger) and resting LIMITs (at the limit price, maker, when the
   *    bar trades through it, or touches it with `limitFill: 'touch'`) in placement order. After each
   *    fill, reduce-only orders are re-checked against the new position (expired or cut to size).
   *    Orders placed during this phase wait for the next bar;
   * 4. liquidation on the adverse extreme (low for longs, high for shorts; the mark candle if supplied),
   *    at the liquidation price;
   * 5. mark: last price and mark price = close (the mark candle's close if supplied).
   *
   * For a long with stop S and target T this is the reference rule: open <= S exits at the open; else
   * low <= S at S; else open >= T at the open; else high >= T at T. A symbol with no working order and
   * no position only settles funding and records the close.
   * @param mark - the mark-price candle of the same period; @default the `markPrices` series, else the bar
   * @throws {InvalidOrder} for an unknown symbol.
   */
  onBar(symbol: string, bar: BarLike, mark?: BarLike): void {
    const core = this.core
    // Single-symbol runs pass the same string every bar: a pointer compare beats the Map lookup.
    let s = this.lastState
    if (symbol !== s.symbol) {
      const found = core.book.states.get(symbol)
      if (found === undefined) throw unknownSymbol(symbol)
      s = this.lastState = found
    }
    if (bar.openTime > core.book.time) core.book.time = bar.openTime
    // Settled before the bar counter moves, so orders placed by funding listeners still see this bar.
    if (bar.openTime >= s.nextFundingTime) settleFunding(core, s, { bar, mark: mark ?? s.mark?.at(bar.openTime) })
    s.barSeq++
    if (s.working === 0 && s.posQty === 0) {
      s.lastPrice = bar.close
      return
    }
    s.adverse = mark ?? s.mark?.at(bar.openTime)
    runBar(core, s, bar)
  }

  private state(symbol: string): SymbolState {
    const s = this.core.book.states.get(symbol)
    if (s === undefined) throw unknownSymbol(symbol)
    return s
  }
}

function settle<T>(run: () => T): Promise<T> {
  try {
    return Promise.resolve(run())
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}

/**
 * Creates a paper futures exchange with Binance USD-M defaults (bundled exchangeInfo and leverage
 * brackets, maker 0.02% / taker 0.05%, 1x leverage, 10,000 USDT, no slippage).
 * @throws {ConfigError} for invalid options, listing every issue by path.
 * @example
 * const exchange = createPaperExchange({ balance: 100_000, takerFee: 0.0004, funding: { BTCUSDT: btcFunding } })
 * exchange.setLeverageSync('BTCUSDT', 10)
 * exchange.placeOrderSync({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.01 })
 * exchange.onBar('BTCUSDT', { openTime: 0, open: 60000, high: 60500, low: 59800, close: 60200 }) // fills at 60000
 * exchange.account.getPosition('BTCUSDT') // LONG 0.01 @ 60000
 */
export function createPaperExchange(options: PaperExchangeOptions = {}): PaperExchange {
  return new PaperExchange(options)
}
