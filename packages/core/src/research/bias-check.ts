/**
 * Look-ahead and recursion checks of a strategy (`quantum-run check-bias`). Look-ahead: every agent's
 * and exit policy's answers on data cut at many points must equal their answers on the full data for
 * every bar before the cut (an answer that changes when later bars are removed used them). Recursion:
 * how much agents' answers at a bar depend on how many bars of history came before (indicators seeded
 * by their first value, like an EMA, converge only after enough warm-up).
 * @packageDocumentation
 */
import { runBacktest } from '../backtest/run-backtest.js'
import type { QuantumConfig } from '../config.js'
import { recordPlugins, type PluginOutput } from './plugin-recorder.js'

/** A data window of a check run (epoch ms; `to` exclusive). */
export interface BiasWindow {
  readonly from?: number
  readonly to?: number
}

/** Options of {@link checkBias}. */
export interface BiasCheckOptions {
  /** The config on `window` with fresh plugin instances (each run needs its own: plugins keep state). */
  readonly load: (window: BiasWindow) => Promise<QuantumConfig>
  /** Folder relative data paths resolve against. */
  readonly baseDir: string
  /** Cut points, spread over the data. @default 8 */
  readonly cuts?: number
  /** Warm-up lengths (bars before the compared range) of the recursion check. @default [25, 50, 100, 200, 400] */
  readonly warmups?: readonly number[]
  /** Bars compared in the recursion check. @default 500 */
  readonly span?: number
  /** Called before each run (for progress output). */
  readonly onRun?: (label: string) => void
}

/** A plugin's answer that differed between the full data and data cut after the bar. */
export interface LookAheadMismatch {
  readonly cut: number
  readonly hook: 'onBar' | 'onFill'
  readonly symbol: string
  readonly time: number
  /** The answer on the full data (JSON) or `missing`. */
  readonly full: string
  /** The answer on the cut data (JSON) or `missing`. */
  readonly cutData: string
}

/** The look-ahead verdict of one plugin. */
export interface PluginLookAhead {
  readonly plugin: string
  readonly kind: 'agent' | 'exit'
  /** Answers compared, over every cut. */
  readonly compared: number
  /** Answers that differed. */
  readonly mismatches: number
  /** The earliest differing answer. */
  readonly first?: LookAheadMismatch
}

/** How an agent's answers after `at` differ when only `warmup` bars come before it. */
export interface WarmupRow {
  readonly plugin: string
  /** Bars of history before the compared range. */
  readonly warmup: number
  readonly compared: number
  /** Answers not identical to the full-history run. */
  readonly mismatches: number
  /** Largest |confidence difference| over the compared answers. */
  readonly maxConfidenceDiff: number
}

/** What {@link checkBias} found. */
export interface BiasReport {
  readonly lookAhead: {
    /** The cut times (epoch ms; data ends before each). */
    readonly cuts: readonly number[]
    readonly plugins: readonly PluginLookAhead[]
    /** No answer of any plugin differed. */
    readonly passed: boolean
  }
  readonly recursion: {
    /** Start of the compared range, epoch ms. */
    readonly at: number
    readonly bars: number
    readonly rows: readonly WarmupRow[]
  }
}

async function record(options: BiasCheckOptions, window: BiasWindow, label: string): Promise<PluginOutput[]> {
  options.onRun?.(label)
  const config = await options.load(window)
  const recorded = recordPlugins(config.plugins)
  await runBacktest({ ...config, plugins: recorded.plugins }, { baseDir: options.baseDir })
  return recorded.outputs
}

function barTimes(outputs: readonly PluginOutput[]): number[] {
  const times = new Set<number>()
  for (const o of outputs) if (o.hook === 'onBar') times.add(o.time)
  return [...times].sort((a, b) => a - b)
}

/**
 * Runs the strategy on the full data, on data cut at `cuts` points, and with `warmups` bars of history
 * before a fixed range, and compares every agent's and exit policy's answers.
 * @example const report = await checkBias({ load: (w) => loadConfig(w), baseDir })
 */
