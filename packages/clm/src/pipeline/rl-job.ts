/**
 * RL sizing in the loop: the RL sizer's Q-table retrained as a CLM family (`rlV2` every 24 h, `rlV3`
 * every 4 h by default) from the stored trade history, then evaluated out of time, gated, and registered
 * like a model (TRAINING -> CANDIDATE automatically when the gates pass -> PRODUCTION by hand, rollback).
 *
 * Learning is offline over the closed trades, oldest first. A trade's PnL scales with its notional (fees
 * too; leverage changes the margin, not the PnL), so each trade gives the reward of every notional of the
 * grid: `netPnl x notional_a / notional_taken`. Every action of the trade's state is updated with its
 * reward (`Q += alpha (r + gamma max Q(s') - Q)`, s' = the state of the next trade), so the table learns
 * which size pays in which state rather than only the size that was taken. Leverage levels of one
 * notional get the same value; the sizer's tie rule (the action nearest the middle one) picks among them.
 *
 * Evaluation: the most recent `testDays` of trades (by exit time) are held out. On them the greedy policy
 * of the candidate, the production table (when there is one) and the fixed middle action (the sizer with
 * `autonomous: false`) are replayed with the same scaling. Gates: at least `minTrades` held-out trades,
 * max drawdown of the candidate's equity within `maxDrawdownPct`, and the candidate's PnL above the fixed
 * middle action's and above the production table's.
 * @packageDocumentation
 */
import {
  QLearner,
  QTableFileSchema,
  actionGrid,
  type ActionGridSpec,
  type QTableFile,
  type SizingAction,
} from '@quantum/agents'
import { sfc32, type IntentRecord, type StoredTrade } from '@quantum/core'
import { z } from 'zod'
import type { ModelLifecycle } from '../registry/lifecycle.js'
import type { JobEvent, JobReport, JobStep } from './orchestrator.js'
import type { TrainingJob } from './queue.js'

/** One closed trade of the sizer, as the RL job learns from it. */
export interface RlTradeSample {
  readonly symbol: string
  /** Entry and exit time, epoch ms. */
  readonly entryTime: number
  readonly exitTime: number
  /** The sizer's state key at entry (`regime|performance|confidence`). */
  readonly state: string
  /** Entry notional taken, USDT (> 0). */
  readonly notional: number
  /** Net PnL of the trade (after fees and funding), USDT. */
  readonly netPnl: number
}

/** The RL sizer's learning and grid settings (the `rlPositionSizing` options of the same names). */
export interface RlSizerSettings extends ActionGridSpec {
  readonly alpha: number
  readonly gamma: number
}

/** The sizer's defaults: alpha 0.2, gamma 0.95, $10-$8000 in 5 levels, 15x-25x in 3. */
export const DEFAULT_RL_SIZER: RlSizerSettings = Object.freeze({
  alpha: 0.2,
  gamma: 0.95,
  minNotional: 10,
  maxNotional: 8000,
  notionalSteps: 5,
  minLeverage: 15,
  maxLeverage: 25,
  leverageSteps: 3,
})

/** Gates of an RL sizing candidate. */
export interface RlGates {
  /** Fewest held-out trades. @default 50 (the seed's trade gate) */
  readonly minTrades: number
  /** Largest drawdown of the candidate's held-out equity, percent of `equity`. @default 15 */
  readonly maxDrawdownPct: number
}

/** The RL gates' defaults. */
export const DEFAULT_RL_GATES: RlGates = Object.freeze({ minTrades: 50, maxDrawdownPct: 15 })

/** How an RL sizer family is retrained. */
export interface RlFamilyPlan {
  /** Marks the plan as the RL sizer's. */
  readonly kind: 'rl-sizer'
  /** The stored trade history (e.g. {@link rlSamplesFromStore}). */
  readonly trades: () => Promise<readonly RlTradeSample[]>
  /** Names of the sources, for the lineage (e.g. the run ids). */
  readonly sources: readonly string[]
  /** Learning and grid settings; they must match the serving sizer's grid. @default DEFAULT_RL_SIZER */
  readonly sizer?: Partial<RlSizerSettings>
  /** Held-out window, days before the newest exit. @default 90 */
  readonly testDays?: number
  /** Starting equity of the held-out replay (drawdown in percent of it). @default 10000 */
  readonly equity?: number
  /** Gates. @default DEFAULT_RL_GATES */
  readonly gates?: Partial<RlGates>
}

