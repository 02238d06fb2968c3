import { flatPosition } from '@quantum/core'
import type { AccountView, Balance, Fill, Order, Position } from '@quantum/core'

const TERMINAL: ReadonlySet<Order['status']> = new Set(['FILLED', 'CANCELED', 'REJECTED', 'EXPIRED'])

/**
 * The adapter's local copy of the venue account: balance, positions, working orders and last prices,
 * fed by REST snapshots and user-data events, read synchronously by the engine and plugins
 * ({@link AccountView}). Positions move with every fill at once (one-way mode: size, average entry,
 * flips) and are corrected by the venue's own position updates.
 */
export class LiveAccount implements AccountView {
  private balance: Balance = { asset: 'USDT', wallet: 0, available: 0, equity: 0 }
  private readonly positions = new Map<string, Position>()
  private readonly orders = new Map<string, Order>()
  private readonly prices = new Map<string, number>()
  private readonly leverages = new Map<string, number>()

  constructor(private readonly defaultLeverage: number) {}

  getPosition(symbol: string): Position {
    return this.positions.get(symbol) ?? flatPosition(symbol, this.leverageOf(symbol))
  }

  getPositions(): readonly Position[] {
    return [...this.positions.values()].filter((p) => p.side !== 'FLAT')
  }

  getBalance(): Balance {
    return this.balance
  }

  getOpenOrders(symbol?: string): readonly Order[] {
    const all = [...this.orders.values()]
    return symbol === undefined ? all : all.filter((o) => o.symbol === symbol)
  }

  getLastPrice(symbol: string): number {
    return this.prices.get(symbol) ?? Number.NaN
  }

  getEquity(): number {
    return this.balance.equity
  }

  /** Leverage of `symbol` (the venue's, or the default before it is known). */
  leverageOf(symbol: string): number {
    return this.leverages.get(symbol) ?? this.defaultLeverage
  }

  /** A working order by id. */
  order(id: string): Order | undefined {
    return this.orders.get(id)
  }

  /** A working order by client order id. */
  orderByClientId(clientOrderId: string): Order | undefined {
    for (const o of this.orders.values()) if (o.clientOrderId === clientOrderId) return o
    return undefined
  }

  setBalance(balance: Balance): void {
    this.balance = balance
  }

  setLeverage(symbol: string, leverage: number): void {
    this.leverages.set(symbol, leverage)
  }

  setLastPrice(symbol: string, price: number): void {
    if (price > 0) this.prices.set(symbol, price)
  }

  /** Re-marks `symbol`'s position at a mark price (the mark-price stream): its mark and unrealised PnL. */
  markPrice(symbol: string, price: number): void {
    if (!(price > 0)) return
    this.setLastPrice(symbol, price)
    const p = this.positions.get(symbol)
    if (p === undefined || p.side === 'FLAT') return
    const signed = p.side === 'LONG' ? p.quantity : -p.quantity
    this.positions.set(symbol, { ...p, markPrice: price, unrealizedPnl: (price - p.entryPrice) * signed })
  }

  /** Replaces the position of its symbol with the venue's view. */
  setPosition(position: Position): void {
    this.positions.set(position.symbol, position)
    if (position.markPrice > 0) this.setLastPrice(position.symbol, position.markPrice)
  }

  /** Records an order update: working orders are kept, finished ones dropped. Returns the stored order. */
  upsertOrder(order: Order): Order {
    const known = this.orders.get(order.id)
    const merged = known?.tag !== undefined && order.tag === undefined ? { ...order, tag: known.tag } : order
    if (TERMINAL.has(order.status)) this.orders.delete(order.id)
    else this.orders.set(order.id, merged)
    return merged
  }

  /** Replaces every working order of the snapshot's symbols (tags of known orders kept). */
  replaceOrders(symbols: readonly string[], orders: readonly Order[]): void {
    const tags = new Map([...this.orders.values()].map((o) => [o.id, o.tag]))
    for (const [id, o] of this.orders) if (symbols.includes(o.symbol)) this.orders.delete(id)
    for (const o of orders) {
      const tag = tags.get(o.id)
      this.orders.set(o.id, tag !== undefined && o.tag === undefined ? { ...o, tag } : o)
    }
  }

  /**
   * Moves the position by one fill (one-way mode): adds at the average entry, reduces at the same
   * entry, flips at the fill price, goes FLAT at zero. Returns the new position.
   */
  applyFill(fill: Fill): Position {
    const before = this.getPosition(fill.symbol)
    const signedBefore = before.side === 'SHORT' ? -before.quantity : before.quantity
    const delta = fill.side === 'BUY' ? fill.quantity : -fill.quantity
    const signed = roundQty(signedBefore + delta)
    let entry = before.entryPrice
    if (signed === 0) entry = 0
    else if (signedBefore === 0 || Math.sign(signed) !== Math.sign(signedBefore)) entry = fill.price
    else if (Math.abs(signed) > Math.abs(signedBefore)) {
      entry = (before.entryPrice * Math.abs(signedBefore) + fill.price * fill.quantity) / Math.abs(signed)
    }
    const side = signed > 0 ? 'LONG' : signed < 0 ? 'SHORT' : 'FLAT'
    const position: Position = {
      ...before,
      side,
      quantity: Math.abs(signed),
      entryPrice: entry,
      markPrice: fill.price,
      unrealizedPnl: side === 'FLAT' ? 0 : (fill.price - entry) * signed,
      liquidationPrice: side === 'FLAT' ? 0 : before.liquidationPrice,
      margin: side === 'FLAT' ? 0 : before.margin,
      openedAt: side === 'FLAT' ? 0 : before.side === side ? before.openedAt : fill.time,
    }
    this.positions.set(fill.symbol, position)
    this.setLastPrice(fill.symbol, fill.price)
    return position
  }
}

/** Removes floating-point dust from a summed quantity (1e-12 relative). */
function roundQty(x: number): number {
  const r = Math.round(x * 1e12) / 1e12
  return Math.abs(r) < 1e-12 ? 0 : r
}
