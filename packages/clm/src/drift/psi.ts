/**
 * Drift against the training reference: the population stability index (PSI) per feature, over
 * deciles of the reference, and of the predicted class distribution; plus a monitor with hysteresis so
 * a finding neither flaps at its threshold nor repeats while it holds.
 * @packageDocumentation
 */

/** Reference of one feature: the upper edges of its deciles and the share of rows in each bin. */
export interface FeatureReference {
  /** Upper edges of the bins except the last (ascending). */
  readonly edges: readonly number[]
  /** Share of reference rows per bin (length = edges + 1). */
  readonly shares: readonly number[]
}

const EPS = 1e-4

function binIndex(edges: readonly number[], x: number): number {
  let lo = 0
  let hi = edges.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (x <= edges[mid]!) hi = mid
    else lo = mid + 1
  }
  return lo
}

/**
 * The reference of `values` (NaN ignored): decile edges and shares.
 * @example const ref = featureReference(train column)
 */
export function featureReference(values: ArrayLike<number>, bins = 10): FeatureReference {
  const sorted = Float64Array.from(
    Array.prototype.filter.call(values, (v: number) => Number.isFinite(v)) as number[],
  ).sort()
  const edges: number[] = []
  for (let b = 1; b < bins; b++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / bins))]
    if (v !== undefined && (edges.length === 0 || v > edges.at(-1)!)) edges.push(v)
  }
  return { edges, shares: binShares(edges, sorted) }
}

function binShares(edges: readonly number[], values: ArrayLike<number>): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0)
  let n = 0
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!
    if (!Number.isFinite(x)) continue
    counts[binIndex(edges, x)]!++
    n++
  }
  return counts.map((c) => (n === 0 ? 0 : c / n))
}

/** PSI of two distributions over the same bins: sum of `(a - e) ln(a / e)` (shares floored at 1e-4). */
export function psiOfShares(expected: readonly number[], actual: readonly number[]): number {
  let psi = 0
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i]!, EPS)
    const a = Math.max(actual[i] ?? 0, EPS)
    psi += (a - e) * Math.log(a / e)
  }
  return psi
}

/**
 * PSI of `values` against a feature reference. Rule of thumb: < 0.1 stable, 0.1-0.25 moderate, > 0.25 drift.
 * @example const psi = featurePsi(ref, recentColumn)
 */
export function featurePsi(reference: FeatureReference, values: ArrayLike<number>): number {
  return psiOfShares(reference.shares, binShares(reference.edges, values))
}

/**
 * PSI of the predicted-class distribution (argmax shares) of `probs [n, k]` against reference shares.
 * @example predictionPsi(trainPredShare, recentProbs, 3)
 */
export function predictionPsi(referenceShares: readonly number[], probs: ArrayLike<number>, k: number): number {
  const counts = new Array<number>(k).fill(0)
  const n = Math.floor(probs.length / k)
  for (let i = 0; i < n; i++) {
    let best = 0
    for (let c = 1; c < k; c++) if (probs[i * k + c]! > probs[i * k + best]!) best = c
    counts[best]!++
  }
  return psiOfShares(
    referenceShares,
    counts.map((c) => c / Math.max(n, 1)),
  )
}

/** Thresholds of a {@link DriftMonitor}: a finding starts above `raise` and ends below `clear`. */
export interface Hysteresis {
  readonly raise: number
  readonly clear: number
}

/** A change of a monitored value's state. */
export interface DriftFinding {
  readonly key: string
  readonly state: 'drift' | 'clear'
  readonly value: number
}

/**
 * Turns a stream of values per key (feature PSI, prediction PSI, accuracy decay) into findings with
 * hysteresis: `drift` once when a value rises above `raise`, `clear` once when it falls below `clear`;
 * values between the two change nothing.
 * @example const m = new DriftMonitor({ raise: 0.25, clear: 0.1 }); m.observe('rsi_14', 0.3) // { state: 'drift' }
 */
export class DriftMonitor {
  private readonly active = new Set<string>()

  constructor(private readonly thresholds: Hysteresis) {
    if (!(thresholds.clear < thresholds.raise)) throw new RangeError('DriftMonitor: clear must be below raise')
  }

  /** Records `value` for `key`; returns the finding when the state changes. */
  observe(key: string, value: number): DriftFinding | undefined {
    const on = this.active.has(key)
    if (!on && value > this.thresholds.raise) {
      this.active.add(key)
      return { key, state: 'drift', value }
    }
    if (on && value < this.thresholds.clear) {
      this.active.delete(key)
      return { key, state: 'clear', value }
    }
    return undefined
  }

  /** Keys currently in drift. */
  get drifting(): string[] {
    return [...this.active]
  }
}
