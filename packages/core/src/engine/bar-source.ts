import { Observable } from 'rxjs'
import type { ResultSeries } from '../result.js'
import type { MarketBar } from '../types.js'

/** Order in which rows of several series are visited (from `mergeByTime`). */
export interface BarOrder {
  readonly seriesIndex: ArrayLike<number>
  readonly row: ArrayLike<number>
}

/** Options of {@link barSource}. */
export interface BarSourceOptions {
  /** Visiting order across series; required when there is more than one series. */
  readonly order?: BarOrder
  /** Bars emitted synchronously before yielding to the event loop (keeps progress bars alive). @default 65536 */
  readonly chunk?: number
}

type MutableBar = { -readonly [K in keyof MarketBar]: MarketBar[K] }

/**
 * Emits the bars of columnar series as {@link MarketBar} flyweights (one reused object per series, so
 * the per-bar path allocates nothing), in time order, yielding to the event loop every `chunk` bars.
 * @example barSource([series]).subscribe((bar) => console.log(bar.close))
 */
export function barSource(series: readonly ResultSeries[], options: BarSourceOptions = {}): Observable<MarketBar> {
  const chunk = options.chunk ?? 65_536
  // One series without an order: row k is bar k (no visiting-order arrays of the series' length).
  const order = options.order ?? checkSingleSeries(series)
  return new Observable<MarketBar>((subscriber) => {
    const bars: MutableBar[] = series.map((s) => ({
      symbol: s.symbol,
      index: 0,
      openTime: 0,
      open: 0,
      high: 0,
      low: 0,
      close: 0,
      volume: 0,
    }))
    const total = order === undefined ? (series[0] as ResultSeries).openTime.length : order.row.length
    let k = 0
    let timer: ReturnType<typeof setImmediate> | undefined
    const pump = (): void => {
      const end = Math.min(total, k + chunk)
      for (; k < end && !subscriber.closed; k++) {
        const si = order === undefined ? 0 : (order.seriesIndex[k] as number)
        const i = order === undefined ? k : (order.row[k] as number)
        const s = series[si] as ResultSeries
        const bar = bars[si] as MutableBar
        bar.index = i
        bar.openTime = s.openTime[i] as number
        bar.open = s.open[i] as number
        bar.high = s.high[i] as number
        bar.low = s.low[i] as number
        bar.close = s.close[i] as number
        bar.volume = s.volume[i] as number
        subscriber.next(bar)
      }
      if (subscriber.closed) return
      if (k >= total) subscriber.complete()
      else timer = setImmediate(pump)
    }
    pump()
    return () => {
      if (timer !== undefined) clearImmediate(timer)
    }
  })
}

function checkSingleSeries(series: readonly ResultSeries[]): undefined {
  if (series.length !== 1) throw new Error('barSource needs an explicit order for several series')
  return undefined
}
