import { describe, expect, it } from 'vitest'
import { isQuantumError } from '../errors.js'
import type { Fill, FundingEvent, OrderRequest, Position } from '../schemas.js'
import type { ExchangeEvent } from '../types.js'
import { CompensatedSum } from './ledger.js'
import { createPaperExchange, type PaperExchange } from './paper-exchange.js'

/** Shewchuk's exact float summation (Python's `math.fsum` idea): the reference the ledger is checked against. */
function fsum(values: readonly number[]): number {
  const partials: number[] = []
  for (let x of values) {
    let i = 0
    for (let y of partials) {
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x]
      const hi = x + y
      const lo = y - (hi - x)
      if (lo !== 0) partials[i++] = lo
      x = hi
    }
    partials.length = i
    partials.push(x)
  }
  return partials.reduce((a, b) => a + b, 0)
}

/** mulberry32: a small seeded PRNG, so the episode is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

describe('CompensatedSum', () => {
  it('should keep a long sum exact where naive addition drifts', () => {
    const sum = new CompensatedSum(1e6)
    let naive = 1e6
    for (let i = 0; i < 100_000; i++) {
      sum.add(0.1)
      naive += 0.1
    }
    expect(sum.value).toBe(1e6 + 10_000)
    expect(naive).not.toBe(1e6 + 10_000)
  })
})

const T0 = 1_704_067_200_000
const HOUR = 3_600_000
const SYMBOLS = ['BTCUSDT', 'TESTUSDT', 'LIQUSDT'] as const
type Sym = (typeof SYMBOLS)[number]

interface Episode {
  readonly ex: PaperExchange
  readonly events: ExchangeEvent[]
  readonly rand: () => number
  readonly price: Record<Sym, number>
  actions: number
}

function randomRequest(e: Episode, symbol: Sym): OrderRequest {
  const { rand } = e
  const p = e.price[symbol]
  const side = rand() < 0.5 ? 'BUY' : 'SELL'
  // Off-precision on purpose for BTCUSDT (rounding is part of the episode).
  const quantity = symbol === 'BTCUSDT' ? 0.002 + rand() * 0.05 : 0.1 + rand() * 20
  const reduceOnly = rand() < 0.25
  const away = (k: number) => p * (1 + (side === 'BUY' ? 1 : -1) * k * (0.002 + rand() * 0.02))
  const r = rand()
  if (r < 0.3)
    return rand() < 0.15 && !reduceOnly
      ? { symbol, side, type: 'MARKET', quoteQuantity: p * quantity }
      : { symbol, side, type: 'MARKET', quantity, reduceOnly }
  if (r < 0.6) {
    const timeInForce = (['GTC', 'GTC', 'IOC', 'FOK', 'GTX'] as const)[Math.floor(rand() * 5)]!
    return { symbol, side, type: 'LIMIT', quantity, price: away(rand() < 0.2 ? 1 : -1), timeInForce, reduceOnly }
  }
  if (r < 0.8) return { symbol, side, type: 'STOP_MARKET', quantity, triggerPrice: away(1), reduceOnly }
  return { symbol, side, type: 'TAKE_PROFIT_MARKET', quantity, triggerPrice: away(-1), reduceOnly }
}

function tryAction(e: Episode, run: () => unknown): void {
  e.actions++
  try {
    run()
  } catch (error) {
    // Refusals (min notional, funds, reduce-only without position...) are part of a random episode.
    if (!isQuantumError(error)) throw error
  }
}

function randomActions(e: Episode, symbol: Sym): void {
  const r = e.rand()
  if (r < 0.55) tryAction(e, () => e.ex.placeOrderSync(randomRequest(e, symbol)))
  else if (r < 0.7) {
    const open = e.ex.account.getOpenOrders(symbol)
    if (open.length > 0) tryAction(e, () => e.ex.cancelOrderSync(symbol, open[Math.floor(e.rand() * open.length)]!.id))
  } else if (r < 0.74) tryAction(e, () => e.ex.setLeverageSync(symbol, 1 + Math.floor(e.rand() * 20)))
}

function nextBar(e: Episode, symbol: Sym, i: number) {
  const open = e.price[symbol] * (e.rand() < 0.03 ? 1 + (e.rand() - 0.5) * 0.04 : 1)
  const close = open * Math.exp((e.rand() - 0.5) * 0.02)
  const high = Math.max(open, close) * (1 + e.rand() * 0.006)
  const low = Math.min(open, close) * (1 - e.rand() * 0.006)
  e.price[symbol] = close
  return { openTime: T0 + i * HOUR, open, high, low, close }
}

/** At step `i`, a 50x long on LIQUSDT and a crash bar next: a guaranteed liquidation. */
function forceLiquidation(e: Episode, i: number): void {
  e.ex.cancelAllOrdersSync('LIQUSDT')
  const pos = e.ex.account.getPosition('LIQUSDT')
  if (pos.side !== 'FLAT')
    e.ex.placeOrderSync({
      symbol: 'LIQUSDT',
      side: pos.side === 'LONG' ? 'SELL' : 'BUY',
      type: 'MARKET',
      quantity: pos.quantity,
      reduceOnly: true,
    })
  e.ex.onBar('LIQUSDT', nextBar(e, 'LIQUSDT', i))
  e.ex.setLeverageSync('LIQUSDT', 50)
  e.ex.placeOrderSync({ symbol: 'LIQUSDT', side: 'BUY', type: 'MARKET', quantity: 50 })
  const p = e.price.LIQUSDT
  e.ex.onBar('LIQUSDT', { openTime: T0 + (i + 0.5) * HOUR, open: p, high: p, low: p * 0.9, close: p * 0.92 })
  e.price.LIQUSDT = p * 0.92
}

