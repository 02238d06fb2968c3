/**
 * Public market-data endpoints (`fapiPublic`): ping, time, exchangeInfo, klines, tickers, depth,
 * premium index, funding-rate history.
 * @packageDocumentation
 * @internal
 */
import type { Instrument } from '@quantum/core'
import { klineActivity, type Kline } from '../engine/market-book.js'
import { num, px, qty } from '../engine/format.js'
import { required, type Params } from '../engine/order-rules.js'
import { topOfBook, type Venue } from '../engine/venue.js'
import { INTERVALS } from '../options.js'
import { BinanceApiError } from './api-error.js'
import { checkKnown, limitOf, long } from './params.js'
import { bySymbol, w, type RequestContext, type Route } from './route.js'

function int(params: Params, name: string): number | undefined {
  const v = params.get(name)
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v)) throw new BinanceApiError('ILLEGAL_PARAM', name)
  return Number(v)
}

function klineWeight(p: Params): number {
  const limit = Number(p.get('limit') ?? 500)
  return limit < 100 ? 1 : limit < 500 ? 2 : limit <= 1000 ? 5 : 10
}

function depthWeight(p: Params): number {
  const limit = Number(p.get('limit') ?? 500)
  return limit <= 50 ? 2 : limit <= 100 ? 5 : limit <= 500 ? 10 : 20
}

function klineRow(k: Kline): unknown[] {
  const quote = k.volume * k.close
  const a = klineActivity(k)
  return [
    k.openTime,
    num(k.open, 8),
    num(k.high, 8),
    num(k.low, 8),
    num(k.close, 8),
    num(k.volume, 3),
    k.closeTime,
    num(quote, 5),
    a.trades,
    num(a.takerBuyVolume, 3),
    num(a.takerBuyVolume * k.close, 5),
    '0',
  ]
}

function queryKlines(ctx: RequestContext): Kline[] {
  const p = ctx.params
  const symbol = ctx.venue.instrument(required(p, 'symbol')).symbol
  const interval = required(p, 'interval')
  if (!(interval in INTERVALS)) throw new BinanceApiError('BAD_INTERVAL')
  const limit = Math.min(int(p, 'limit') ?? 500, 1500)
  const q = { startTime: int(p, 'startTime'), endTime: int(p, 'endTime'), limit }
  return ctx.venue.market.query(symbol, interval, q)
}

function klines(ctx: RequestContext): unknown[] {
  return queryKlines(ctx).map(klineRow)
}

/**
 * `markPriceKlines`: the emulator's mark price is its last price, so the candles are the trade candles'
 * prices; as on Binance, the volume, quote volume, trade count and taker columns are zero.
 */
function markPriceKlines(ctx: RequestContext): unknown[] {
  return queryKlines(ctx).map((k) => {
    const row = klineRow(k)
    return [...row.slice(0, 5), '0', k.closeTime, '0', 0, '0', '0', '0']
  })
}

/**
 * `GET /fapi/v1/fundingRate`: the funding events of the `funding` option that are due by now, oldest
 * first, with the mark price then (the open of the bar starting at the event, else the last close before it). With
 * `startTime`, the first `limit` from it (up to `endTime`); else the latest `limit` up to `endTime` (or
 * now). `limit` defaults to 100, at most 1000; without `symbol`, every symbol's.
 */
function fundingRate(ctx: RequestContext): unknown[] {
  const p = ctx.params
  checkKnown(p, ['symbol', 'startTime', 'endTime', 'limit'])
  const limit = limitOf(p, 100, 1000)
  const start = long(p, 'startTime')
  const end = Math.min(long(p, 'endTime') ?? ctx.now, ctx.now)
  const wanted = p.get('symbol')
  const symbols = wanted === undefined ? Object.keys(ctx.options.funding) : [ctx.venue.instrument(wanted).symbol]
  const rows: { symbol: string; fundingTime: number; fundingRate: string; markPrice: string }[] = []
  for (const symbol of symbols) {
    const series = ctx.options.funding[symbol]
    if (series === undefined) continue
    for (let k = 0; k < series.time.length; k++) {
      const t = series.time[k]!
      if (t > end || (start !== undefined && t < start)) continue
      const bar = ctx.venue.market.query(symbol, ctx.options.interval, { endTime: t, limit: 1 })[0]
      const mark = bar === undefined ? '' : num(bar.openTime === t ? bar.open : bar.close, 8)
      rows.push({ symbol, fundingTime: t, fundingRate: num(series.rate[k]!, 8), markPrice: mark })
    }
  }
  rows.sort((a, b) => a.fundingTime - b.fundingTime)
  return start === undefined ? rows.slice(-limit) : rows.slice(0, limit)
}

function lastPrice(venue: Venue, symbol: string): number {
  const p = venue.paper.account.getLastPrice(symbol)
  return Number.isFinite(p) ? p : 0
}

function ticker24h(ctx: RequestContext, i: Instrument): Record<string, unknown> {
  const rows = ctx.venue.market.query(i.symbol, ctx.options.interval, {
    startTime: ctx.now - 86_400_000,
    limit: 100_000,
  })
  const last = lastPrice(ctx.venue, i.symbol)
  const open = rows[0]?.open ?? last
  const high = rows.reduce((m, k) => Math.max(m, k.high), last)
  const low = rows.reduce((m, k) => Math.min(m, k.low), last === 0 ? Number.POSITIVE_INFINITY : last)
  const volume = rows.reduce((s, k) => s + k.volume, 0)
  const quoteVolume = rows.reduce((s, k) => s + k.volume * k.close, 0)
  return {
    symbol: i.symbol,
    priceChange: px(i, last - open),
    priceChangePercent: num(open === 0 ? 0 : ((last - open) / open) * 100, 3),
    weightedAvgPrice: px(i, volume === 0 ? last : quoteVolume / volume),
    lastPrice: px(i, last),
    lastQty: qty(i, 0),
    openPrice: px(i, open),
    highPrice: px(i, high),
    lowPrice: px(i, Number.isFinite(low) ? low : 0),
    volume: qty(i, volume),
    quoteVolume: num(quoteVolume, 2),
    openTime: rows[0]?.openTime ?? ctx.now - 86_400_000,
    closeTime: ctx.now,
    firstId: 0,
    lastId: 0,
    count: rows.length,
  }
}

