/**
 * The engine of every model agent, one path in every mode: the kernel hands the agent blocks of bars
 * it has received (`onBlock`: large blocks in backtests, the bars of one tick on a feed); the agent
 * streams each bar into its symbol's features, runs the block's inference in batches and answers
 * `onBar` from the results. A bar's input is taken when the bar is pushed, so it reads bars `<= i` only.
 * @packageDocumentation
 */
import type { AgentPlugin, BarBlock, Logger, MarketBar, PluginContext, PluginHooks, Signal } from '@quantum/core'
import { STANDARD_FEATURES_WARMUP } from '../features/standard-features.js'
import {
  LiveWindow,
  ROW_INVALID_OUTPUT,
  ROW_NO_INPUT,
  ROW_OK,
  featureColumns,
  type OhlcvBar,
} from '../models/model-input.js'
import type { ModelFamily } from '../models/model-metadata.js'
import { modelRegistryFor, type ModelHandle, type ModelRegistry } from '../models/model-registry.js'
import { ModelError, readCandleRow } from '@quantum/core'
import { CLASS_COUNT, probabilityIssue, type ModelSession } from '../models/model-session.js'

/** What a model agent counted since setup (for tests, metrics and the report). */
export interface ModelAgentDiagnostics {
  /** Signals from a valid prediction. */
  readonly predictions: number
  /** Bars without a full window of valid features (warm-up, NaN): no inference, no signal. */
  readonly skippedNoInput: number
  /** Predictions refused (NaN, Inf, not summing to 1): recorded HOLD signals with confidence 0. */
  readonly invalidOutputs: number
  /** Bars that reached `onBar` without `onBlock` or `onBarAsync` having seen them first. */
  readonly unanswered: number
  /** The reason of the last refused prediction. */
  readonly lastInvalidReason: string | undefined
}

/** A model agent: an {@link AgentPlugin} plus the live pre-step, hot swap and diagnostics. */
export interface ModelAgentPlugin extends AgentPlugin {
  /** The kernel's pre-step ({@link AgentPlugin.onBlock}): features, then batched inference of the block. */
  onBlock(block: BarBlock, ctx: PluginContext): Promise<void>
  /**
   * The same pre-step for one bar outside the kernel (benches, tools): the calls made in the same tick
   * form one block (one `session.run` across symbols); resolves with the bar's signal. Never rejects for
   * data or model problems. Do not mix with a kernel driving the same agent.
   */
  onBarAsync(bar: MarketBar, ctx: PluginContext): Promise<Signal | undefined>
  /**
   * Replaces the model by another file with the same features, family and window, without missing a
   * decision: a block whose inference already started finishes on the old session.
   * @throws {ModelError} when the new model is refused (the old one stays).
   */
  swapModel(path: string): Promise<void>
  /** The counters since setup. */
  diagnostics(): ModelAgentDiagnostics
}

/** Resolved configuration of one model agent. */
export interface ModelAgentConfig {
  /** Plugin name, e.g. `agents:xgboost`. */
  readonly name: string
  /** Path of the `.onnx` file (its metadata is `<model>.meta.json`). */
  readonly model: string
  /** Model family. */
  readonly family: ModelFamily
  /** Feature names in input order. */
  readonly features: readonly string[]
  /** Rows per prediction. */
  readonly window: number
  /** Below this top probability the signal is HOLD. */
  readonly minConfidence: number
  /** Predictions per `session.run` within a block; undefined for the default. */
  readonly batchRows: number | undefined
  /** Registry to share sessions through; undefined for the run's default ({@link modelRegistryFor}). */
  readonly registry: ModelRegistry | undefined
}

interface Counters {
  predictions: number
  skippedNoInput: number
  invalidOutputs: number
  unanswered: number
  lastInvalidReason: string | undefined
}

const metaCache = new WeakMap<ModelSession, Readonly<Record<string, unknown>>>()

function metaOf(session: ModelSession): Readonly<Record<string, unknown>> {
  let meta = metaCache.get(session)
  if (meta === undefined) {
    const m = session.metadata
    meta = Object.freeze({ model: m.name, modelVersion: m.version, family: m.family })
    metaCache.set(session, meta)
  }
  return meta
}

