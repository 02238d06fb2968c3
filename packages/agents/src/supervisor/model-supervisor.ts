import { definePlugin } from '@quantum/core'
import type { EngineEvent, PluginContext, Signal, SignalAction } from '@quantum/core'
import { z } from 'zod'
import type { FindingKind, SupervisorHandle } from './supervisor-handle.js'

const isHandle = (v: unknown): v is SupervisorHandle =>
  typeof v === 'object' && v !== null && typeof (v as SupervisorHandle).raise === 'function'

const options = z.strictObject({
  /** The board findings and the mute list are written to (from `createSupervisorHandle()`). */
  handle: z.custom<SupervisorHandle>(isHandle, { message: 'expected a handle from createSupervisorHandle()' }),
  /** `observe` logs and records findings; `enforce` also mutes the agents concerned. @default 'observe' (the seed's mode) */
  mode: z.enum(['observe', 'enforce']).default('observe'),
  /** Agents to watch. @default undefined (every agent that signals) */
  agents: z.array(z.string().min(1)).optional(),
  /** Rolling window of an agent's last signals for the stuck-class check. @default 100 */
  window: z.number().int().min(2).max(100_000).default(100),
  /** An agent is stuck when one action's share of the window exceeds this. @default 0.9 */
  maxClassShare: z.number().gt(0).max(1).default(0.9),
  /** Signals needed before the stuck-class check runs. @default 50 */
  minSignals: z.number().int().min(1).default(50),
  /** Bars after a BUY/SELL call at which it is judged (hit = the close moved its way). @default 12 */
  horizonBars: z.number().int().min(1).max(100_000).default(12),
  /** Rolling window of judged calls for calibration and accuracy. @default 100 */
  outcomeWindow: z.number().int().min(2).max(100_000).default(100),
  /** Judged calls needed (in the window, and before it for the accuracy baseline). @default 30 */
  minOutcomes: z.number().int().min(1).default(30),
  /** Calibration drift when |mean confidence - hit rate| over the window exceeds this. @default 0.15 */
  maxCalibrationGap: z.number().min(0).max(1).default(0.15),
  /** Accuracy decay when the window's hit rate is this far below the hit rate of the calls before it. @default 0.1 */
  maxAccuracyDrop: z.number().min(0).max(1).default(0.1),
  /**
   * Hysteresis: an active finding clears only once its value is at most `clearFraction` x its limit
   * (not as soon as it dips under the limit), so a value hovering at a threshold raises one finding,
   * not one per crossing. @default 0.8
   */
  clearFraction: z.number().min(0).max(1).default(0.8),
})

/** Options of {@link modelSupervisor} (input form). */
export type ModelSupervisorOptions = z.input<typeof options>
type Opts = z.output<typeof options>

interface Call {
  readonly bar: number
  readonly up: boolean
  readonly confidence: number
  readonly price: number
}

/** What the supervisor tracks per agent (counts kept as the windows move, so a check reads no window). */
class AgentWatch {
  readonly actions: SignalAction[] = []
  readonly counts: Record<SignalAction, number> = { BUY: 0, SELL: 0, HOLD: 0 }
  readonly pending = new Map<string, Call[]>()
  readonly outcomes: { hit: boolean; confidence: number }[] = []
  /** Hits among `outcomes`. */
  hits = 0
  baseHits = 0
  baseCount = 0
  readonly active = new Set<FindingKind>()

  constructor(private readonly opts: Opts) {}

  push(action: SignalAction): void {
    this.actions.push(action)
    this.counts[action]++
    if (this.actions.length > this.opts.window) this.counts[this.actions.shift()!]--
  }

  judge(hit: boolean, confidence: number): void {
    this.outcomes.push({ hit, confidence })
    if (hit) this.hits++
    if (this.outcomes.length <= this.opts.outcomeWindow) return
    const old = this.outcomes.shift()!
    this.baseCount++
    if (old.hit) {
      this.baseHits++
      this.hits--
    }
  }

  /** The most frequent action of the window (ties: BUY, then SELL, then HOLD) and its count. */
  top(): [SignalAction, number] {
    const { BUY, SELL, HOLD } = this.counts
    if (SELL > BUY) return HOLD > SELL ? ['HOLD', HOLD] : ['SELL', SELL]
    return HOLD > BUY ? ['HOLD', HOLD] : ['BUY', BUY]
  }

  /** Mean confidence of the judged calls in the window (summed in window order). */
  meanConfidence(): number {
    let sum = 0
    for (const o of this.outcomes) sum += o.confidence
    return sum / this.outcomes.length
  }
}

/** A measured check: its value, limit, whether it fails, and its message (built only when reported). */
type Check = { kind: FindingKind; value: number; limit: number; failed: boolean; message: () => string }

/**
 * Runs the checks of `w` that have enough data, calling `visit` for each (no allocation beyond the
 * check records when nothing changes).
 */
