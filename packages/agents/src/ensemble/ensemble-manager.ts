import { definePlugin } from '@quantum/core'
import type { Decision, EngineEvent, MarketBar, PluginContext, Signal, SignalAction } from '@quantum/core'
import type { Subscription } from 'rxjs'
import { z } from 'zod'
import { isMuteList, type MuteList } from '../supervisor/supervisor-handle.js'

/** The seed's ensemble weights (XGBoost 25 %, LightGBM 25 %, N-HiTS 30 %, PatchTST 20 %). */
export const SEED_ENSEMBLE_WEIGHTS: Readonly<Record<string, number>> = Object.freeze({
  'agents:xgboost': 0.25,
  'agents:lightgbm': 0.25,
  'agents:nhits': 0.3,
  'agents:patchtst': 0.2,
})

/** How many of the voting agents back the winning action. */
export type ConsensusTier = 'unanimous' | 'strong' | 'split' | 'weak'

const consensusSchema = z.strictObject({
  /** Every voting agent agrees. @default 1.2 */
  unanimous: z.number().positive().max(10).default(1.2),
  /** At least 75 % of the voting agents agree. @default 1.1 */
  strong: z.number().positive().max(10).default(1.1),
  /** At least 50 % agree. @default 1.0 */
  split: z.number().positive().max(10).default(1),
  /** Fewer than 50 % agree (a heavy agent outweighs several light ones). @default 0.6 */
  weak: z.number().positive().max(10).default(0.6),
})

const options = z.strictObject({
  /** Weight of each expected agent by name; a weight of 0 disables an agent. @default SEED_ENSEMBLE_WEIGHTS */
  weights: z
    .record(z.string().min(1), z.number().finite().min(0))
    .default({ ...SEED_ENSEMBLE_WEIGHTS })
    .refine((w) => Object.values(w).some((v) => v > 0), { message: 'at least one weight must be positive' }),
  /** Minimum ensemble confidence for a BUY/SELL to be acted on; below it the decision is HOLD. @default 0.6 */
  threshold: z.number().min(0).max(1).default(0.6),
  /** Consensus multipliers applied to the agreeing agents' mean confidence (the seed's factors). @default { unanimous: 1.2, strong: 1.1, split: 1.0, weak: 0.6 } */
  consensus: consensusSchema.default({ unanimous: 1.2, strong: 1.1, split: 1, weak: 0.6 }),
  /** Cap of the ensemble confidence (the seed's 95 %). @default 0.95 */
  maxConfidence: z.number().min(0).max(1).default(0.95),
  /** Quorum: minimum number of weighted agents present. @default 2 */
  minAgents: z.number().int().min(1).default(2),
  /** Quorum: minimum share of the total weight present. @default 0.5 */
  minWeightShare: z.number().min(0).max(1).default(0.5),
  /** Mute list of a Model Supervisor; muted agents are dropped with reason `muted by supervisor`. @default undefined */
  supervisor: z.custom<MuteList>(isMuteList, { message: 'expected a supervisor handle with isMuted()' }).optional(),
})

/** Options of {@link ensembleManager} (input form). */
export type EnsembleManagerOptions = z.input<typeof options>
type Opts = z.output<typeof options>

interface Ballot {
  readonly votes: Signal[]
  readonly dropped: { agent: string; reason: string }[]
}

/**
 * The seed's Ensemble Manager: a weighted vote of the model agents with a consensus-scaled confidence.
 *
 * Rule, applied to the agents present on the bar (missing, invalid or muted agents are dropped and the
 * others' weights renormalised to sum to 1):
 * 1. **Action** = the action with the largest weight sum (a tie gives HOLD).
 * 2. **Base confidence** = the weighted mean of the confidences of the agents that voted that action.
 * 3. **Consensus** = share of the present agents that voted it: all -> `unanimous` (x1.2), >= 75 % ->
 *    `strong` (x1.1), >= 50 % -> `split` (x1.0), else `weak` (x0.6); confidence = min(0.95, base x factor).
 * 4. A BUY/SELL whose confidence is below `threshold` (60 %) becomes a HOLD decision (still emitted).
 *
 * The factors and the 95 % cap are those of the seed's own ensemble manager, whose log line the seed's
 * tree print-out is (it printed confidences rounded to 2 decimals). On the seed's example (XGB
 * SELL/0.44, LGBM HOLD/0.50, N-HiTS SELL/0.63, PatchTST SELL/0.63: 3 of 4 agree, base 0.5667) the rule
 * gives SELL 62.33 % with the printed values taken as exact, and SELL 62.55 % with unrounded values
 * inside the printed ones (e.g. N-HiTS = PatchTST = 0.63295).
 *
 * Quorum: at least `minAgents` (2) weighted agents and `minWeightShare` (50 %) of the weight must be
 * present, otherwise the decision is HOLD with confidence 0. An agent muted by AI-HFOS (an enforced
 * `mute-agent` directive: `hfos`'s `arbitration` event with outcome `muted`, until `unmuted`) is dropped
 * with the directive's source and reason. Every decision carries `votes` (in weight
 * order) and `dropped` (agent, reason); print it with {@link formatEnsembleTree}.
 * @example ensembleManager({ threshold: 0.6, supervisor: handle })
 */