/** Index of the top class in SELL, HOLD, BUY order (ties go to HOLD, then SELL). */
function topClass(probs: Float32Array, at: number): 0 | 1 | 2 {
  const sell = probs[at]!
  const hold = probs[at + 1]!
  const buy = probs[at + 2]!
  if (hold >= sell && hold >= buy) return 1
  return sell >= buy ? 0 : 2
}

const ACTIONS = ['SELL', 'HOLD', 'BUY'] as const

/** Clamps float32 rounding noise into [0, 1] (the Signal schema's range). */
function unit(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p
}

/** The inference results of one block, row by row (reused between blocks). */
class BlockAnswers {
  rows = 0
  /** Next row `onBar` expects. */
  cursor = 0
  symbol: string[] = []
  openTime = new Float64Array(0)
  status = new Uint8Array(0)
  probs = new Float32Array(0)
  meta: Readonly<Record<string, unknown>> = {}

  reset(rows: number): void {
    if (this.openTime.length < rows) {
      const n = Math.max(rows, this.openTime.length * 2)
      this.symbol = new Array<string>(n).fill('')
      this.openTime = new Float64Array(n)
      this.status = new Uint8Array(n)
      this.probs = new Float32Array(n * CLASS_COUNT)
    }
    this.rows = rows
    this.cursor = 0
  }
}

type MutableOhlcv = { -readonly [K in keyof OhlcvBar]: OhlcvBar[K] }

/** One-bar blocks of {@link ModelAgentPlugin.onBarAsync} calls made in the same tick. */
interface Tick {
  readonly block: MutableBlock
  readonly bars: MarketBar[]
  readonly waiters: ((signal: Signal | undefined) => void)[]
}

type MutableBlock = { -readonly [K in keyof BarBlock]: BarBlock[K] } & {
  symbol: string[]
}

function emptyBlock(): MutableBlock {
  return {
    length: 0,
    capacity: Number.MAX_SAFE_INTEGER, // grows with the tick (never padded)
    warmup: false,
    symbol: [],
    index: new Int32Array(8),
    openTime: new Float64Array(8),
    open: new Float64Array(8),
    high: new Float64Array(8),
    low: new Float64Array(8),
    close: new Float64Array(8),
    volume: new Float64Array(8),
  }
}

function growTo<T extends Int32Array | Float64Array>(a: T, n: number, make: (n: number) => T): T {
  if (a.length >= n) return a
  const b = make(n * 2)
  b.set(a)
  return b
}

function pushBar(block: MutableBlock, bar: MarketBar): void {
  const r = block.length++
  block.index = growTo(block.index, r + 1, (n) => new Int32Array(n))
  for (const k of ['openTime', 'open', 'high', 'low', 'close', 'volume'] as const) {
    block[k] = growTo(block[k], r + 1, (n) => new Float64Array(n))
    block[k][r] = bar[k]
  }
  block.index[r] = bar.index
  block.symbol[r] = bar.symbol
}

/** Per-bar state and logic of one model agent. */
class ModelAgentState {
  handle: ModelHandle | undefined
  logger: Logger | undefined
  readonly live = new Map<string, LiveWindow>()
  readonly counters: Counters = {
    predictions: 0,
    skippedNoInput: 0,
    invalidOutputs: 0,
    unanswered: 0,
    lastInvalidReason: undefined,
  }
  readonly columns: Int32Array
  /** The answers of the block the kernel is handing to `onBar`. */
  readonly current = new BlockAnswers()
  private input = new Float32Array(0)
  private readonly rowOf: number[] = []
  private readonly ohlcv: MutableOhlcv = { openTime: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 }
  /** Blocks run one after another (a block's features must follow the previous block's). */
  private chain: Promise<void> = Promise.resolve()
  private tick: Tick | undefined

  constructor(readonly config: ModelAgentConfig) {
    this.columns = featureColumns(config.features)
  }

