import { lastValueFrom } from 'rxjs'
import type { ResultSeries } from '../result.js'
import type { EngineEvent, Logger, QuantumPlugin, RunMode, SimulatedExchange } from '../types.js'
import { barSource, type BarOrder } from './bar-source.js'
import { SimulatedClock } from './clock.js'
import { createKernel } from './kernel/kernel.js'
import type { BarDetail } from './kernel/market-step.js'
import type { EngineOutput } from './kernel/run-recorder.js'
import { silentLogger } from './logger.js'

export type { EngineOutput } from './kernel/run-recorder.js'

/** Options of {@link runEngine}. */
export interface EngineRunOptions {
  /** Columnar candles, one series per symbol. */
  readonly series: readonly ResultSeries[]
  /** Visiting order across several series (from `mergeByTime`); omit for one series. */
  readonly order?: BarOrder
  /** Finer candles the exchange fills against inside each bar (`data.detail`). @default none */
  readonly detail?: BarDetail
  /** The simulated exchange that fills orders. */
  readonly exchange: SimulatedExchange
  /** Every plugin of the strategy, in registration order. */
  readonly plugins: readonly QuantumPlugin[]
  /** @default 'backtest' */
  readonly mode?: RunMode
  /** @default a silent logger */
  readonly logger?: Logger
  /** Called every `progressEvery` bars and at the end. @default none */
  readonly onProgress?: (done: number, total: number) => void
  /** @default 65536 */
  readonly progressEvery?: number
  /** Called for every engine event (after observers). @default none */
  readonly onEvent?: (event: EngineEvent) => void
  /** The event types `onEvent` reads (the engine may skip building others nobody reads). @default every type */
  readonly onEventTypes?: readonly EngineEvent['type'][]
  /** How many notable events (errors, risk verdicts, rejections) to keep. @default 1000 */
  readonly keepNotable?: number
  /** Most bars per block of the agents' `onBlock` pre-step (batched model inference). @default 1024 */
  readonly blockRows?: number
}

/**
 * Runs a strategy over historical bars: the engine kernel (agents' `onBlock` pre-step over blocks of
 * bars already read -> market step -> agents -> decision -> sizing
 * -> risk -> the paper exchange's direct sink, fills flowing back through the exchange's events to the
 * recorder and the exit policies) driven by the bars of columnar series.
 * Deterministic: the clock is the bars' time and the paper exchange applies commands synchronously.
 * @example const out = await runEngine({ series: [btc], exchange, plugins: [emaCross(), fixedNotional()] })
 */
export async function runEngine(options: EngineRunOptions): Promise<EngineOutput> {
  const started = performance.now()
  const total = options.series.reduce((n, s) => n + s.openTime.length, 0)
  const every = options.progressEvery ?? 65_536
  const { onProgress } = options
  const kernel = createKernel({
    paper: options.exchange,
    mode: options.mode ?? 'backtest',
    clock: new SimulatedClock(0),
    plugins: options.plugins,
    logger: options.logger ?? silentLogger,
    detail: options.detail,
    onEvent: options.onEvent,
    onEventTypes: options.onEventTypes,
    keepNotable: options.keepNotable,
    capacity: total,
    blockRows: options.blockRows,
    afterBar:
      onProgress === undefined
        ? undefined
        : () => {
            const done = kernel.recorder.bars
            if (done % every === 0) onProgress(done, total)
          },
  })
  await kernel.setup()
  try {
    const bars = barSource(options.series, options.order === undefined ? {} : { order: options.order })
    await lastValueFrom(kernel.run(bars), { defaultValue: undefined })
    onProgress?.(kernel.recorder.bars, total)
  } finally {
    await kernel.close()
  }
  return kernel.output(performance.now() - started)
}
