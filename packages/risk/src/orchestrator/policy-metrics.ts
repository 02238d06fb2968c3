/**
 * What the Orchestrator Policy's rules read: the metrics (drawdown, daily drawdown, open loss,
 * volatility, regime, time of day, emergency-stop history), their rule schema and the tracker that
 * measures them bar by bar.
 * @packageDocumentation
 */
import { ConfigError, didYouMean } from '@quantum/core'
import type { MarketBar, PluginContext, ValidationIssue } from '@quantum/core'
import { z } from 'zod'
import { DailyEquity, openLossFraction } from '../monitors.js'

/**
 * The metrics a rule may name:
 *
 * | metric          | unit                 | what                                                                          |
 * | --------------- | -------------------- | ----------------------------------------------------------------------------- |
 * | `drawdown`      | fraction             | equity below its running peak                                                 |
 * | `dailyDrawdown` | fraction             | equity below the UTC day's first mark                                         |
 * | `openLoss`      | fraction             | unrealised loss of the open positions over equity                             |
 * | `volatility`    | fraction per bar     | the largest standard deviation of bar returns over `volatilityWindow` bars    |
 * | `barRange`      | fraction             | the largest (high - low) / open of the symbols' latest bars                   |
 * | `regime`        | name                 | a regime some symbol is in (from `regimes`, the classifier's store)           |
 * | `hour`          | 0-23                 | UTC hour of the bar                                                           |
 * | `weekday`       | 0-6                  | UTC day of the week (0 Sunday)                                                |
 * | `essTrips`      | count                | emergency-stop trips within `essWindowMs`                                     |
 */
export const POLICY_METRICS = [
  'drawdown',
  'dailyDrawdown',
  'openLoss',
  'volatility',
  'barRange',
  'regime',
  'hour',
  'weekday',
  'essTrips',
] as const
/** A metric a rule may name. */
export type PolicyMetric = (typeof POLICY_METRICS)[number]

/** One condition of a rule: `metric op value`. `in` takes a list; `regime` takes names, the others numbers. */
export const ConditionSchema = z.strictObject({
  /** One of {@link POLICY_METRICS}; any other name is a `ConfigError` at start. */
  metric: z.string().min(1),
  /** The comparison. @default '>=' */
  op: z.enum(['>', '>=', '<', '<=', '==', '!=', 'in']).default('>='),
  /** The threshold (a number), a regime's name, or a list for `in`. */
  value: z.union([z.number(), z.string(), z.array(z.union([z.number(), z.string()])).min(1)]),
})
/** One condition, resolved. */
export type Condition = z.output<typeof ConditionSchema>

/** Issues of conditions that name unknown metrics or compare a metric with the wrong kind of value. */
export function conditionIssues(conditions: readonly Condition[], path: string): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  conditions.forEach((c, k) => {
    const where = `${path}.${k}`
    if (!(POLICY_METRICS as readonly string[]).includes(c.metric)) {
      issues.push({
        path: `${where}.metric`,
        message: `unknown metric "${c.metric}"${didYouMean(c.metric, POLICY_METRICS)}; known: ${POLICY_METRICS.join(', ')}`,
      })
      return
    }
    const values = Array.isArray(c.value) ? c.value : [c.value]
    const wanted = c.metric === 'regime' ? 'string' : 'number'
    if (values.some((v) => typeof v !== wanted)) {
      issues.push({ path: `${where}.value`, message: `${c.metric} compares with ${wanted} values` })
    }
    if ((c.op === 'in') !== Array.isArray(c.value)) {
      issues.push({ path: `${where}.op`, message: `'in' takes a list, the other operators one value` })
    }
    if (c.metric === 'regime' && !['==', '!=', 'in'].includes(c.op)) {
      issues.push({ path: `${where}.op`, message: `regime takes '==', '!=' or 'in'` })
    }
  })
  return issues
}

/** Throws a {@link ConfigError} listing every bad condition. */
export function assertConditions(conditions: readonly Condition[], path: string): void {
  const issues = conditionIssues(conditions, path)
  if (issues.length > 0)
    throw new ConfigError('Orchestrator Policy rule names an unknown metric or a wrong value', issues)
}

/** The values of every metric at one moment (regimes: every symbol's current one). */
export interface MetricValues {
  readonly numbers: Readonly<Record<Exclude<PolicyMetric, 'regime'>, number>>
  readonly regimes: readonly string[]
}

