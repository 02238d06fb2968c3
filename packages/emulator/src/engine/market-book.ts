/**
 * Market data the emulator serves: klines per symbol and interval, last and mark prices.
 * @packageDocumentation
 * @internal
 */

/** One candle as the emulator stores and serves it. */
export interface Kline {
  readonly openTime: number
  readonly closeTime: number
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
  readonly volume: number
  /** Number of trades, when the bar carried it (else {@link klineActivity} models it). */
  readonly trades?: number | undefined
  /** Base volume bought by takers, when the bar carried it (else modelled). */
  readonly takerBuyVolume?: number | undefined
}

/** Average notional of one trade in the trade-count model of {@link klineActivity}, USDT. */
export const MODEL_TRADE_NOTIONAL = 1000

/**
 * Trade count and taker-buy volume of a kline: the bar's own when it carried them, else a documented
 * model (Binance's klines have them; a pushed OHLCV bar does not): one trade per
 * {@link MODEL_TRADE_NOTIONAL} USDT of quote volume (at least one when there is volume), and takers
 * buying the share of the volume given by where the close lies in the range, `(close − low) / (high − low)`
 * (half for a bar without range).
 */
export function klineActivity(k: Pick<Kline, 'high' | 'low' | 'close' | 'volume' | 'trades' | 'takerBuyVolume'>): {
  trades: number
  takerBuyVolume: number
} {
  const quote = k.volume * k.close
  const modelTrades = k.volume > 0 ? Math.max(1, Math.ceil(quote / MODEL_TRADE_NOTIONAL)) : 0
  const range = k.high - k.low
  const buyShare = range > 0 ? (k.close - k.low) / range : 0.5
  return { trades: k.trades ?? modelTrades, takerBuyVolume: k.takerBuyVolume ?? k.volume * buyShare }
}

/** Klines by `symbol|interval`, kept sorted by open time (a pushed bar replaces one with the same open time). */
export class MarketBook {
  private readonly series = new Map<string, Kline[]>()

  /** Stores a kline. */
  add(symbol: string, interval: string, k: Kline): void {
    const key = `${symbol}|${interval}`
    let list = this.series.get(key)
    if (list === undefined) this.series.set(key, (list = []))
    const last = list[list.length - 1]
    if (last === undefined || last.openTime < k.openTime) {
      list.push(k)
      return
    }
    const i = list.findIndex((x) => x.openTime >= k.openTime)
    if (list[i]!.openTime === k.openTime) list[i] = k
    else list.splice(i, 0, k)
  }

  /** Klines in `[startTime, endTime]`: the first `limit` from `startTime` when given, else the last `limit`. */
  query(symbol: string, interval: string, q: { startTime?: number; endTime?: number; limit: number }): Kline[] {
    const list = this.series.get(`${symbol}|${interval}`) ?? []
    const inRange = list.filter(
      (k) =>
        (q.startTime === undefined || k.openTime >= q.startTime) &&
        (q.endTime === undefined || k.openTime <= q.endTime),
    )
    return q.startTime === undefined ? inRange.slice(-q.limit) : inRange.slice(0, q.limit)
  }

  /** The latest kline of a series. */
  latest(symbol: string, interval: string): Kline | undefined {
    const list = this.series.get(`${symbol}|${interval}`)
    return list?.[list.length - 1]
  }
}
