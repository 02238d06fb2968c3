import { Observable } from 'rxjs'
import type { ResultSeries } from '../../result.js'
import type { MarketBar } from '../../types.js'
import type { BarOrder } from '../bar-source.js'

/** Options of {@link replayBars}. */
export interface ReplayOptions {
  /** Visiting order across several series (from `mergeByTime`); omit for one series. */
  readonly order?: BarOrder
  /** Pace of the replay; 0 = as fast as the consumer goes (yielding to the event loop between bars). @default 0 */
  readonly barsPerSecond?: number
}

/**
 * Replays columnar candles as a live feed: one new bar object at a time, in time order, handing control
 * back to the event loop between bars (so queued exchange commands run, as they would between two
 * candles of a socket), optionally paced at `barsPerSecond`. Used by `--mode paper` on recorded data.
 * @example startLive({ bars: replayBars([btc], { barsPerSecond: 50 }), exchange, plugins, mode: 'paper' })
 */
export function replayBars(series: readonly ResultSeries[], options: ReplayOptions = {}): Observable<MarketBar> {
  const order = options.order ?? singleSeriesOrder(series)
  const delay = options.barsPerSecond !== undefined && options.barsPerSecond > 0 ? 1000 / options.barsPerSecond : 0
  return new Observable<MarketBar>((subscriber) => {
    let k = 0
    let timer: ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate> | undefined
    const schedule = (): void => {
      timer = delay > 0 ? setTimeout(step, delay) : setImmediate(step)
    }
    const step = (): void => {
      if (subscriber.closed) return
      if (k >= order.row.length) return subscriber.complete()
      const s = series[order.seriesIndex[k] as number] as ResultSeries
      const i = order.row[k] as number
      k++
      subscriber.next({
        symbol: s.symbol,
        index: i,
        openTime: s.openTime[i] as number,
        open: s.open[i] as number,
        high: s.high[i] as number,
        low: s.low[i] as number,
        close: s.close[i] as number,
        volume: s.volume[i] as number,
      })
      schedule()
    }
    schedule()
    return () => {
      if (timer === undefined) return
      clearTimeout(timer as ReturnType<typeof setTimeout>)
      clearImmediate(timer as ReturnType<typeof setImmediate>)
    }
  })
}

function singleSeriesOrder(series: readonly ResultSeries[]): BarOrder {
  if (series.length !== 1) throw new Error('replayBars needs an explicit order for several series')
  const n = (series[0] as ResultSeries).openTime.length
  return { seriesIndex: new Uint8Array(n), row: Uint32Array.from({ length: n }, (_, i) => i) }
}