/** Whether `condition` holds on `values`. */
export function holds(condition: Condition, values: MetricValues): boolean {
  const { metric, op, value } = condition
  if (metric === 'regime') {
    const names = Array.isArray(value) ? value : [value]
    const matched = values.regimes.some((r) => names.includes(r))
    return op === '!=' ? !matched : matched
  }
  const x = values.numbers[metric as Exclude<PolicyMetric, 'regime'>]
  switch (op) {
    case '>':
      return x > (value as number)
    case '>=':
      return x >= (value as number)
    case '<':
      return x < (value as number)
    case '<=':
      return x <= (value as number)
    case '==':
      return x === value
    case '!=':
      return x !== value
    case 'in':
      return (value as readonly (number | string)[]).includes(x)
  }
}

/** `volatility 0.0312 >= 0.02`: a condition with its measured value. */
export function describeCondition(condition: Condition, values: MetricValues): string {
  const measured =
    condition.metric === 'regime'
      ? `[${values.regimes.join(', ')}]`
      : String(round(values.numbers[condition.metric as Exclude<PolicyMetric, 'regime'>]))
  return `${condition.metric} ${measured} ${condition.op} ${JSON.stringify(condition.value)}`
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6

/** The regimes the classifier knows, read structurally (risk does not depend on agents). */
export interface RegimeSource {
  get(symbol: string): string | undefined
}

/** Rolling returns of one symbol (a ring) and its latest bar's range. */
interface SymbolTrack {
  readonly returns: Float64Array
  next: number
  size: number
  lastClose: number
  range: number
}

/**
 * Measures the metrics bar by bar: equity peak and day, open loss, per-symbol return windows and bar
 * ranges, regimes, the bar's UTC hour and weekday, and the emergency stop's trips.
 */
export class MetricTracker {
  private peak = Number.NaN
  private readonly day = new DailyEquity()
  private readonly tracks = new Map<string, SymbolTrack>()
  private readonly trips: number[] = []
  private time = 0

  constructor(private readonly opts: { window: number; essWindowMs: number; regimes?: RegimeSource | undefined }) {}

  /** Records one bar of one symbol and the account's equity at its close. */
  onBar(bar: MarketBar, ctx: PluginContext): void {
    this.time = bar.openTime
    const equity = ctx.account.getEquity()
    if (Number.isFinite(equity)) {
      this.peak = Number.isFinite(this.peak) ? Math.max(this.peak, equity) : equity
      this.day.mark(bar.openTime, equity)
    }
    let t = this.tracks.get(bar.symbol)
    if (t === undefined) {
      t = { returns: new Float64Array(this.opts.window), next: 0, size: 0, lastClose: Number.NaN, range: 0 }
      this.tracks.set(bar.symbol, t)
    }
    if (t.lastClose > 0) {
      t.returns[t.next] = bar.close / t.lastClose - 1
      t.next = (t.next + 1) % t.returns.length
      t.size = Math.min(t.returns.length, t.size + 1)
    }
    t.lastClose = bar.close
    t.range = bar.open > 0 ? (bar.high - bar.low) / bar.open : 0
  }

  /** Records an emergency-stop trip at `time`. */
  essTripped(time: number): void {
    this.trips.push(time)
  }

  /** Every metric now. */
  values(ctx: PluginContext): MetricValues {
    const equity = ctx.account.getEquity()
    const cutoff = this.time - this.opts.essWindowMs
    while (this.trips.length > 0 && this.trips[0]! < cutoff) this.trips.shift()
    let volatility = 0
    let barRange = 0
    const regimes: string[] = []
    for (const [symbol, t] of this.tracks) {
      if (t.size >= 2) volatility = Math.max(volatility, stdev(t.returns, t.size))
      barRange = Math.max(barRange, t.range)
      const regime = this.opts.regimes?.get(symbol)
      if (regime !== undefined && !regimes.includes(regime)) regimes.push(regime)
    }
    const date = new Date(this.time)
    return {
      numbers: {
        drawdown: this.peak > 0 && Number.isFinite(equity) ? Math.max(0, (this.peak - equity) / this.peak) : 0,
        dailyDrawdown: this.day.drawdown(),
        openLoss: openLossFraction(ctx.account),
        volatility,
        barRange,
        hour: date.getUTCHours(),
        weekday: date.getUTCDay(),
        essTrips: this.trips.length,
      },
      regimes,
    }
  }
}

/** Sample standard deviation of the first `n` values of `xs` (a full ring or its filled part). */
function stdev(xs: Float64Array, n: number): number {
  let mean = 0
  for (let k = 0; k < n; k++) mean += xs[k]!
  mean /= n
  let ss = 0
  for (let k = 0; k < n; k++) ss += (xs[k]! - mean) ** 2
  return Math.sqrt(ss / (n - 1))
}

/** The metric values flattened for an event (`regime` joined). */
export function flatten(values: MetricValues): Record<string, number | string> {
  const out: Record<string, number | string> = {}
  for (const [k, v] of Object.entries(values.numbers)) out[k] = round(v)
  out.regime = values.regimes.join(',')
  return out
}
