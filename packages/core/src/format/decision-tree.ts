/**
 * The text form of a decision and its votes (the seed's ensemble tree), used by the run report and the
 * ensemble's logs. In core so that printing a decision needs no agent package.
 * @packageDocumentation
 */
import type { Decision, Signal } from '../schemas.js'

/** Short labels of the seed's four model agents, as the seed's tree prints them. */
export const SEED_AGENT_LABELS: Readonly<Record<string, string>> = Object.freeze({
  'agents:xgboost': 'XGB',
  'agents:lightgbm': 'LGBM',
  'agents:nhits': 'NH',
  'agents:patchtst': 'PT',
})

/** Options of {@link formatEnsembleTree}. */
export interface FormatEnsembleTreeOptions {
  /** Short label per agent name; other agents print their name without the package prefix, upper-cased. @default SEED_AGENT_LABELS */
  readonly labels?: Readonly<Record<string, string>>
  /** Print dropped agents as extra branches. @default true */
  readonly showDropped?: boolean
}

/**
 * Prints a decision as the seed's ensemble tree: a header `ENSEMBLE <symbol>: <action> <pct>%` (two
 * decimals; `DECISION` instead of `ENSEMBLE` when a single agent voted and none was dropped), then one branch per vote `├─ XGB:  SELL/0.44  (44% confidence)` (HOLD votes print
 * `(neutral)`), then one per dropped agent `├─ LGBM: dropped (<reason>)`; the last branch uses `└─`.
 * @example
 * formatEnsembleTree(decision)
 * // ENSEMBLE BNBUSDT: SELL 62.55%
 * // ├─ XGB:  SELL/0.44  (44% confidence)
 * // ├─ LGBM: HOLD/0.50  (neutral)
 * // ├─ NH:   SELL/0.63  (63% confidence)
 * // └─ PT:   SELL/0.63  (63% confidence)
 */
export function formatEnsembleTree(decision: Decision, options: FormatEnsembleTreeOptions = {}): string {
  const labels = options.labels ?? SEED_AGENT_LABELS
  const labelOf = (agent: string): string => labels[agent] ?? (agent.split(':').pop() ?? agent).toUpperCase()
  const dropped = options.showDropped === false ? [] : (decision.dropped ?? [])
  const rows: { label: string; text: string }[] = [
    ...decision.votes.map((s) => ({ label: labelOf(s.agent), text: voteText(s) })),
    ...dropped.map((d) => ({ label: labelOf(d.agent), text: `dropped (${d.reason})` })),
  ]
  const width = Math.max(0, ...rows.map((r) => r.label.length)) + 2
  const lines = rows.map((r, i) => `${i === rows.length - 1 ? '└─' : '├─'} ${`${r.label}:`.padEnd(width)}${r.text}`)
  const kind = rows.length > 1 ? 'ENSEMBLE' : 'DECISION'
  const header = `${kind} ${decision.symbol}: ${decision.action} ${(decision.confidence * 100).toFixed(2)}%`
  return [header, ...lines].join('\n')
}

function voteText(s: Signal): string {
  const note = s.action === 'HOLD' ? 'neutral' : `${Math.round(s.confidence * 100)}% confidence`
  return `${s.action}/${s.confidence.toFixed(2)}  (${note})`
}
