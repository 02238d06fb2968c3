/**
 * Helpers of the PAL/PIL/baseline tests: hand-made bars, a one-shot entry agent and an engine run on
 * the paper exchange. Test-only code (not exported from the package).
 * @packageDocumentation
 */
import { createPaperExchange, definePlugin, fixedNotional, runEngine } from '@quantum/core'
import type { CandleSeries, EngineEvent, EngineOutput, PaperExchange, QuantumPlugin, RiskVerdict } from '@quantum/core'
import { z } from 'zod'

/** Symbol of the hand-made series. */
export const SYMBOL = 'TESTUSDT'
const HOUR = 3_600_000

/** One hand-made bar. */
export interface TestBar {
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
}

/** `n` flat bars around `price` (range ±1, so the ATR settles at 2). */
export function flatBars(n: number, price: number): TestBar[] {
  return Array.from({ length: n }, () => ({ open: price, high: price + 1, low: price - 1, close: price }))
}

/** `n` bars that each move the close by `step` from `from`, with no wick against the move. */
export function trendBars(n: number, from: number, step: number): TestBar[] {
  const bars: TestBar[] = []
  let open = from
  for (let i = 0; i < n; i++) {
    const close = open + step
    bars.push({ open, high: Math.max(open, close) + 0.2, low: Math.min(open, close) - 0.2, close })
    open = close
  }
  return bars
}

/** Columnar series of `bars`, hourly from epoch 0. */
export function toSeries(bars: readonly TestBar[]): CandleSeries {
  const col = (f: (b: TestBar) => number): Float64Array => Float64Array.from(bars, f)
  return {
    symbol: SYMBOL,
    timeframe: '1h',
    openTime: Float64Array.from(bars, (_, i) => i * HOUR),
    open: col((b) => b.open),
    high: col((b) => b.high),
    low: col((b) => b.low),
    close: col((b) => b.close),
    volume: col(() => 1),
  }
}

/** An agent that signals once, at bar `at` (BUY unless `sell`). */
export const signalOnce = definePlugin({
  name: 'test:signal-once',
  kind: 'agent',
  options: z.strictObject({ at: z.number().int().min(0), sell: z.boolean().default(false) }),
  create: ({ at, sell }) => ({
    onBar: (bar) =>
      bar.index !== at
        ? undefined
        : {
            agent: 'test:signal-once',
            symbol: bar.symbol,
            time: bar.openTime,
            action: sell ? 'SELL' : 'BUY',
            confidence: 1,
          },
  }),
})

/** A risk guard answering every intent with `check`. */
export function riskGuard(check: (tag: string | undefined) => RiskVerdict): QuantumPlugin {
  return definePlugin({
    name: 'test:risk',
    kind: 'risk',
    options: z.strictObject({}),
    create: () => ({ check: (intent) => check(intent.tag) }),
  })()
}

/** What a test run gives back. */
export interface TestRun {
  readonly output: EngineOutput
  readonly exchange: PaperExchange
  readonly events: readonly EngineEvent[]
}

/** Runs `plugins` (plus a 1000 USDT fixed-notional sizer) over `bars` on a fee-less paper exchange. */
export async function runBars(bars: readonly TestBar[], plugins: readonly QuantumPlugin[]): Promise<TestRun> {
  const exchange = createPaperExchange({
    balance: 100_000,
    makerFee: 0,
    takerFee: 0,
    instruments: { [SYMBOL]: { tickSize: 0, stepSize: 0, minQty: 0, minNotional: 0 } },
  })
  const events: EngineEvent[] = []
  const output = await runEngine({
    series: [toSeries(bars)],
    exchange,
    plugins: [...plugins, fixedNotional({ notional: 1000 })],
    onEvent: (e) => events.push(e),
  })
  return { output, exchange, events }
}