function checks(w: AgentWatch, opts: Opts, visit: (check: Check) => void): void {
  const n = w.actions.length
  if (n >= opts.minSignals) {
    const [top, count] = w.top()
    const share = count / n
    visit({
      kind: 'stuck-class',
      value: share,
      limit: opts.maxClassShare,
      failed: share > opts.maxClassShare,
      message: () => `${(share * 100).toFixed(1)}% of the last ${n} signals are ${top}`,
    })
  }
  const m = w.outcomes.length
  if (m < opts.minOutcomes) return
  const hitRate = w.hits / m
  const meanConf = w.meanConfidence()
  const gap = Math.abs(meanConf - hitRate)
  visit({
    kind: 'calibration-drift',
    value: gap,
    limit: opts.maxCalibrationGap,
    failed: gap > opts.maxCalibrationGap,
    message: () => `mean confidence ${meanConf.toFixed(3)} vs hit rate ${hitRate.toFixed(3)} over ${m} calls`,
  })
  if (w.baseCount < opts.minOutcomes) return
  const drop = w.baseHits / w.baseCount - hitRate
  visit({
    kind: 'accuracy-decay',
    value: drop,
    limit: opts.maxAccuracyDrop,
    failed: drop > opts.maxAccuracyDrop,
    message: () =>
      `hit rate ${hitRate.toFixed(3)} over the last ${m} calls, ${(w.baseHits / w.baseCount).toFixed(3)} before`,
  })
}

/**
 * Model Supervisor: watches the agents' `signal` events and detects bias. **Stuck class**: one action's
 * share of an agent's last `window` signals above `maxClassShare`. **Calibration drift**: over its last
 * `outcomeWindow` judged BUY/SELL calls, |mean confidence - hit rate| above `maxCalibrationGap` (a call
 * is judged `horizonBars` bars later, counted in bars on which any agent signalled that symbol: a hit
 * when the last price moved its way; prices from the account, or the symbol's last fill). **Accuracy
 * decay**: that hit rate `maxAccuracyDrop` below the hit rate of all the calls judged before the window.
 *
 * In `observe` mode a finding is logged (warn) and recorded on the handle (`findings()`, `active()`);
 * in `enforce` mode the agent is also muted until every finding of it clears, and an Ensemble Manager
 * given the same handle drops it with reason `muted by supervisor`.
 * @example
 * const handle = createSupervisorHandle()
 * modelSupervisor({ handle, mode: 'enforce' })
 */
export const modelSupervisor = definePlugin({
  name: 'agents:model-supervisor',
  kind: 'observer',
  options,
  create: (opts) => {
    const watches = new Map<string, AgentWatch>()
    const bars = new Map<string, { time: number; count: number }>()
    const fillPrices = new Map<string, number>()
    const priceOf = (symbol: string, ctx: PluginContext): number => {
      const p = ctx.account.getLastPrice(symbol)
      return Number.isFinite(p) && p > 0 ? p : (fillPrices.get(symbol) ?? Number.NaN)
    }
    const onSignal = (signal: Signal, ctx: PluginContext): void => {
      const bar = advance(bars, signal)
      const price = priceOf(signal.symbol, ctx)
      for (const w of watches.values()) resolve(w, { symbol: signal.symbol, bar, price, horizon: opts.horizonBars })
      if (opts.agents !== undefined && !opts.agents.includes(signal.agent)) return
      let w = watches.get(signal.agent)
      if (w === undefined) watches.set(signal.agent, (w = new AgentWatch(opts)))
      w.push(signal.action)
      if (signal.action !== 'HOLD' && Number.isFinite(price)) {
        const calls = w.pending.get(signal.symbol) ?? []
        calls.push({ bar, up: signal.action === 'BUY', confidence: signal.confidence, price })
        w.pending.set(signal.symbol, calls)
      }
      review(w, { agent: signal.agent, time: signal.time, opts, ctx })
    }
    return {
      onEvent: (event: EngineEvent, ctx: PluginContext) => {
        if (event.type === 'fill') fillPrices.set(event.fill.symbol, event.fill.price)
        else if (event.type === 'signal') onSignal(event.signal, ctx)
      },
    }
  },
})

/** Counts a new bar of the signal's symbol when its time is new; returns the bar number. */
function advance(bars: Map<string, { time: number; count: number }>, signal: Signal): number {
  const b = bars.get(signal.symbol)
  if (b === undefined) {
    bars.set(signal.symbol, { time: signal.time, count: 0 })
    return 0
  }
  if (signal.time !== b.time) {
    b.time = signal.time
    b.count++
  }
  return b.count
}

/** Judges the agent's calls on `at.symbol` that reached their horizon. */
function resolve(w: AgentWatch, at: { symbol: string; bar: number; price: number; horizon: number }): void {
  const calls = w.pending.get(at.symbol)
  if (calls === undefined || !Number.isFinite(at.price)) return
  while (calls.length > 0 && calls[0]!.bar + at.horizon <= at.bar) {
    const c = calls.shift()!
    w.judge(c.up ? at.price > c.price : at.price < c.price, c.confidence)
  }
}

/** Raises findings that start failing and clears those that recover. */
function review(w: AgentWatch, at: { agent: string; time: number; opts: Opts; ctx: PluginContext }): void {
  checks(w, at.opts, (check) => {
    const { kind, value, limit } = check
    if (check.failed && !w.active.has(kind)) {
      w.active.add(kind)
      const message = check.message()
      at.opts.handle.raise({ agent: at.agent, kind, time: at.time, value, limit, message }, at.opts.mode === 'enforce')
      at.ctx.logger.warn('model supervisor finding', {
        agent: at.agent,
        kind,
        value,
        limit,
        message,
        mode: at.opts.mode,
        time: at.time,
      })
    } else if (value <= limit * at.opts.clearFraction && w.active.delete(kind)) {
      at.opts.handle.clear(at.agent, kind)
      at.ctx.logger.info('model supervisor finding cleared', { agent: at.agent, kind, value, limit, time: at.time })
    }
  })
}