  /**
   * The signal of one prediction: `probs[at..at+2]` (SELL, HOLD, BUY) from the model described by `meta`;
   * `checked` when `probabilityIssue` already passed on these probabilities (batch results).
   */
  signal(
    bar: MarketBar,
    out: { probs: Float32Array; at: number; meta: Readonly<Record<string, unknown>> },
    checked = false,
  ): Signal {
    const { probs, at, meta } = out
    const issue = checked ? undefined : probabilityIssue(probs, at)
    if (issue !== undefined) {
      this.refuse(issue, bar)
      const refused = { ...meta, reason: issue }
      return {
        agent: this.config.name,
        symbol: bar.symbol,
        time: bar.openTime,
        action: 'HOLD',
        confidence: 0,
        meta: refused,
      }
    }
    this.counters.predictions++
    const probabilities = { SELL: unit(probs[at]!), HOLD: unit(probs[at + 1]!), BUY: unit(probs[at + 2]!) }
    const top = topClass(probs, at)
    const k = probs[at + top]! >= this.config.minConfidence ? top : 1
    return {
      agent: this.config.name,
      symbol: bar.symbol,
      time: bar.openTime,
      action: ACTIONS[k],
      confidence: unit(probs[at + k]!),
      probabilities,
      meta,
    }
  }

  private refuse(reason: string, bar: MarketBar): void {
    if (this.counters.invalidOutputs === 0 || this.counters.lastInvalidReason !== reason) {
      this.logger?.warn('model output refused: HOLD with confidence 0', {
        symbol: bar.symbol,
        time: bar.openTime,
        reason,
      })
    }
    this.counters.invalidOutputs++
    this.counters.lastInvalidReason = reason
  }

  /** The answer of row `r` of `answers` for `bar`. */
  answerOf(answers: BlockAnswers, r: number, bar: MarketBar): Signal | undefined {
    const status = answers.status[r]
    if (status === ROW_OK || status === ROW_INVALID_OUTPUT)
      return this.signal(bar, { probs: answers.probs, at: r * CLASS_COUNT, meta: answers.meta }, status === ROW_OK)
    this.counters.skippedNoInput++
    return undefined
  }

  /** The symbol's feature window (created on its first bar). */
  windowOf(symbol: string): LiveWindow {
    let win = this.live.get(symbol)
    if (win === undefined) {
      win = new LiveWindow(this.columns, this.config.window)
      this.live.set(symbol, win)
    }
    return win
  }

  /**
   * Runs `block` after the blocks before it, filling `answers`. `padded`: every `session.run` gets a
   * full batch (the last one of the block padded), so a bar's answer does not depend on how many bars
   * follow it in its block: ONNX Runtime's kernels may differ in the last float bit with the batch
   * size, and a backtest on data cut after a bar must give that bar the same answer (look-ahead check).
   */
  run(block: BarBlock, answers: BlockAnswers, padded = false): Promise<void> {
    const next = this.chain.then(() => this.infer(block, answers, padded))
    this.chain = next.catch(() => undefined)
    return next
  }

  /**
   * Streams the block's bars into their symbols' features and predicts every row with a full window,
   * `batchRows` rows per `session.run`. Row `r`'s input is copied right after bar `r` is pushed.
   */
  private async infer(block: BarBlock, answers: BlockAnswers, padded: boolean): Promise<void> {
    answers.reset(block.length)
    const handle = this.handle
    if (handle === undefined) {
      this.logger?.warn('onBlock before setup or after dispose: no opinion', { rows: block.length })
      answers.status.fill(ROW_NO_INPUT, 0, block.length)
      for (let r = 0; r < block.length; r++) {
        answers.symbol[r] = block.symbol[r]!
        answers.openTime[r] = block.openTime[r]!
      }
      return
    }
    const session = handle.session
    const done = session.lease()
    try {
      answers.meta = metaOf(session)
      const { rowSize, window: w } = session
      // A block never fills more than `capacity` rows of a batch: padding beyond it would be wasted.
      const batch = Math.max(1, Math.min(this.config.batchRows ?? (w === 1 ? 4096 : 256), block.capacity))
      if (this.input.length < batch * rowSize) this.input = new Float32Array(batch * rowSize)
      const input = this.input
      const rowOf = this.rowOf
      const bar = this.ohlcv
      let k = 0
      const flush = async (): Promise<void> => {
        const rows = padded ? batch : k
        const out = await session.predict(input.subarray(0, rows * rowSize), rows)
        for (let j = 0; j < k; j++) {
          const r = rowOf[j]!
          answers.probs.set(out.subarray(j * CLASS_COUNT, (j + 1) * CLASS_COUNT), r * CLASS_COUNT)
          answers.status[r] = probabilityIssue(out, j * CLASS_COUNT) === undefined ? ROW_OK : ROW_INVALID_OUTPUT
        }
        k = 0
      }
      for (let r = 0; r < block.length; r++) {
        const symbol = block.symbol[r]!
        answers.symbol[r] = symbol
        answers.openTime[r] = block.openTime[r]!
        answers.status[r] = ROW_NO_INPUT
        readCandleRow(block, r, bar)
        const win = this.windowOf(symbol)
        // A bar the features have seen is not pushed again; an older one (warm-up handed again) gets no answer.
        if (!(bar.openTime <= win.lastOpenTime)) win.push(bar, session)
        else if (bar.openTime < win.lastOpenTime) continue
        if (block.warmup || !win.ready) continue
        win.copyInput(session, { dst: input, at: k * rowSize })
        rowOf[k++] = r
        if (k === batch) await flush()
      }
      if (k > 0) await flush()
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      this.logger?.error('model inference failed: no opinion for this block', { rows: block.length, reason })
      answers.status.fill(ROW_NO_INPUT, 0, block.length)
    } finally {
      done()
    }
  }

