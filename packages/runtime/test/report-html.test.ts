import { describe, expect, it } from 'vitest'
import type { ReportData } from '../src/report-data.js'
import { aggregateCandles, buildReportData, reduceEquity } from '../src/report-data.js'
import { renderReportHtml } from '../src/report-html.js'
import { makeResult } from './make-result.js'

function embedded(html: string): ReportData {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)
  if (m?.[1] === undefined) throw new Error('no embedded data')
  return JSON.parse(m[1]) as ReportData
}

describe('renderReportHtml', () => {
  it('should embed the chart data as JSON and load nothing from the network', () => {
    const result = makeResult({ bars: 3000, trades: 40 })
    const html = renderReportHtml(result)
    const data = embedded(html)
    expect(data.candles[0]?.t.length).toBe(1500)
    expect(data.candles[0]?.barsPerCandle).toBe(2)
    expect(data.markers).toHaveLength(40)
    expect(data.tradesTotal).toBe(40)
    expect(html).not.toMatch(/https?:\/\//)
    expect(html).not.toMatch(/\s(src|href)=/)
    expect(html).toContain('<canvas id="equity-chart"')
    expect(html).toContain('<canvas id="drawdown-chart"')
    expect(html).toContain('<canvas id="candle-chart"')
    for (const label of ['Win rate', 'Max DD %', 'Sharpe', 'Profit factor', 'Bars/s']) expect(html).toContain(label)
    expect(html).toContain('division by zero')
    expect(html).toContain('leverage 12 &gt; max 5')
  })

  it('should show when each notable event happened, also for risk verdicts and plugin errors', () => {
    const at = Date.UTC(2024, 7, 5, 3, 0)
    const result = { ...makeResult({ bars: 100, trades: 3 }), notableEventTimes: [at, at + 3_600_000] }
    const html = renderReportHtml(result)
    const rows = [...html.matchAll(/<tr><td class="l">([^<]*)<\/td><td class="l">(plugin-error|risk)<\/td>/g)]
    expect(rows.map((m) => [m[2], m[1]])).toEqual([
      ['plugin-error', '2024-08-05 03:00'],
      ['risk', '2024-08-05 04:00'],
    ])
  })

  it('should escape </script> and HTML in embedded and shown strings', () => {
    const evil = '</script><script>alert(1)</script>'
    const html = renderReportHtml(makeResult({ bars: 100, trades: 3, exitReason: evil }))
    expect(html.match(/<\/script>/g)).toHaveLength(2)
    expect(html).not.toContain('<script>alert(1)')
    expect(html).toContain('&lt;/script&gt;')
    expect(embedded(html).markers).toHaveLength(3)
  })

  it('should list the first 500 trades and say that the table is cut', () => {
    const html = renderReportHtml(makeResult({ bars: 5000, trades: 800 }))
    expect(html.match(/<tr><td>\d+<\/td>/g)).toHaveLength(500)
    expect(html).toContain('Showing the first 500 of 800 trades')
  })

  it('should keep a 1M-bar report with thousands of trades small', () => {
    const result = makeResult({ bars: 1_000_000, trades: 5000, stepMs: 60_000 })
    const html = renderReportHtml(result)
    const data = embedded(html)
    expect(data.candles[0]?.t.length).toBeLessThanOrEqual(1500)
    expect(data.equity.t.length).toBeLessThanOrEqual(3000)
    expect(data.markers).toHaveLength(1000)
    const bytes = Buffer.byteLength(html)
    console.info(`[report size] 1,000,000 bars, 5,000 trades: ${(bytes / 1024).toFixed(0)} KiB`)
    expect(bytes).toBeLessThan(3 * 1024 * 1024)
  })
})

describe('report data reduction', () => {
  it('should aggregate OHLC correctly', () => {
    const result = makeResult({ bars: 10, trades: 0 })
    const s = result.series[0]
    if (s === undefined) throw new Error('no series')
    const agg = aggregateCandles(s, 3)
    expect(agg.barsPerCandle).toBe(4)
    expect(agg.t).toEqual([s.openTime[0], s.openTime[4], s.openTime[8]])
    expect(agg.o[0]).toBeCloseTo(s.open[0] ?? 0, 2)
    expect(agg.c[0]).toBeCloseTo(s.close[3] ?? 0, 2)
    expect(agg.h[0]).toBeCloseTo(Math.max(...Array.from(s.high.subarray(0, 4))), 2)
    expect(agg.l[2]).toBeCloseTo(Math.min(...Array.from(s.low.subarray(8, 10))), 2)
  })

  it('should keep the deepest drawdown and the extremes of the equity curve', () => {
    const result = makeResult({ bars: 200_000, trades: 0 })
    const reduced = reduceEquity(result, 3000)
    const eq = Array.from(result.equity.equity)
    const max = (xs: number[]): number => xs.reduce((a, b) => Math.max(a, b), -Infinity)
    const min = (xs: number[]): number => xs.reduce((a, b) => Math.min(a, b), Infinity)
    expect(reduced.t.length).toBeLessThanOrEqual(3000)
    expect(max(reduced.e)).toBeCloseTo(max(eq), 1)
    expect(min(reduced.e)).toBeCloseTo(min(eq), 1)
    let peak = -Infinity
    let deepest = 0
    for (const e of eq) {
      peak = Math.max(peak, e)
      deepest = Math.max(deepest, (peak - e) / peak)
    }
    expect(max(reduced.dd)).toBeCloseTo(deepest, 5)
  })

  it('should sample markers evenly when there are more trades than the cap', () => {
    const data = buildReportData(makeResult({ bars: 5000, trades: 900 }), { maxMarkers: 100 })
    expect(data.markers).toHaveLength(100)
    expect(data.markers[0]?.[7]).toBe(1)
    expect(data.markers[99]?.[7]).toBeGreaterThan(880)
  })
})
