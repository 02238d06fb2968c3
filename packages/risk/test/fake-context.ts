/**
 * A small, deterministic stand-in for the engine's plugin context: an account with positions, prices
 * and a balance that tests set directly, instruments with Binance-like rules, a settable clock and a
 * real event bus. `fill` applies an intent at the current price (one-way mode, isolated margin).
 */
import { createEventBus, InvalidOrder, silentLogger } from '@quantum/core'
import type {
  AccountView,
  Balance,
  EventBus,
  ExchangePort,
  Instrument,
  Order,
  OrderIntent,
  PluginContext,
  Position,
} from '@quantum/core'
import { NEVER } from 'rxjs'

const rule = (symbol: string, step: number, minNotional: number): Instrument => ({
  symbol,
  baseAsset: symbol.replace('USDT', ''),
  quoteAsset: 'USDT',
  tickSize: 0.01,
  stepSize: step,
  minQty: step,
  maxQty: Number.POSITIVE_INFINITY,
  maxMarketQty: Number.POSITIVE_INFINITY,
  minNotional,
  pricePrecision: 2,
  quantityPrecision: String(step).split('.')[1]?.length ?? 0,
})

/** Instruments of the fake exchange. */
export const INSTRUMENTS: Record<string, Instrument> = {
  BTCUSDT: rule('BTCUSDT', 0.001, 100),
  ETHUSDT: rule('ETHUSDT', 0.001, 20),
  BNBUSDT: rule('BNBUSDT', 0.01, 5),
}

interface Held {
  signed: number
  entry: number
  leverage: number
}

export interface FakeContext extends PluginContext {
  readonly bus: EventBus
  setPrice(symbol: string, price: number): void
  setTime(time: number): void
  /** Applies an intent at the current price (as if it filled). */
  fill(intent: OrderIntent): void
  /** Sets a position directly. */
  hold(symbol: string, signed: number, opts?: { entry?: number; leverage?: number }): void
  wallet: number
  orders: Order[]
}

export function fakeContext(options: { balance?: number; time?: number } = {}): FakeContext {
  const prices = new Map<string, number>()
  const held = new Map<string, Held>()
  let now = options.time ?? Date.UTC(2024, 7, 5)
  const bus = createEventBus()
  const position = (symbol: string): Position => {
    const h = held.get(symbol)
    const mark = prices.get(symbol) ?? 0
    if (h === undefined || h.signed === 0) {
      return {
        symbol,
        side: 'FLAT',
        quantity: 0,
        entryPrice: 0,
        leverage: 1,
        margin: 0,
        markPrice: mark,
        unrealizedPnl: 0,
        liquidationPrice: 0,
        openedAt: 0,
      }
    }
    const q = Math.abs(h.signed)
    return {
      symbol,
      side: h.signed > 0 ? 'LONG' : 'SHORT',
      quantity: q,
      entryPrice: h.entry,
      leverage: h.leverage,
      margin: (q * h.entry) / h.leverage,
      markPrice: mark,
      unrealizedPnl: h.signed * (mark - h.entry),
      liquidationPrice: 0,
      openedAt: now,
    }
  }
  const ctx = {
    wallet: options.balance ?? 10_000,
    orders: [] as Order[],
    mode: 'backtest' as const,
    logger: silentLogger,
    bus,
    clock: { now: () => now, scheduler: { now: () => now, schedule: () => ({ unsubscribe() {} }) } },
  } as unknown as FakeContext
  const account: AccountView = {
    getPosition: position,
    getPositions: () => [...held.keys()].map(position).filter((p) => p.side !== 'FLAT'),
    getBalance: (): Balance => {
      const positions = account.getPositions()
      const margin = positions.reduce((s, p) => s + p.margin, 0)
      const upnl = positions.reduce((s, p) => s + p.unrealizedPnl, 0)
      return {
        asset: 'USDT',
        wallet: ctx.wallet,
        available: ctx.wallet - margin + Math.min(0, upnl),
        equity: ctx.wallet + upnl,
      }
    },
    getOpenOrders: (symbol) => ctx.orders.filter((o) => symbol === undefined || o.symbol === symbol),
    getLastPrice: (symbol) => prices.get(symbol) ?? Number.NaN,
    getEquity: () => account.getBalance().equity,
  }
  const exchange = {
    id: 'fake',
    account,
    events$: NEVER,
    instrument: (symbol: string) => {
      const i = INSTRUMENTS[symbol]
      if (i === undefined) throw new InvalidOrder(`unknown symbol ${symbol}`, symbol, 'symbol')
      return i
    },
  } as unknown as ExchangePort
  Object.assign(ctx, {
    account,
    exchange,
    setPrice: (symbol: string, price: number) => prices.set(symbol, price),
    setTime: (time: number) => {
      now = time
    },
    hold: (symbol: string, signed: number, opts: { entry?: number; leverage?: number } = {}) =>
      held.set(symbol, { signed, entry: opts.entry ?? prices.get(symbol) ?? 0, leverage: opts.leverage ?? 1 }),
    fill: (intent: OrderIntent) => {
      const price = intent.price ?? prices.get(intent.symbol)!
      const qty = intent.quantity ?? (intent.quoteQuantity ?? 0) / price
      const h = held.get(intent.symbol) ?? { signed: 0, entry: 0, leverage: intent.leverage ?? 1 }
      const delta = (intent.side === 'BUY' ? 1 : -1) * qty
      let next = h.signed + delta
      if (intent.reduceOnly === true && Math.sign(next) !== Math.sign(h.signed)) next = 0
      const closing = Math.sign(h.signed) !== 0 && Math.sign(delta) !== Math.sign(h.signed)
      const closedQty = closing ? Math.min(Math.abs(delta), Math.abs(h.signed)) : 0
      ctx.wallet += closedQty * Math.sign(h.signed) * (price - h.entry)
      let entry = h.entry
      if (Math.sign(next) !== Math.sign(h.signed)) entry = price
      else if (Math.abs(next) > Math.abs(h.signed))
        entry = (h.entry * Math.abs(h.signed) + price * qty) / Math.abs(next)
      held.set(intent.symbol, {
        signed: next,
        entry,
        // Like the engine: reduce-only intents never change the leverage.
        leverage: intent.reduceOnly === true ? h.leverage : (intent.leverage ?? h.leverage),
      })
    },
  })
  return ctx
}

/** A market intent. */
export function market(
  symbol: string,
  side: 'BUY' | 'SELL',
  size: { quantity?: number; quoteQuantity?: number },
  extra: Partial<OrderIntent> = {},
): OrderIntent {
  return { symbol, side, type: 'MARKET', ...size, ...extra }
}