  /** {@link ModelAgentPlugin.onBarAsync}: the calls of one tick form one block. */
  inferOne(bar: MarketBar): Promise<Signal | undefined> {
    if (this.tick === undefined) {
      const tick: Tick = { block: emptyBlock(), bars: [], waiters: [] }
      this.tick = tick
      queueMicrotask(() => {
        this.tick = undefined
        const answers = new BlockAnswers()
        void this.run(tick.block, answers).then(() => {
          for (let r = 0; r < tick.bars.length; r++) {
            const b = tick.bars[r]!
            tick.waiters[r]!(tick.block.warmup ? undefined : this.answerOf(answers, r, b))
          }
        })
      })
    }
    const tick = this.tick
    pushBar(tick.block, bar)
    tick.bars.push({ ...bar })
    return new Promise((resolve) => tick.waiters.push(resolve))
  }
}

function onBarOf(state: ModelAgentState): (bar: MarketBar) => Signal | undefined {
  let warned = false
  return (bar) => {
    const answers = state.current
    const r = answers.cursor
    if (r < answers.rows && answers.openTime[r] === bar.openTime && answers.symbol[r] === bar.symbol) {
      answers.cursor++
      return state.answerOf(answers, r, bar)
    }
    const win = state.windowOf(bar.symbol)
    // A bar the features have already seen (warm-up bars after their warm-up block): no opinion, no alarm.
    if (bar.openTime <= win.lastOpenTime) return undefined
    // Not seen by onBlock: keep the features in step, but give no answer (never a stale one).
    if (state.handle !== undefined) win.push(bar, state.handle.session)
    state.counters.unanswered++
    if (!warned) {
      warned = true
      const message = 'bar reached onBar without onBlock or onBarAsync: no opinion (see AgentPlugin.onBlock)'
      state.logger?.warn(message, { symbol: bar.symbol, time: bar.openTime })
    }
    return undefined
  }
}

/**
 * Builds the hooks of a model agent from its resolved configuration (the presets and
 * {@link modelAgent} call it).
 * @example const hooks = createModelAgentHooks({ name: 'agents:xgboost', model, family: 'xgboost', … })
 */
export function createModelAgentHooks(
  config: ModelAgentConfig,
): PluginHooks<'agent'> & Omit<ModelAgentPlugin, keyof AgentPlugin> {
  const state = new ModelAgentState(config)
  return {
    warmup: STANDARD_FEATURES_WARMUP + config.window - 1,
    setup: async (ctx) => {
      state.logger = ctx.logger
      const registry = config.registry ?? modelRegistryFor(ctx)
      const { features, family, window } = config
      state.handle = await registry.open(config.model, { features, family, window })
    },
    // Backtests pad every batch (answers independent of where the data ends); live ticks run as they come.
    onBlock: (block, ctx) => state.run(block, state.current, ctx.mode === 'backtest'),
    onBar: onBarOf(state),
    onBarAsync: (bar) => state.inferOne(bar),
    swapModel: async (path) => {
      const handle = state.handle
      if (handle === undefined) throw new ModelError(path, `cannot swap: ${config.name} is not set up`)
      await handle.swap(path)
      state.logger?.info('model swapped', { model: path, version: handle.session.metadata.version })
    },
    diagnostics: () => ({ ...state.counters }),
    dispose: async () => {
      await state.handle?.dispose()
      state.handle = undefined
      state.live.clear()
      state.current.reset(0)
    },
  }
}
