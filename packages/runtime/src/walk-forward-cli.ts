/**
 * `quantum-run walk-forward <config.ts>`: optimises the config's `optimize` space in each in-sample window,
 * runs the best point on the next out-of-sample window, stitches the out-of-sample equity and reports the
 * in-sample vs out-of-sample degradation, the deflated Sharpe ratio and the probability of overfitting.
 * @packageDocumentation
 */
import { join } from 'node:path'
import {
  ConfigError,
  deflatedSharpe,
  loadMarketData,
  moments,
  probabilisticSharpe,
  probabilityOfOverfitting,
  runStudy,
  stitchEquity,
  walkForwardWindows,
} from '@quantum/core'
import type {
  Params,
  SearchMethod,
  SearchSpec,
  StudyTrialsPort,
  ValidationIssue,
  WalkForwardWindow,
} from '@quantum/core'
import { writeFileAtomic } from './atomic.js'
import { parseSubcommandArgs, type SubcommandIo } from './compare-runs.js'
import {
  flagReader,
  openResearch,
  openResearchState,
  openTrialPool,
  readResearchArgs,
  RESEARCH_FLAGS,
  RESEARCH_FLAGS_USAGE,
  samplerFor,
} from './research-cli.js'
import { toJson } from './serialize.js'
import type { DailyEquity, TrialPool } from './trial-pool.js'
import { fileTrialStore } from './trial-store.js'

/** The `quantum-run walk-forward --help` text. */
export const WALK_FORWARD_USAGE = `Usage: quantum-run walk-forward <config.ts> [options]

For each of --windows steps: optimises the config's optimize space on the in-sample range, then runs
the best point on the next out-of-sample range (after a purge gap). Writes <dir>/walk-forward.json and
each window's trials to <dir>/window-<k>/trials.jsonl.

Options:
  --windows <n>      out-of-sample windows (default 6)
  --is-ratio <x>     in-sample length / out-of-sample length (default 3)
  --anchored         in-sample ranges all start at the first bar (default: rolling)
  --purge-hours <h>  gap between in-sample end and out-of-sample start (default 24)
  --trials <n>       trials per window (default: the config's, else 100)
  --method <m>       random | grid | tpe (default: the config's, else tpe)
  --seed <n>         sampler seed of window 0 (window k uses seed + k)
  --out <dir>        output folder (default: <output.dir>/<name>-walk-forward-<YYYYMMDD-HHmmss>)
${RESEARCH_FLAGS_USAGE}
  The state store keeps window k's trials as study <study id>/window-<k>.`

const FLAGS = {
  ...RESEARCH_FLAGS,
  windows: { type: 'string' },
  'is-ratio': { type: 'string' },
  anchored: { type: 'boolean' },
  'purge-hours': { type: 'string' },
} as const

/** One window's result. */
export interface WindowReport {
  readonly window: WalkForwardWindow
  readonly trials: number
  readonly ok: number
  /** The best in-sample point, or null when no trial was ok (the window is not traded). */
  readonly best: Params | null
  readonly inSampleValue: number
  readonly outOfSampleValue: number
  readonly outOfSampleStatus: string
  /** CSCV over the window's trials' daily returns; null with too few days or trials. */
  readonly pbo: number | null
  /** Deflated Sharpe probability of the in-sample best against the window's trials. */
  readonly deflatedSharpe: number
  /** Variance of the trials' daily Sharpe ratios. */
  readonly trialSharpeVariance: number
}

function dailyReturns(d: DailyEquity): number[] {
  const out: number[] = []
  let prev = d.start
  for (const e of d.equity) {
    out.push(prev === 0 ? 0 : e / prev - 1)
    prev = e
  }
  return out
}

function dailySharpe(r: readonly number[]): number {
  const m = moments(r)
  return m.sd > 0 ? m.mean / m.sd : 0
}

function variance(v: readonly number[]): number {
  if (v.length < 2) return 0
  const mean = v.reduce((a, b) => a + b, 0) / v.length
  return v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)
}

/** What every window of one walk-forward shares. */
interface WindowContext {
  readonly pool: TrialPool
  readonly search: SearchSpec
  readonly method: SearchMethod
  readonly seed: number
  readonly trials: number
  readonly dir: string
  /** The state store's study trials (window k is study `<studyId>/window-<k>`); undefined with --no-state. */
  readonly studies: StudyTrialsPort | undefined
  readonly studyId: string
}

