/**
 * The paper exchange's account: symbol states, the ledger, and the synchronous {@link AccountView}
 * (positions, balance, open orders, last prices), cached by a version number so the per-bar calls
 * of the engine cost a comparison when nothing changed.
 * @packageDocumentation
 * @internal
 */
import type { Balance, Order, Position } from '../schemas.js'
import type { AccountView } from '../types.js'
import { Ledger } from './ledger.js'
import { positionView, type SymbolState, type WorkingOrder } from './state.js'

/** What {@link AccountBook} is created with. */
export interface AccountSetup {
  readonly states: readonly SymbolState[]
  readonly balance: number
  readonly asset: string
  /** Fee rate reserved with the margin of open orders (the taker rate: the worst case). */
  readonly reserveFeeRate: number
}

/**
 * Margin an open order holds back from `available`: initial margin of the part that would open or
 * increase the position (valued at the limit price, the trigger price, or the last price for market
 * orders) plus the taker fee of the whole order. Reduce-only orders hold nothing.
 */
export function orderReservation(s: SymbolState, w: WorkingOrder, feeRate: number): number {
  const o = w.order
  if (o.reduceOnly) return 0
  const ref = o.price ?? o.triggerPrice ?? s.lastPrice
  if (!(ref > 0)) return 0
  const notional = o.quantity > 0 ? o.quantity * ref : (o.quoteQuantity ?? 0)
  const qty = notional / ref
  const opposite = s.posQty !== 0 && s.posQty > 0 !== (o.side === 'BUY')
  const opening = opposite ? Math.max(0, qty - Math.abs(s.posQty)) : qty
  return (opening * ref) / s.leverage + feeRate * notional
}

/** Positions, balance and orders of the paper exchange (the authoritative {@link AccountView}). */
export class AccountBook implements AccountView {
  /** Symbol states by symbol. */
  readonly states: Map<string, SymbolState>
  /** Symbol states as an array (cheaper to iterate). */
  readonly list: readonly SymbolState[]
  readonly ledger: Ledger
  /** Exchange time: the latest bar open time seen. */
  time = 0
  /** Bumped on every change that can alter a view. */
  version = 0
  private readonly asset: string
  private readonly feeRate: number
  private balanceCache: Balance | undefined
  private balanceVersion = -1
  private positionsCache: readonly Position[] = []
  private positionsVersion = -1
  private readonly flats = new Map<string, Position>()
  private equityCache = 0
  private equityVersion = -1
  private availableCache = 0
  private availableVersion = -1

  constructor(setup: AccountSetup) {
    this.list = setup.states
    this.states = new Map(setup.states.map((s) => [s.symbol, s]))
    this.ledger = new Ledger(setup.balance)
    this.asset = setup.asset
    this.feeRate = setup.reserveFeeRate
  }

  /** Marks a symbol's views stale. */
  touch(s: SymbolState): void {
    s.view = undefined
    s.openView = undefined
    this.version++
  }

  /** The position of `symbol` (FLAT with quantity 0 when none, also for unknown symbols). */
  getPosition(symbol: string): Position {
    const s = this.states.get(symbol)
    if (s === undefined) return flatPosition(symbol, 1)
    if (s.posQty !== 0) return positionView(s)
    let flat = this.flats.get(symbol)
    if (flat === undefined || flat.leverage !== s.leverage) {
      flat = flatPosition(symbol, s.leverage)
      this.flats.set(symbol, flat)
    }
    return flat
  }

  /** All non-flat positions. */
  getPositions(): readonly Position[] {
    if (this.positionsVersion !== this.version) {
      this.positionsCache = Object.freeze(this.list.filter((s) => s.posQty !== 0).map(positionView))
      this.positionsVersion = this.version
    }
    return this.positionsCache
  }

  /** Wallet, available (wallet minus position and open-order margin) and equity (wallet plus unrealised PnL). */
  getBalance(): Balance {
    if (this.balanceCache !== undefined && this.balanceVersion === this.version) return this.balanceCache
    const wallet = this.ledger.walletBalance
    this.balanceCache = Object.freeze({
      asset: this.asset,
      wallet,
      available: this.getAvailable(),
      equity: this.getEquity(),
    })
    this.balanceVersion = this.version
    return this.balanceCache
  }

  /**
   * Wallet minus position margins and open-order reservations: `getBalance().available` without building
   * a balance (order entry and fills ask on every order).
   */
  getAvailable(): number {
    if (this.availableVersion === this.version) return this.availableCache
    let margins = 0
    let reserved = 0
    const list = this.list
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!
      if (s.posQty !== 0) margins += s.margin
      if (s.working > 0) for (const w of s.orders) if (w.working) reserved += orderReservation(s, w, this.feeRate)
    }
    this.availableCache = this.ledger.walletBalance - margins - reserved
    this.availableVersion = this.version
    return this.availableCache
  }

  /** Wallet plus unrealised PnL at the last mark prices; allocation-free (the engine calls it every bar). */
  getEquity(): number {
    if (this.equityVersion === this.version) return this.equityCache
    let unrealized = 0
    const list = this.list
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!
      if (s.posQty !== 0) unrealized += s.posQty * (s.markPrice - s.entryPrice)
    }
    this.equityCache = this.ledger.walletBalance + unrealized
    this.equityVersion = this.version
    return this.equityCache
  }

  /** Available balance as if `w` did not hold its reservation (for its own fill-time check). */
  availableWithout(s: SymbolState, w: WorkingOrder): number {
    return this.getAvailable() + (w.working ? orderReservation(s, w, this.feeRate) : 0)
  }

  /** Reservation `w` would hold (for the placement check). */
  reservationOf(s: SymbolState, w: WorkingOrder): number {
    return orderReservation(s, w, this.feeRate)
  }

  /**
   * Working orders, of one symbol or of all, in placement order (copies). Without a working order it
   * returns one shared empty array and allocates nothing (the risk guards ask on every intent); one
   * symbol's list is a frozen array shared by every caller until that symbol changes.
   */
  getOpenOrders(symbol?: string): readonly Order[] {
    if (symbol === undefined) {
      let out: Order[] | undefined
      for (const s of this.list) if (s.working > 0) out = collectWorking(s, out)
      return out ?? NO_ORDERS
    }
    const s = this.states.get(symbol)
    if (s === undefined || s.working === 0) return NO_ORDERS
    // Risk guards ask once per guard per intent: copies are made once per change of the symbol.
    return (s.openView ??= Object.freeze(collectWorking(s, undefined) ?? []))
  }

  /** Last traded price of `symbol`: the open while a bar is processed, its close after (NaN before any bar). */
  getLastPrice(symbol: string): number {
    return this.states.get(symbol)?.lastPrice ?? Number.NaN
  }
}

const NO_ORDERS: readonly Order[] = Object.freeze([])

/** Appends copies of the working orders of `s` to `out` (created on the first one). */
function collectWorking(s: SymbolState, out: Order[] | undefined): Order[] | undefined {
  for (const w of s.orders) if (w.working) (out ??= []).push({ ...w.order })
  return out
}

/**
 * A flat (no) position of `symbol`, frozen: what accounts answer for a symbol without a position.
 * @example flatPosition('BTCUSDT', 10).side // 'FLAT'
 */
export function flatPosition(symbol: string, leverage: number): Position {
  return Object.freeze({
    symbol,
    side: 'FLAT',
    quantity: 0,
    entryPrice: 0,
    leverage,
    margin: 0,
    markPrice: 0,
    unrealizedPnl: 0,
    liquidationPrice: 0,
    openedAt: 0,
  })
}