/** Metadata stored beside an RL Q-table in the registry. */
export const RlTableMetadataSchema = z.object({
  format: z.literal('quantum-rl@1'),
  family: z.string().min(1),
  version: z.string().min(1),
  createdAt: z.string().min(1),
  settings: z.object({
    alpha: z.number(),
    gamma: z.number(),
    minNotional: z.number(),
    maxNotional: z.number(),
    notionalSteps: z.number().int(),
    minLeverage: z.number(),
    maxLeverage: z.number(),
    leverageSteps: z.number().int(),
  }),
  training: z.object({ from: z.string(), to: z.string(), trades: z.number().int(), data: z.array(z.string()) }),
})
/** Metadata stored beside an RL Q-table in the registry. */
export type RlTableMetadata = z.infer<typeof RlTableMetadataSchema>

/** Replay of a policy over held-out trades. */
export interface RlReplay {
  readonly trades: number
  readonly pnl: number
  readonly winRate: number
  readonly profitFactor: number
  readonly maxDrawdownPct: number
}

/** The RL evaluation: the candidate, the production table and the fixed middle action on the held-out trades. */
export interface RlEvaluation {
  readonly window: { readonly from: string; readonly to: string; readonly trades: number }
  readonly candidate: RlReplay
  readonly middle: RlReplay
  readonly production?: RlReplay
  readonly decision: { readonly candidate: boolean; readonly reasons: readonly string[] }
}

const DAY = 86_400_000

function learnerFor(settings: RlSizerSettings): QLearner {
  return new QLearner({
    actions: actionGrid(settings),
    alpha: settings.alpha,
    gamma: settings.gamma,
    epsilon: 0,
    random: sfc32(1),
  })
}

/**
 * Learns a Q-table from `samples` (oldest first, see the module docs).
 * @example const table = trainQTable(samples, DEFAULT_RL_SIZER)
 */
export function trainQTable(samples: readonly RlTradeSample[], settings: RlSizerSettings): QTableFile {
  const actions = actionGrid(settings)
  const table = new Map<string, Float64Array>()
  const row = (state: string): Float64Array => {
    let r = table.get(state)
    if (r === undefined) table.set(state, (r = new Float64Array(actions.length)))
    return r
  }
  const sorted = [...samples].sort((a, b) => a.exitTime - b.exitTime)
  sorted.forEach((t, k) => {
    // max Q(s') is taken before the row changes: s' is often s, and every action must see the same target.
    const nextMax = Math.max(...row(sorted[k + 1]?.state ?? t.state))
    const q = row(t.state)
    actions.forEach((a, i) => {
      const reward = (t.netPnl * a.notional) / t.notional
      q[i] = q[i]! + settings.alpha * (reward + settings.gamma * nextMax - q[i]!)
    })
  })
  const states: Record<string, number[]> = {}
  for (const [key, r] of table) states[key] = Array.from(r)
  return { version: 1, actions: actions.map((a) => ({ ...a })), states, updates: sorted.length * actions.length }
}

/** The action a table's greedy policy takes in `state` (the sizer's own tie rule). */
function policyOf(table: QTableFile | 'middle', settings: RlSizerSettings): (state: string) => SizingAction {
  const learner = learnerFor(settings)
  if (table === 'middle') return () => learner.actions[learner.middle]!
  learner.load(table, 'rl policy')
  return (state) => learner.actions[learner.best(state)]!
}

/**
 * Replays `policy` over `samples`: each trade's PnL scaled to the notional the policy picks.
 * @example const r = replayPolicy(samples, 'middle', { settings: DEFAULT_RL_SIZER, equity: 10_000 })
 */
export function replayPolicy(
  samples: readonly RlTradeSample[],
  table: QTableFile | 'middle',
  o: { readonly settings: RlSizerSettings; readonly equity: number },
): RlReplay {
  const { settings, equity } = o
  const pick = policyOf(table, settings)
  let pnl = 0
  let peak = equity
  let maxDd = 0
  let wins = 0
  let gain = 0
  let loss = 0
  for (const t of samples) {
    const p = (t.netPnl * pick(t.state).notional) / t.notional
    pnl += p
    if (p > 0) {
      wins++
      gain += p
    } else loss -= p
    peak = Math.max(peak, equity + pnl)
    maxDd = Math.max(maxDd, (peak - (equity + pnl)) / peak)
  }
  return {
    trades: samples.length,
    pnl,
    winRate: samples.length === 0 ? 0 : wins / samples.length,
    profitFactor: loss === 0 ? (gain > 0 ? Number.POSITIVE_INFINITY : 0) : gain / loss,
    maxDrawdownPct: maxDd * 100,
  }
}