export const ensembleManager = definePlugin({
  name: 'agents:ensemble-manager',
  kind: 'decision',
  options,
  create: (opts) => {
    const failures = new Map<string, { time: number; message: string }>()
    /** Agents muted by AI-HFOS (an enforced `mute-agent` directive), with why. */
    const mutes = new Map<string, string>()
    let subscription: Subscription | undefined
    const onEvent = (event: EngineEvent, now: number): void => {
      if (event.type === 'plugin-error' && event.plugin in opts.weights)
        failures.set(event.plugin, { time: now, message: event.error.message })
      else if (event.type === 'arbitration' && event.mode === 'enforce' && event.winner.kind === 'mute-agent') {
        const agent = event.winner.agent
        if (agent === undefined) return
        if (event.outcome === 'muted')
          mutes.set(agent, `muted by AI-HFOS (${event.winner.source}: ${event.winner.reason})`)
        else if (event.outcome === 'unmuted') mutes.delete(agent)
      }
    }
    return {
      setup: (ctx: PluginContext) => {
        subscription = ctx.bus.events$.subscribe((event) => onEvent(event, ctx.clock.now()))
      },
      dispose: () => subscription?.unsubscribe(),
      decide: (signals: readonly Signal[], bar: MarketBar, ctx: PluginContext): Decision => {
        const now = ctx.clock.now()
        const ballot = collect(opts, signals, { symbol: bar.symbol, mutes })
        for (const [agent, weight] of Object.entries(opts.weights)) {
          if (weight <= 0 || ballot.votes.some((s) => s.agent === agent)) continue
          if (ballot.dropped.some((d) => d.agent === agent)) continue
          const failure = failures.get(agent)
          const reason =
            failure !== undefined && failure.time === now
              ? `failed: ${failure.message}`
              : 'no signal this bar (late or failed)'
          ballot.dropped.push({ agent, reason })
        }
        return vote(opts, ballot, { symbol: bar.symbol, time: signals[0]?.time ?? bar.openTime, price: bar.close })
      },
    }
  },
})

/** Sorts the bar's signals into votes and dropped agents (invalid, muted, unweighted, duplicate). */
function collect(
  opts: Opts,
  signals: readonly Signal[],
  at: { symbol: string; mutes: ReadonlyMap<string, string> },
): Ballot {
  const { symbol, mutes } = at
  const votes: Signal[] = []
  const dropped: { agent: string; reason: string }[] = []
  for (const s of signals) {
    const weight = opts.weights[s.agent]
    if (weight === undefined || weight <= 0) dropped.push({ agent: s.agent, reason: 'not in the ensemble weights' })
    else if (!(s.confidence >= 0 && s.confidence <= 1) || s.symbol !== symbol)
      dropped.push({ agent: s.agent, reason: `invalid output (confidence ${s.confidence}, symbol ${s.symbol})` })
    else if (opts.supervisor?.isMuted(s.agent) === true) dropped.push({ agent: s.agent, reason: 'muted by supervisor' })
    else if (mutes.has(s.agent)) dropped.push({ agent: s.agent, reason: mutes.get(s.agent)! })
    else if (votes.some((v) => v.agent === s.agent))
      dropped.push({ agent: s.agent, reason: 'duplicate signal (first kept)' })
    else votes.push(s)
  }
  const order = Object.keys(opts.weights)
  votes.sort((a, b) => order.indexOf(a.agent) - order.indexOf(b.agent))
  return { votes, dropped }
}

/** Applies the weighted-vote rule to a ballot. */
function vote(opts: Opts, ballot: Ballot, at: { symbol: string; time: number; price: number }): Decision {
  const base = { ...at, votes: ballot.votes, ...(ballot.dropped.length > 0 ? { dropped: ballot.dropped } : {}) }
  const total = Object.values(opts.weights).reduce((a, w) => a + w, 0)
  const present = ballot.votes.reduce((a, s) => a + (opts.weights[s.agent] ?? 0), 0)
  if (ballot.votes.length < opts.minAgents || present / total < opts.minWeightShare - 1e-12)
    return { ...base, action: 'HOLD', confidence: 0 }
  const score: Record<SignalAction, number> = { BUY: 0, SELL: 0, HOLD: 0 }
  for (const s of ballot.votes) score[s.action] += (opts.weights[s.agent] ?? 0) / present
  const winner = winningAction(score)
  const agreeing = ballot.votes.filter((s) => s.action === winner)
  if (agreeing.length === 0) return { ...base, action: 'HOLD', confidence: 0 }
  const weightOf = (s: Signal): number => opts.weights[s.agent] ?? 0
  const mean =
    agreeing.reduce((a, s) => a + weightOf(s) * s.confidence, 0) / agreeing.reduce((a, s) => a + weightOf(s), 0)
  const tier = consensusTier(agreeing.length, ballot.votes.length)
  const confidence = Math.min(opts.maxConfidence, mean * opts.consensus[tier])
  const action = winner !== 'HOLD' && confidence >= opts.threshold ? winner : 'HOLD'
  return { ...base, action, confidence }
}

function winningAction(score: Record<SignalAction, number>): SignalAction {
  const eps = 1e-12
  if (score.BUY > score.SELL + eps && score.BUY > score.HOLD + eps) return 'BUY'
  if (score.SELL > score.BUY + eps && score.SELL > score.HOLD + eps) return 'SELL'
  return 'HOLD'
}

/**
 * The consensus tier of `agreeing` agents out of `voting` (the seed's tiers: all, >= 75 %, >= 50 %, less).
 * @example consensusTier(3, 4) // 'strong'
 */
export function consensusTier(agreeing: number, voting: number): ConsensusTier {
  if (agreeing >= voting) return 'unanimous'
  if (agreeing >= voting * 0.75) return 'strong'
  if (agreeing >= voting * 0.5) return 'split'
  return 'weak'
}
