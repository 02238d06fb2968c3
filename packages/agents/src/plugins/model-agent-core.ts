/**
 * The engine of every model agent: backtests answer from batch inference run in `prepare`; live, an
 * async pre-step (`onBarAsync`) runs the bar's inference, batched across symbols, before `onBar`.
 * @packageDocumentation
 */
import type { AgentHistory, AgentPlugin, Logger, MarketBar, PluginContext, PluginHooks, Signal } from '@quantum/core'
import { STANDARD_FEATURES_WARMUP } from '../features/standard-features.js'
import { BatchPredictor } from '../models/batch-predictor.js'
import {
  LiveWindow,
  ROW_INVALID_OUTPUT,
  ROW_OK,
  featureColumns,
  predictHistory,
  type HistoryPredictions,
} from '../models/model-input.js'
import type { ModelFamily } from '../models/model-metadata.js'
import { modelRegistryFor, type ModelHandle, type ModelRegistry } from '../models/model-registry.js'
import { ModelError } from '@quantum/core'
import { probabilityIssue, type ModelSession } from '../models/model-session.js'

/** What a model agent counted since setup (for tests, metrics and the report). */
export interface ModelAgentDiagnostics {
  /** Signals from a valid prediction. */
  readonly predictions: number
  /** Bars without a full window of valid features (warm-up, NaN): no inference, no signal. */
  readonly skippedNoInput: number
  /** Predictions refused (NaN, Inf, not summing to 1): recorded HOLD signals with confidence 0. */
  readonly invalidOutputs: number
  /** Live bars that reached `onBar` without `prepare` or `onBarAsync` having answered them. */
  readonly unanswered: number
  /** The reason of the last refused prediction. */
  readonly lastInvalidReason: string | undefined
}

/** A model agent: an {@link AgentPlugin} plus the live pre-step, hot swap and diagnostics. */
export interface ModelAgentPlugin extends AgentPlugin {
  /**
   * Live pre-step (arrives with the paper/live runtime): updates the symbol's features with `bar`,
   * runs its inference (batched with the other symbols' calls made in the same tick) and resolves
   * with the signal, which `onBar(bar)` then returns. Never rejects for data or model problems.
   */
  onBarAsync(bar: MarketBar, ctx: PluginContext): Promise<Signal | undefined>
  /**
   * Replaces the model by another file with the same features, family and window, without missing a
   * decision: inferences already started finish on the old session. Results computed by `prepare` are kept.
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
  /** Predictions per `session.run` in `prepare`; undefined for the default. */
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

interface Prepared extends HistoryPredictions {
  readonly meta: Readonly<Record<string, unknown>>
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

/** Per-bar state and logic shared by the backtest and live paths. */
class ModelAgentState {
  handle: ModelHandle | undefined
  logger: Logger | undefined
  readonly prepared = new Map<string, Prepared>()
  readonly live = new Map<string, LiveWindow>()
  readonly answers = new Map<string, { openTime: number; signal: Signal | undefined }>()
  readonly counters: Counters = {
    predictions: 0,
    skippedNoInput: 0,
    invalidOutputs: 0,
    unanswered: 0,
    lastInvalidReason: undefined,
  }
  readonly columns: Int32Array
  private batcher: BatchPredictor | undefined
  private input: Float32Array

  constructor(readonly config: ModelAgentConfig) {
    this.columns = featureColumns(config.features)
    this.input = new Float32Array(config.window * config.features.length)
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

  fromPrepared(p: Prepared, bar: MarketBar): Signal | undefined {
    const status = p.status[bar.index]
    if (status === ROW_OK || status === ROW_INVALID_OUTPUT)
      return this.signal(bar, { probs: p.probs, at: bar.index * 3, meta: p.meta }, status === ROW_OK)
    this.counters.skippedNoInput++
    return undefined
  }

  /** Pushes `bar` into its symbol's live window unless it already was. */
  advance(bar: MarketBar, session: ModelSession): LiveWindow {
    let win = this.live.get(bar.symbol)
    if (win === undefined) {
      win = new LiveWindow(this.columns, this.config.window)
      this.live.set(bar.symbol, win)
    }
    if (win.lastOpenTime !== bar.openTime) win.push(bar, session)
    return win
  }

  /** Starts the live inference of `bar`, batched with the other symbols of the tick. */
  infer(bar: MarketBar): Promise<Signal | undefined> {
    if (this.handle === undefined) {
      this.logger?.warn('onBarAsync before setup or after dispose: no opinion', { symbol: bar.symbol })
      return Promise.resolve(undefined)
    }
    const session = this.handle.session
    const win = this.advance(bar, session)
    if (!win.ready) {
      this.counters.skippedNoInput++
      return Promise.resolve(this.answer(bar, undefined))
    }
    if (this.batcher?.target !== session) this.batcher = new BatchPredictor(session)
    win.copyInput(session, { dst: this.input, at: 0 })
    const meta = metaOf(session)
    const { symbol, openTime } = bar
    const snapshot = { ...bar }
    return this.batcher.request(this.input).then(
      (probs) => this.answer(snapshot, this.signal(snapshot, { probs, at: 0, meta })),
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error)
        this.logger?.error('model inference failed: no opinion for this bar', { symbol, time: openTime, reason })
        return this.answer(snapshot, undefined)
      },
    )
  }

  answer(bar: MarketBar, signal: Signal | undefined): Signal | undefined {
    this.answers.set(bar.symbol, { openTime: bar.openTime, signal })
    return signal
  }
}

function onBarOf(state: ModelAgentState): (bar: MarketBar) => Signal | undefined {
  let warned = false
  return (bar) => {
    const p = state.prepared.get(bar.symbol)
    if (p !== undefined && p.openTime[bar.index] === bar.openTime) return state.fromPrepared(p, bar)
    const known = state.answers.get(bar.symbol)
    if (known !== undefined && known.openTime === bar.openTime) return known.signal
    if (state.handle !== undefined) state.advance(bar, state.handle.session)
    state.counters.unanswered++
    if (!warned) {
      warned = true
      const message = 'bar reached onBar without prepare or onBarAsync: no opinion (see ModelAgentPlugin.onBarAsync)'
      state.logger?.warn(message, { symbol: bar.symbol, time: bar.openTime })
    }
    return undefined
  }
}

async function prepareAll(state: ModelAgentState, history: readonly AgentHistory[]): Promise<void> {
  const session = state.handle!.session
  const meta = metaOf(session)
  for (const h of history) {
    const preds = await predictHistory(session, h, { columns: state.columns, batchRows: state.config.batchRows })
    state.prepared.set(h.symbol, { ...preds, meta })
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
    prepare: (history) => prepareAll(state, history),
    onBar: onBarOf(state),
    onBarAsync: (bar) => state.infer(bar),
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
      state.prepared.clear()
      state.live.clear()
      state.answers.clear()
    },
  }
}
