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
