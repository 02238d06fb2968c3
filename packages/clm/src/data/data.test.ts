import { StandardFeatureStream, STANDARD_FEATURES } from '@quantum/agents'
import { ConfigError, generateCandles, ModelError, type CandleSeries } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { buildDataset } from './dataset.js'
import { DEFAULT_LABEL, forwardReturnLabels, LABEL_UNKNOWN, parseLabelSpec } from './labels.js'
import { planSplits, splitDataset, type DatasetSlice } from './splits.js'

const HOUR = 3_600_000
const start = Date.UTC(2024, 0, 1)
const series = (symbol: string, seed: number): CandleSeries =>
  generateCandles({ bars: 24 * 400, seed, symbol, startTime: start, timeframeMs: HOUR, sigma: 0.006 })

/** A copy of `s` whose bars from `from` on are replaced by nonsense. */
function poisonedFrom(s: CandleSeries, from: number): CandleSeries {
  const copy = (a: Float64Array, k: number): Float64Array =>
    a.map((v, i) => (s.openTime[i]! >= from ? v * k * (1 + 0.2 * Math.sin(i)) : v))
  return { ...s, open: copy(s.open, 1), high: copy(s.high, 1.1), low: copy(s.low, 0.9), close: copy(s.close, 1) }
}

function same(a: DatasetSlice, b: DatasetSlice): void {
  expect(b.rows).toBe(a.rows)
  expect(Buffer.from(b.values.buffer).equals(Buffer.from(a.values.buffer))).toBe(true)
  expect(Array.from(b.labels)).toEqual(Array.from(a.labels))
}

describe('forwardReturnLabels', () => {
  it('labels bar i from close[i] and close[i + horizon] only', () => {
    const s = series('BTCUSDT', 1)
    const base = forwardReturnLabels(s.close, DEFAULT_LABEL)
    const close = s.close.slice()
    close[500] = close[500]! * 1.5
    const moved = forwardReturnLabels(close, DEFAULT_LABEL)
    const changed = [...base.keys()].filter((i) => base[i] !== moved[i])
    expect(changed.length).toBeGreaterThan(0)
    expect(changed.every((i) => i === 500 || i === 500 - DEFAULT_LABEL.horizon)).toBe(true)
    expect(Array.from(base.subarray(-DEFAULT_LABEL.horizon))).toEqual([255, 255, 255, 255].map(() => LABEL_UNKNOWN))
  })

  it('puts every class in use on volatile candles', () => {
    const y = forwardReturnLabels(series('BTCUSDT', 2).close, DEFAULT_LABEL)
    expect(new Set(y)).toEqual(new Set([0, 1, 2, LABEL_UNKNOWN]))
  })

  it('refuses a label declaration with a bad horizon', () => {
    expect(() => parseLabelSpec({ kind: 'forward-return', horizon: 0, threshold: 0.01 })).toThrow(ConfigError)
    expect(() => parseLabelSpec({ kind: 'forward-return', horizon: 0, threshold: 0.01 })).toThrow(/label\.horizon/)
  })
})

describe('buildDataset', () => {
  it('holds the very rows the live feature stream computes bar by bar', () => {
    const s = series('ETHUSDT', 3)
    const ds = buildDataset([s], { label: DEFAULT_LABEL })
    const live = new StandardFeatureStream()
    const byTime = new Map<number, number>()
    ds.time.forEach((t, r) => byTime.set(t, r))
    let checked = 0
    for (let i = 0; i < s.close.length; i++) {
      const row = live.update(s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!, s.volume[i]!)
      const r = byTime.get(s.openTime[i]!)
      if (r === undefined) continue
      expect(Array.from(ds.values.subarray(r * 10, r * 10 + 10))).toEqual(Array.from(row, (v) => Math.fround(v)))
      checked++
    }
    expect(checked).toBe(ds.rows)
    expect(ds.rows).toBe(s.close.length - 64 - DEFAULT_LABEL.horizon)
  })

  it('selects features by name, in the order given', () => {
    const ds = buildDataset([series('BTCUSDT', 4)], { label: DEFAULT_LABEL, features: ['rsi_14', 'ret_1'] })
    const all = buildDataset([series('BTCUSDT', 4)], { label: DEFAULT_LABEL })
    expect(ds.columns).toBe(2)
    const [a, b] = [(ds.rows - 1) * 2, (all.rows - 1) * 10]
    expect(ds.time.at(-1)).toBe(all.time.at(-1))
    expect(ds.values[a]).toBe(all.values[b + STANDARD_FEATURES.indexOf('rsi_14')])
    expect(ds.values[a + 1]).toBe(all.values[b])
  })

  it('refuses an unknown feature by name', () => {
    expect(() => buildDataset([series('BTCUSDT', 4)], { label: DEFAULT_LABEL, features: ['nope'] })).toThrow(ModelError)
  })
})

describe('splitDataset', () => {
  const symbols = [series('BTCUSDT', 5), series('ETHUSDT', 6)]
  const end = symbols[0]!.openTime.at(-1)! + HOUR
  const ds = buildDataset(symbols, { label: DEFAULT_LABEL })
  const plan = planSplits(ds, { end, testDays: 60, validationDays: 60 })
  const splits = splitDataset(ds, plan)

  it('orders the splits in time with a purge gap of the label horizon', () => {
    expect(plan.purgeMs).toBe(4 * HOUR)
    expect(splits.train.time.at(-1)!).toBeLessThan(plan.trainEnd)
    expect(splits.validation.time[0]!).toBeGreaterThanOrEqual(plan.trainEnd + plan.purgeMs)
    expect(splits.test.time[0]!).toBeGreaterThanOrEqual(plan.validationEnd + plan.purgeMs)
    expect(splits.test.rows).toBeGreaterThan(2 * 24 * 55)
  })

  it('never lets a label read past the end of its split', () => {
    for (const [slice, endOf] of [
      [splits.train, plan.trainEnd],
      [splits.validation, plan.validationEnd],
      [splits.test, plan.testEnd],
    ] as const) {
      for (const r of slice.index) expect(ds.labelEnd[r]!).toBeLessThan(endOf)
    }
  })

  it('gives the same training rows and labels whatever the bars after the training split hold', () => {
    const poisoned = buildDataset(
      symbols.map((s) => poisonedFrom(s, plan.trainEnd)),
      { label: DEFAULT_LABEL },
    )
    const again = splitDataset(poisoned, plan)
    same(splits.train, again.train)
    expect(Array.from(again.validation.labels)).not.toEqual(Array.from(splits.validation.labels))
  })

  it('gives the same validation rows whatever the bars after the validation split hold', () => {
    const poisoned = buildDataset(
      symbols.map((s) => poisonedFrom(s, plan.validationEnd)),
      { label: DEFAULT_LABEL },
    )
    const again = splitDataset(poisoned, plan)
    same(splits.train, again.train)
    same(splits.validation, again.validation)
  })

  it('refuses a plan whose splits are out of order', () => {
    expect(() => splitDataset(ds, { ...plan, validationEnd: plan.trainEnd })).toThrow(/Splits out of order/)
  })
})