async function runWindow(
  ctx: WindowContext,
  window: WalkForwardWindow,
): Promise<{ report: WindowReport; oos: DailyEquity | undefined }> {
  const daily = new Map<number, DailyEquity>()
  const store = await fileTrialStore(
    join(ctx.dir, `window-${window.index}`),
    'window.json',
    ctx.studies === undefined ? undefined : { studies: ctx.studies, studyId: `${ctx.studyId}/window-${window.index}` },
  )
  const study = await runStudy({
    sampler: samplerFor(ctx.search, ctx.method, ctx.seed + window.index),
    trials: ctx.trials,
    concurrency: ctx.pool.capacity,
    evaluate: async (params, index) => {
      const r = await ctx.pool.evaluateDaily(params, window.inSample)
      if (r.daily !== undefined && r.outcome.status === 'ok') daily.set(index, r.daily)
      return r.outcome
    },
    onTrial: (t) => void store.append(t).catch(() => undefined),
  })
  const columns = [...daily.values()].map(dailyReturns)
  const days = columns[0]?.length ?? 0
  const sharpes = columns.map(dailySharpe)
  const trialSharpeVariance = variance(sharpes)
  const best = study.best
  let pbo: number | null = null
  if (columns.length >= 2 && days >= 16 && columns.every((c) => c.length === days)) {
    const matrix = Array.from({ length: days }, (_, i) => columns.map((c) => c[i] as number))
    pbo = probabilityOfOverfitting(matrix, { blocks: days >= 64 ? 8 : 4 }).pbo
  }
  let oos: DailyEquity | undefined
  let outOfSampleValue = NaN
  let outOfSampleStatus = 'not run: no ok trial in sample'
  let dsr = NaN
  if (best !== undefined && best.outcome.status === 'ok') {
    const bestDaily = daily.get(best.index)
    if (bestDaily !== undefined) {
      const r = dailyReturns(bestDaily)
      const m = moments(r)
      dsr = deflatedSharpe({
        sharpe: dailySharpe(r),
        observations: r.length,
        skewness: Number.isFinite(m.skewness) ? m.skewness : 0,
        kurtosis: Number.isFinite(m.kurtosis) ? m.kurtosis : 3,
        trials: Math.max(1, columns.length),
        trialVariance: trialSharpeVariance,
      }).probability
    }
    const run = await ctx.pool.evaluateDaily(best.params, window.outOfSample)
    oos = run.daily
    outOfSampleStatus = run.outcome.status
    outOfSampleValue = run.outcome.status === 'ok' || run.outcome.status === 'infeasible' ? run.outcome.value : NaN
  }
  const report: WindowReport = {
    window,
    trials: study.trials.length,
    ok: study.counts.ok,
    best: best?.params ?? null,
    inSampleValue: best?.outcome.status === 'ok' ? best.outcome.value : NaN,
    outOfSampleValue,
    outOfSampleStatus,
    pbo,
    deflatedSharpe: dsr,
    trialSharpeVariance,
  }
  await store.finish({ ...report, counts: study.counts })
  return { report, oos }
}

function parse(argv: readonly string[]) {
  const parsed = parseSubcommandArgs(argv, FLAGS)
  if (parsed.values.help === true) return undefined
  const issues: ValidationIssue[] = []
  const common = readResearchArgs(parsed, issues)
  const f = flagReader(parsed.values, issues)
  const ratio = f.text('is-ratio') === undefined ? 3 : Number(f.text('is-ratio'))
  if (!(ratio > 0)) issues.push({ path: '--is-ratio', message: 'expected a number > 0' })
  const purgeHours = f.text('purge-hours') === undefined ? 24 : Number(f.text('purge-hours'))
  if (!(purgeHours >= 0)) issues.push({ path: '--purge-hours', message: 'expected hours >= 0' })
  const windows = f.int('windows') ?? 6
  if (issues.length > 0) throw new ConfigError('Invalid command line (see quantum-run walk-forward --help)', issues)
  return { ...common, windows, ratio, purgeMs: purgeHours * 3_600_000, anchored: parsed.values.anchored === true }
}

/** The walk-forward windows over the config's candles. @throws {ConfigError} with fewer than two bars. */
async function windowsOf(
  setup: Awaited<ReturnType<typeof openResearch>>,
  args: NonNullable<ReturnType<typeof parse>>,
): Promise<WalkForwardWindow[]> {
  const market = await loadMarketData(setup.loaded.config.data, { baseDir: setup.loaded.baseDir })
  const first = market.series[0]
  if (first === undefined || first.openTime.length < 2) throw new ConfigError('No candles to walk forward over')
  const step = (first.openTime[1] as number) - (first.openTime[0] as number)
  return walkForwardWindows({
    from: Math.min(...market.series.map((s) => s.openTime[0] as number)),
    to: Math.max(...market.series.map((s) => s.openTime[s.openTime.length - 1] as number)) + step,
    windows: args.windows,
    inSampleRatio: args.ratio,
    anchored: args.anchored,
    purgeMs: args.purgeMs,
  })
}