/**
 * The sizer's trade samples from a run journal: each closed trade joined to the last entry intent of its
 * symbol at or before its entry. The state is the one the sizer wrote in the intent's reason
 * (`entry (rl <state> #<action>)`); for another sizer's entries it is rebuilt from the decision's
 * confidence (buckets at `confidenceEdges`), the performance of the last `performanceWindow` trades and
 * regime `unknown`.
 * @example const samples = await rlSamplesFromStore(store, ['run-1'])
 */
export async function rlSamplesFromStore(
  store: {
    trades(runId: string): Promise<StoredTrade[]>
    intents(runId: string): Promise<IntentRecord[]>
  },
  runIds: readonly string[],
  o: { readonly confidenceEdges?: readonly [number, number]; readonly performanceWindow?: number } = {},
): Promise<RlTradeSample[]> {
  const [low, mid] = o.confidenceEdges ?? [0.65, 0.8]
  const window = o.performanceWindow ?? 10
  const out: RlTradeSample[] = []
  for (const runId of runIds) {
    const trades = await store.trades(runId)
    const entries = (await store.intents(runId)).filter((i) => (i.reason ?? '').startsWith('entry'))
    trades.forEach((t, k) => {
      const intent = entries.filter((i) => i.request.symbol === t.symbol && i.time <= t.entryTime).at(-1)
      const logged = /\(rl ([^ ]+\|[^ ]+\|[^ ]+) #\d+\)/.exec(intent?.reason ?? '')?.[1]
      const recent = trades.slice(Math.max(0, k - window), k).reduce((a, x) => a + x.netPnl, 0)
      const perf = k === 0 || recent === 0 ? 'neutral' : recent > 0 ? 'winning' : 'losing'
      const c = intent?.decision?.confidence ?? mid
      const state = logged ?? `unknown|${perf}|${c < low ? 'low' : c < mid ? 'mid' : 'high'}`
      const notional = Math.abs(t.entryPrice * t.quantity)
      if (notional > 0)
        out.push({ symbol: t.symbol, entryTime: t.entryTime, exitTime: t.exitTime, state, notional, netPnl: t.netPnl })
    })
  }
  return out.sort((a, b) => a.exitTime - b.exitTime)
}

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}

const iso = (t: number): string => new Date(t).toISOString()

/**
 * Runs one RL sizing job (the orchestrator calls it for an {@link RlFamilyPlan}). Never throws for a
 * failed step: the report says which step failed and why.
 */