export async function checkBias(options: BiasCheckOptions): Promise<BiasReport> {
  const full = await record(options, {}, 'full data')
  const times = barTimes(full)
  const cuts = cutTimes(times, options.cuts ?? 8)
  const verdicts = new Map<string, { kind: 'agent' | 'exit'; compared: number; mismatches: LookAheadMismatch[] }>()
  for (const o of full)
    if (!verdicts.has(o.plugin)) verdicts.set(o.plugin, { kind: o.kind, compared: 0, mismatches: [] })
  for (const cut of cuts) {
    const partial = await record(options, { to: cut }, `cut at ${new Date(cut).toISOString()}`)
    for (const [plugin, found] of compareBefore(full, partial, cut)) {
      const v = verdicts.get(plugin)
      if (v === undefined) continue
      v.compared += found.compared
      v.mismatches.push(...found.mismatches)
    }
  }
  const plugins = [...verdicts].map(([plugin, v]): PluginLookAhead => {
    const first = [...v.mismatches].sort((a, b) => a.time - b.time)[0]
    return {
      plugin,
      kind: v.kind,
      compared: v.compared,
      mismatches: v.mismatches.length,
      ...(first === undefined ? {} : { first }),
    }
  })
  const recursion = await warmupRows(options, full, times)
  return { lookAhead: { cuts, plugins, passed: plugins.every((p) => p.mismatches === 0) }, recursion }
}

/** `n` cut times spread over 10 %..95 % of the bars. */
function cutTimes(times: readonly number[], n: number): number[] {
  const cuts = new Set<number>()
  for (let k = 0; k < n; k++) {
    const i = Math.floor(times.length * (0.1 + (0.85 * k) / Math.max(1, n - 1)))
    if (i > 0 && i < times.length) cuts.add(times[i]!)
  }
  return [...cuts].sort((a, b) => a - b)
}

interface Found {
  compared: number
  mismatches: LookAheadMismatch[]
}

/** Per plugin: answers before `cut` compared, and those that differ (or are missing on either side). */
function compareBefore(full: readonly PluginOutput[], cut: readonly PluginOutput[], at: number): Map<string, Found> {
  const byKey = new Map(cut.filter((o) => o.time < at).map((o) => [o.key, o]))
  const result = new Map<string, Found>()
  const found = (plugin: string): Found => {
    let f = result.get(plugin)
    if (f === undefined) result.set(plugin, (f = { compared: 0, mismatches: [] }))
    return f
  }
  const miss = (o: PluginOutput, fullOut: string, cutOut: string): LookAheadMismatch => ({
    cut: at,
    hook: o.hook,
    symbol: o.symbol,
    time: o.time,
    full: fullOut,
    cutData: cutOut,
  })
  for (const o of full) {
    if (o.time >= at) continue
    const f = found(o.plugin)
    f.compared++
    const other = byKey.get(o.key)
    byKey.delete(o.key)
    if (other === undefined) f.mismatches.push(miss(o, o.output, 'missing'))
    else if (other.output !== o.output) f.mismatches.push(miss(o, o.output, other.output))
  }
  for (const o of byKey.values()) found(o.plugin).mismatches.push(miss(o, 'missing', o.output))
  return result
}

async function warmupRows(
  options: BiasCheckOptions,
  full: readonly PluginOutput[],
  times: readonly number[],
): Promise<BiasReport['recursion']> {
  const warmups = options.warmups ?? [25, 50, 100, 200, 400]
  const span = options.span ?? 500
  const atIndex = Math.min(Math.max(...warmups, 0), Math.max(0, times.length - span))
  const at = times[atIndex] ?? 0
  const end = times[Math.min(times.length - 1, atIndex + span)]
  const inRange = (o: PluginOutput): boolean =>
    o.kind === 'agent' && o.time >= at && (end === undefined || o.time < end)
  const reference = new Map(full.filter(inRange).map((o) => [o.key, o]))
  const rows: WarmupRow[] = []
  for (const warmup of warmups.filter((w) => w <= atIndex)) {
    const from = times[atIndex - warmup]!
    const outputs = (
      await record(options, { from, ...(end === undefined ? {} : { to: end }) }, `warm-up ${warmup} bars`)
    ).filter(inRange)
    const byPlugin = new Map<string, WarmupRow>()
    for (const o of outputs) {
      const ref = reference.get(o.key)
      const row = byPlugin.get(o.plugin) ?? {
        plugin: o.plugin,
        warmup,
        compared: 0,
        mismatches: 0,
        maxConfidenceDiff: 0,
      }
      const diff = Math.abs((o.confidence ?? 0) - (ref?.confidence ?? 0))
      byPlugin.set(o.plugin, {
        ...row,
        compared: row.compared + 1,
        mismatches: row.mismatches + (ref?.output === o.output ? 0 : 1),
        maxConfidenceDiff: Math.max(row.maxConfidenceDiff, Number.isFinite(diff) ? diff : Infinity),
      })
    }
    rows.push(...byPlugin.values())
  }
  return { at, bars: end === undefined ? 0 : times.indexOf(end) - atIndex, rows }
}