/** `quantum-run walk-forward`; resolves with the exit code (1 when no window could be traded). */
export async function runWalkForward(argv: readonly string[], io: SubcommandIo): Promise<number> {
  const args = parse(argv)
  if (args === undefined) {
    io.stdout.write(`${WALK_FORWARD_USAGE}\n`)
    return 0
  }
  const setup = await openResearch(args, io, 'walk-forward')
  const windows = await windowsOf(setup, args)
  const state = await openResearchState(args, setup.loaded.config, io.cwd)
  const reports: WindowReport[] = []
  const segments: DailyEquity[] = []
  let doc: Record<string, unknown>
  try {
    const pool = await openTrialPool(args, setup, { cwd: io.cwd })
    const started = performance.now()
    const ctx: WindowContext = { ...setup, pool, studies: state?.studies }
    try {
      for (const w of windows) {
        const { report, oos } = await runWindow(ctx, w)
        reports.push(report)
        if (oos !== undefined) segments.push(oos)
      }
    } finally {
      await pool.close()
    }
    doc = summarize(reports, segments, {
      durationMs: performance.now() - started,
      study: setup.studyId,
      method: setup.method,
      trialsPerWindow: setup.trials,
      anchored: args.anchored,
      purgeMs: args.purgeMs,
      start: setup.loaded.config.exchange.balance,
    })
  } finally {
    await state?.close()
  }
  await writeFileAtomic(join(setup.dir, 'walk-forward.json'), `${toJson(doc)}\n`)
  if (args.json) io.stdout.write(`${toJson({ ...doc, dir: setup.dir })}\n`)
  else if (!args.quiet) io.stdout.write(formatWalkForward(reports, doc, setup.dir))
  return segments.length === 0 ? 1 : 0
}

function mean(v: readonly number[]): number {
  const f = v.filter(Number.isFinite)
  return f.length === 0 ? NaN : f.reduce((a, b) => a + b, 0) / f.length
}

/** The walk-forward document: windows, stitched out-of-sample equity and the overfitting figures. */
export function summarize(
  reports: readonly WindowReport[],
  segments: readonly DailyEquity[],
  meta: {
    durationMs: number
    /** The study id (window k's trials are study `<study>/window-<k>` in the state store). */
    study?: string
    method: string
    trialsPerWindow: number
    anchored: boolean
    purgeMs: number
    start: number
  },
): Record<string, unknown> {
  const stitched = stitchEquity(
    segments.map((s) => s.equity),
    segments.map((s) => s.start),
    meta.start,
  )
  const returns = dailyReturns({ start: meta.start, time: [], equity: stitched })
  const m = returns.length > 1 ? moments(returns) : undefined
  const sr = m === undefined || m.sd === 0 ? NaN : m.mean / m.sd
  const isMean = mean(reports.map((r) => r.inSampleValue))
  const oosMean = mean(reports.map((r) => r.outOfSampleValue))
  const sample = { sharpe: sr, observations: returns.length, skewness: m?.skewness ?? 0, kurtosis: m?.kurtosis ?? 3 }
  return {
    ...meta,
    windows: reports,
    inSampleMean: isMean,
    outOfSampleMean: oosMean,
    /** OOS mean / IS mean of the objective (walk-forward efficiency); 1 = no degradation. */
    efficiency: oosMean / isMean,
    outOfSample: {
      days: returns.length,
      totalReturn: stitched.length === 0 ? NaN : (stitched[stitched.length - 1] as number) / meta.start - 1,
      sharpeAnnualized: sr * Math.sqrt(365),
      probabilisticSharpe: Number.isFinite(sr) ? probabilisticSharpe(sample, 0) : NaN,
      deflatedSharpe: Number.isFinite(sr)
        ? deflatedSharpe({
            ...sample,
            trials: meta.trialsPerWindow,
            trialVariance: mean(reports.map((r) => r.trialSharpeVariance)) || 0,
          }).probability
        : NaN,
      equity: stitched,
    },
    pboMean: mean(reports.map((r) => r.pbo ?? NaN)),
  }
}

function fmt(v: unknown, digits = 3): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '-'
}

function formatWalkForward(reports: readonly WindowReport[], doc: Record<string, unknown>, dir: string): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
  const lines = reports.map(
    (r) =>
      `  #${r.window.index}  IS ${day(r.window.inSample.from)}..${day(r.window.inSample.to)}  OOS ${day(r.window.outOfSample.from)}..${day(r.window.outOfSample.to)}` +
      `  IS ${fmt(r.inSampleValue)}  OOS ${fmt(r.outOfSampleValue)}  PBO ${fmt(r.pbo, 2)}  DSR ${fmt(r.deflatedSharpe, 2)}  ${r.ok}/${r.trials} ok`,
  )
  const o = doc.outOfSample as Record<string, unknown>
  lines.push(
    `IS mean ${fmt(doc.inSampleMean)}  OOS mean ${fmt(doc.outOfSampleMean)}  efficiency ${fmt(doc.efficiency, 2)}  mean PBO ${fmt(doc.pboMean, 2)}`,
    `Stitched OOS: ${fmt(o.days, 0)} days, return ${fmt((o.totalReturn as number) * 100, 2)}%, Sharpe ${fmt(o.sharpeAnnualized, 2)}, ` +
      `PSR ${fmt(o.probabilisticSharpe, 2)}, DSR ${fmt(o.deflatedSharpe, 2)}  (${fmt((doc.durationMs as number) / 1000, 1)} s)`,
    `Folder: ${dir}`,
    ...(typeof doc.study === 'string' ? [`Study id: ${doc.study} (window k: ${doc.study}/window-<k>)`] : []),
  )
  return `${lines.join('\n')}\n`
}