export async function runRlJob(
  job: TrainingJob,
  plan: RlFamilyPlan,
  o: {
    readonly lifecycle: ModelLifecycle
    readonly emit: (e: JobEvent) => void
    readonly codeVersion?: string | undefined
  },
): Promise<JobReport & { readonly rl?: RlEvaluation }> {
  const settings: RlSizerSettings = { ...DEFAULT_RL_SIZER, ...plan.sizer }
  const gates: RlGates = { ...DEFAULT_RL_GATES, ...plan.gates }
  const equity = plan.equity ?? 10_000
  const timings: Partial<Record<JobStep | 'total', number>> = {}
  const t0 = performance.now()
  let step: JobStep = 'data'
  let id: string | undefined
  const time = async <T>(s: JobStep, fn: () => Promise<T> | T): Promise<T> => {
    step = s
    const t = performance.now()
    const out = await fn()
    timings[s] = performance.now() - t
    return out
  }
  try {
    const { train, test } = await time('data', async () => {
      const all = [...(await plan.trades())].sort((a, b) => a.exitTime - b.exitTime)
      const cut = (all.at(-1)?.exitTime ?? 0) - (plan.testDays ?? 90) * DAY
      // A trade belongs to training only when it closed before the held-out window opens.
      return { train: all.filter((t) => t.exitTime < cut), test: all.filter((t) => t.entryTime >= cut) }
    })
    const table = await time('train', () => trainQTable(train, settings))
    const version = await time('register', () => {
      const metadata: RlTableMetadata = {
        format: 'quantum-rl@1',
        family: job.family,
        version: new Date().toISOString(),
        createdAt: new Date().toISOString(),
        settings: { ...settings },
        training: {
          from: iso(train[0]?.entryTime ?? 0),
          to: iso(train.at(-1)?.exitTime ?? 0),
          trades: train.length,
          data: [...plan.sources],
        },
      }
      return o.lifecycle.register({
        family: job.family,
        model: new TextEncoder().encode(`${JSON.stringify(table)}\n`),
        metadata,
        lineage: {
          dataFrom: metadata.training.from,
          dataTo: metadata.training.to,
          data: [...plan.sources],
          features: ['regime', 'performance', 'confidence'],
          label: 'net PnL of the trade, scaled to each notional of the grid',
          trainer: 'rl-qtable@1',
          params: { ...settings },
          codeVersion: o.codeVersion ?? '@quantum/clm',
        },
      })
    })
    id = version.id
    const rl = await time('evaluate', async () => {
      const prod = await o.lifecycle.production(job.family)
      const prodTable =
        prod === undefined
          ? undefined
          : QTableFileSchema.parse(JSON.parse(new TextDecoder().decode((await o.lifecycle.verifyFiles(prod)).model)))
      return evaluateRl({
        table,
        test,
        settings,
        equity,
        gates,
        ...(prodTable === undefined ? {} : { production: prodTable }),
      })
    })
    const final = await o.lifecycle.recordEvaluation(version.id, {
      candidate: rl.decision.candidate,
      reasons: rl.decision.reasons,
      metrics: {
        trades: rl.candidate.trades,
        pnl: rl.candidate.pnl,
        middlePnl: rl.middle.pnl,
        maxDrawdownPct: rl.candidate.maxDrawdownPct,
        ...(rl.production === undefined ? {} : { productionPnl: rl.production.pnl }),
      },
    })
    timings.total = performance.now() - t0
    o.emit({ type: 'job-done', family: job.family, id: final.id, stage: final.stage })
    return { family: job.family, id: final.id, stage: final.stage, timings, rl }
  } catch (error) {
    const failure = { step, error: message(error) }
    o.emit({ type: 'job-failed', family: job.family, ...failure })
    if (id !== undefined) await o.lifecycle.fail(id, `${step}: ${failure.error}`).catch(() => undefined)
    timings.total = performance.now() - t0
    return { family: job.family, ...(id === undefined ? {} : { id, stage: 'FAILED' }), timings, failure }
  }
}

/**
 * Evaluates a trained table on the held-out trades against the fixed middle action and production.
 * @example const e = evaluateRl({ table, test, settings: DEFAULT_RL_SIZER, equity: 10_000, gates: DEFAULT_RL_GATES })
 */
export function evaluateRl(input: {
  readonly table: QTableFile
  readonly test: readonly RlTradeSample[]
  readonly settings: RlSizerSettings
  readonly equity: number
  readonly gates: RlGates
  readonly production?: QTableFile
}): RlEvaluation {
  const { test, settings, equity, gates } = input
  const candidate = replayPolicy(test, input.table, { settings, equity })
  const middle = replayPolicy(test, 'middle', { settings, equity })
  const production =
    input.production === undefined ? undefined : replayPolicy(test, input.production, { settings, equity })
  const reasons: string[] = []
  if (candidate.trades < gates.minTrades) reasons.push(`trades: ${candidate.trades} < ${gates.minTrades}`)
  if (candidate.maxDrawdownPct > gates.maxDrawdownPct)
    reasons.push(`max-drawdown: ${candidate.maxDrawdownPct.toFixed(2)}% > ${gates.maxDrawdownPct}%`)
  if (!(candidate.pnl > middle.pnl))
    reasons.push(`beats-fixed-size: pnl ${candidate.pnl.toFixed(2)} <= ${middle.pnl.toFixed(2)} of the middle action`)
  if (production !== undefined && !(candidate.pnl > production.pnl))
    reasons.push(`beats-production: pnl ${candidate.pnl.toFixed(2)} <= ${production.pnl.toFixed(2)}`)
  return {
    window: {
      from: iso(test[0]?.entryTime ?? 0),
      to: iso(test.at(-1)?.exitTime ?? 0),
      trades: test.length,
    },
    candidate,
    middle,
    ...(production === undefined ? {} : { production }),
    decision: { candidate: reasons.length === 0, reasons },
  }
}