function bookTicker(ctx: RequestContext, i: Instrument): Record<string, unknown> {
  const top = topOfBook(ctx.venue, i, lastPrice(ctx.venue, i.symbol))
  return {
    symbol: i.symbol,
    bidPrice: px(i, top.bid),
    bidQty: qty(i, top.bidQty),
    askPrice: px(i, top.ask),
    askQty: qty(i, top.askQty),
    time: ctx.now,
    lastUpdateId: ctx.now,
  }
}

/** Funding rate in force and the next funding time of `symbol`. */
function funding(ctx: RequestContext, symbol: string): { rate: number; next: number } {
  const series = ctx.options.funding[symbol]
  const eightHours = 28_800_000
  const next = Math.floor(ctx.now / eightHours) * eightHours + eightHours
  if (series === undefined) return { rate: 0.0001, next }
  let rate = 0.0001
  let nextTime = next
  for (let k = 0; k < series.time.length; k++) {
    const t = series.time[k]!
    if (t <= ctx.now) rate = series.rate[k]!
    else {
      nextTime = t
      break
    }
  }
  return { rate, next: nextTime }
}

function premiumIndex(ctx: RequestContext, i: Instrument): Record<string, unknown> {
  const mark = lastPrice(ctx.venue, i.symbol)
  const f = funding(ctx, i.symbol)
  return {
    symbol: i.symbol,
    markPrice: num(mark, 8),
    indexPrice: num(mark, 8),
    estimatedSettlePrice: num(mark, 8),
    lastFundingRate: num(f.rate, 8),
    interestRate: num(0.0001, 8),
    nextFundingTime: f.next,
    time: ctx.now,
  }
}

function depth(ctx: RequestContext): Record<string, unknown> {
  const i = ctx.venue.instrument(required(ctx.params, 'symbol'))
  const limit = Math.min(int(ctx.params, 'limit') ?? 500, 1000)
  const last = lastPrice(ctx.venue, i.symbol)
  const levels = last === 0 ? 0 : limit
  const side = (sign: -1 | 1, first: number): string[][] =>
    Array.from({ length: levels }, (_, k) => [px(i, first + sign * k * i.tickSize), qty(i, 1 + k)]).filter(
      (l) => Number(l[0]) > 0,
    )
  return { lastUpdateId: ctx.now, E: ctx.now, T: ctx.now, bids: side(-1, last), asks: side(1, last + i.tickSize) }
}

/** One symbol's answer, or an array of all when `symbol` is not sent. */
function perSymbol(fn: (ctx: RequestContext, i: Instrument) => unknown) {
  return (ctx: RequestContext): unknown => {
    const symbol = ctx.params.get('symbol')
    if (symbol !== undefined) return fn(ctx, ctx.venue.instrument(symbol))
    return [...ctx.venue.instruments.values()].map((i) => fn(ctx, i))
  }
}

/** The public endpoints. */
export const publicRoutes: readonly Route[] = [
  { method: 'GET', path: '/fapi/v1/ping', security: 'NONE', weight: w(1), handle: () => ({}) },
  { method: 'GET', path: '/fapi/v1/time', security: 'NONE', weight: w(1), handle: (ctx) => ({ serverTime: ctx.now }) },
  {
    method: 'GET',
    path: '/fapi/v1/exchangeInfo',
    security: 'NONE',
    weight: w(1),
    handle: (ctx) => ({ ...ctx.options.exchangeInfo, serverTime: ctx.now }),
  },
  { method: 'GET', path: '/fapi/v1/klines', security: 'NONE', weight: klineWeight, handle: klines },
  { method: 'GET', path: '/fapi/v1/markPriceKlines', security: 'NONE', weight: klineWeight, handle: markPriceKlines },
  { method: 'GET', path: '/fapi/v1/fundingRate', security: 'NONE', weight: w(1), handle: fundingRate },
  {
    method: 'GET',
    path: '/fapi/v1/ticker/24hr',
    security: 'NONE',
    weight: bySymbol(1, 40),
    handle: perSymbol(ticker24h),
  },
  {
    method: 'GET',
    path: '/fapi/v1/ticker/bookTicker',
    security: 'NONE',
    weight: bySymbol(2, 5),
    handle: perSymbol(bookTicker),
  },
  {
    method: 'GET',
    path: '/fapi/v1/ticker/price',
    security: 'NONE',
    weight: bySymbol(1, 2),
    handle: perSymbol((ctx, i) => ({ symbol: i.symbol, price: px(i, lastPrice(ctx.venue, i.symbol)), time: ctx.now })),
  },
  { method: 'GET', path: '/fapi/v1/depth', security: 'NONE', weight: depthWeight, handle: depth },
  {
    method: 'GET',
    path: '/fapi/v1/premiumIndex',
    security: 'NONE',
    weight: bySymbol(1, 10),
    handle: perSymbol(premiumIndex),
  },
]