function fundingSeries(rand: () => number, bars: number) {
  const time: number[] = []
  const rate: number[] = []
  for (let i = 8; i < bars; i += 8) {
    time.push(T0 + i * HOUR)
    rate.push((rand() - 0.4) * 0.0006)
  }
  return { time: Float64Array.from(time), rate: Float64Array.from(rate) }
}

function checkIdentity(ex: PaperExchange): void {
  const l = ex.ledger()
  const balance = ex.account.getBalance()
  const rebuilt = l.startBalance + l.realizedPnl - l.fees + l.funding
  expect(Math.abs(l.wallet - rebuilt)).toBeLessThanOrEqual(1e-9)
  expect(balance.wallet).toBe(l.wallet)
  const upnl = fsum(ex.account.getPositions().map((p: Position) => p.unrealizedPnl))
  expect(Math.abs(balance.equity - (balance.wallet + upnl))).toBeLessThanOrEqual(1e-9)
  expect(ex.account.getEquity()).toBe(balance.equity)
}

describe('ledger reconciliation', () => {
  it('should reconcile wallet = start + realised - fees + funding over a seeded random episode', () => {
    const rand = prng(20240101)
    const bars = 1200
    const ex = createPaperExchange({
      balance: 1_000_000,
      instruments: { TESTUSDT: {}, LIQUSDT: { stepSize: 0.01, tickSize: 0.001 } },
      funding: { BTCUSDT: fundingSeries(rand, bars), TESTUSDT: fundingSeries(rand, bars) },
      slippage: { type: 'bps', bps: 2 },
    })
    const events: ExchangeEvent[] = []
    ex.events$.subscribe((x) => events.push(x))
    const e: Episode = { ex, events, rand, price: { BTCUSDT: 60_000, TESTUSDT: 100, LIQUSDT: 20 }, actions: 0 }
    for (let i = 0; i < bars; i++) {
      for (const symbol of SYMBOLS) {
        randomActions(e, symbol)
        if (i === bars / 2 && symbol === 'LIQUSDT') forceLiquidation(e, i)
        ex.onBar(symbol, nextBar(e, symbol, i))
        e.actions++
      }
      if (i % 100 === 0) checkIdentity(ex)
    }
    checkIdentity(ex)

    const fills: Fill[] = events.flatMap((x) => (x.type === 'fill' || x.type === 'liquidation' ? [x.fill] : []))
    const funding: FundingEvent[] = events.flatMap((x) => (x.type === 'funding' ? [x.funding] : []))
    const l = ex.ledger()
    const realized = fsum(fills.map((f) => f.realizedPnl))
    const fees = fsum(fills.map((f) => f.fee))
    const paid = fsum(funding.map((f) => f.payment))
    const expected = fsum([l.startBalance, realized, -fees, paid])
    expect(Math.abs(l.wallet - expected)).toBeLessThanOrEqual(1e-9)
    expect(Math.abs(l.wallet - expected)).toBeLessThan(0.005)
    expect(Math.abs(l.realizedPnl - realized)).toBeLessThanOrEqual(1e-9)
    expect(Math.abs(l.fees - fees)).toBeLessThanOrEqual(1e-9)
    expect(Math.abs(l.funding - paid)).toBeLessThanOrEqual(1e-9)
    expect([l.fills, l.fundingPayments]).toEqual([fills.length, funding.length])

    // The episode exercised what it claims to.
    expect(e.actions).toBeGreaterThanOrEqual(2000)
    expect(fills.length).toBeGreaterThan(300)
    expect(fills.filter((f) => f.liquidation === true).length).toBeGreaterThanOrEqual(1)
    expect(funding.length).toBeGreaterThan(50)
    const statuses = new Set(events.flatMap((x) => (x.type === 'order' ? [x.order.status] : [])))
    expect([...statuses].sort()).toEqual(
      ['CANCELED', 'EXPIRED', 'FILLED', 'NEW'].concat(statuses.has('REJECTED') ? ['REJECTED'] : []).sort(),
    )
    const flips = events.filter(
      (x) =>
        x.type === 'fill' &&
        !x.fill.reduceOnly &&
        x.fill.realizedPnl !== 0 &&
        x.position.side === (x.fill.side === 'BUY' ? 'LONG' : 'SHORT'),
    )
    expect(flips.length).toBeGreaterThan(0)
    const sideOf = (side: 'BUY' | 'SELL') => (side === 'BUY' ? 'LONG' : 'SHORT')
    const adds = events.filter(
      (x) =>
        x.type === 'fill' &&
        x.fill.realizedPnl === 0 &&
        x.position.side === sideOf(x.fill.side) &&
        x.position.quantity > x.fill.quantity,
    )
    const partial = events.filter(
      (x) => x.type === 'fill' && x.position.side !== 'FLAT' && x.position.side !== sideOf(x.fill.side),
    )
    expect([adds.length > 0, partial.length > 0]).toEqual([true, true])
    // Reduce-only fills never open or flip a position.
    for (const x of events) {
      if (x.type !== 'fill' || !x.fill.reduceOnly) continue
      expect(x.position.side).not.toBe(x.fill.side === 'BUY' ? 'LONG' : 'SHORT')
    }
    // BTCUSDT positions stay on the 0.001 step grid.
    for (const x of events) {
      if (x.type === 'fill' && x.fill.symbol === 'BTCUSDT')
        expect(Math.abs(x.position.quantity * 1000 - Math.round(x.position.quantity * 1000))).toBeLessThan(1e-9)
    }
  })
})
