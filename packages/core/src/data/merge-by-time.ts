/**
 * Time-ordered walk over several candle series without allocating per bar.
 * @packageDocumentation
 */
import { DataError } from '../errors.js'
import type { CandleSeries } from './candle-series.js'
import { isoTime } from './issue-collector.js'

/** A merged bar order: step `k` is bar `row[k]` of series `seriesIndex[k]`. */
export interface MergedIndex {
  /** Position of the series in the input list (Uint16Array for up to 65,536 series, else Uint32Array). */
  readonly seriesIndex: Uint16Array | Uint32Array
  /** Bar index inside that series. */
  readonly row: Uint32Array
}

function assertAscending(series: readonly Pick<CandleSeries, 'symbol' | 'openTime'>[]): void {
  series.forEach((s, index) => {
    const t = s.openTime
    for (let i = 1; i < t.length; i++) {
      if (t[i]! > t[i - 1]!) continue
      const message = `open times must be strictly ascending; bar ${i} (${isoTime(t[i]!)}) is not after bar ${i - 1}`
      throw new DataError(`series ${index} (${s.symbol})`, [
        { kind: t[i] === t[i - 1] ? 'duplicate' : 'unsorted', time: t[i]!, message },
      ])
    }
  })
}

/** Binary min-heap of series indices ordered by (current open time, series index). */
class Heap {
  private readonly items: Uint32Array
  size = 0

  constructor(
    capacity: number,
    private readonly key: (s: number) => number,
  ) {
    this.items = new Uint32Array(capacity)
  }

  private less(a: number, b: number): boolean {
    const ka = this.key(a)
    const kb = this.key(b)
    return ka < kb || (ka === kb && a < b)
  }

  push(s: number): void {
    let i = this.size++
    while (i > 0) {
      const parent = (i - 1) >> 1
      const p = this.items[parent]!
      if (!this.less(s, p)) break
      this.items[i] = p
      i = parent
    }
    this.items[i] = s
  }

  /** Removes the top; call after the top's key has changed to re-insert it, or with `reinsert` false to drop it. */
  replaceTop(reinsert: boolean): void {
    const s = reinsert ? this.items[0]! : this.items[--this.size]!
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= this.size) break
      const r = l + 1
      const c = r < this.size && this.less(this.items[r]!, this.items[l]!) ? r : l
      if (!this.less(this.items[c]!, s)) break
      this.items[i] = this.items[c]!
      i = c
    }
    this.items[i] = s
  }

  top(): number {
    return this.items[0]!
  }
}

/**
 * Merges several series into one time order: by open time, and for equal times in the order of `seriesList`.
 * Runs in O(N log k) for N bars over k series; the result is two typed arrays, so an engine can walk all
 * symbols bar by bar without allocating.
 * @throws {DataError} when a series' open times are not strictly ascending.
 * @example
 * const { seriesIndex, row } = mergeByTime([btc, eth])
 * for (let k = 0; k < row.length; k++) onBar(list[seriesIndex[k]!]!, row[k]!)
 */
export function mergeByTime(seriesList: readonly Pick<CandleSeries, 'symbol' | 'openTime'>[]): MergedIndex {
  assertAscending(seriesList)
  const total = seriesList.reduce((n, s) => n + s.openTime.length, 0)
  const seriesIndex = seriesList.length <= 0x10000 ? new Uint16Array(total) : new Uint32Array(total)
  const row = new Uint32Array(total)
  const cursor = new Uint32Array(seriesList.length)
  const times = seriesList.map((s) => s.openTime)
  const heap = new Heap(seriesList.length, (s) => times[s]![cursor[s]!]!)
  for (let s = 0; s < seriesList.length; s++) if (times[s]!.length > 0) heap.push(s)
  for (let k = 0; k < total; k++) {
    const s = heap.top()
    seriesIndex[k] = s
    const r = cursor[s]!
    row[k] = r
    cursor[s] = r + 1
    heap.replaceTop(r + 1 < times[s]!.length)
  }
  return { seriesIndex, row }
}
