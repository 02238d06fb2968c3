/**
 * Search strategies over a {@link ParamSpace}: random, grid and a tree-structured Parzen estimator (TPE).
 * A sampler proposes the next point from the trials so far; the study maximises the objective.
 * @packageDocumentation
 */
import { gaussian, sfc32, type RandomSource } from '../data/sfc32.js'
import { normalCdf } from './normal.js'
import {
  dependencyOrder,
  isActive,
  type ChoiceParam,
  type FloatParam,
  type IntParam,
  type Params,
  type ParamSpace,
  type ParamSpec,
  type ParamValue,
} from './param-space.js'

/** What a sampler sees of a finished trial. */
export interface TrialRecord {
  readonly params: Params
  /** `ok` trials carry a finite `value` (higher is better); the others count as the worst. */
  readonly status: 'ok' | 'failed' | 'infeasible' | 'timeout'
  readonly value?: number
}

/** Proposes points of a space. */
export interface Sampler {
  /** `random`, `grid` or `tpe`. */
  readonly name: string
  /** The next point to try, given the finished trials (and the proposed ones); undefined when exhausted. */
  ask(history: readonly TrialRecord[]): Params | undefined
  /** How many distinct points the sampler can propose (grid: the grid size; others: Infinity). */
  readonly size: number
}

/** A numeric parameter spec. */
export type NumericSpec = IntParam | FloatParam

function stepOf(spec: NumericSpec): number | undefined {
  return spec.step ?? (spec.type === 'int' ? 1 : undefined)
}

/** Maps a value of a numeric parameter to [0, 1] (on the log scale when `log`). */
export function toUnit(spec: NumericSpec, value: number): number {
  if (spec.log === true) return (Math.log(value) - Math.log(spec.low)) / (Math.log(spec.high) - Math.log(spec.low))
  return (value - spec.low) / (spec.high - spec.low)
}

/** Maps u in [0, 1] to a value of a numeric parameter, snapped to its step (ints: to integers). */
export function fromUnit(spec: NumericSpec, u: number): number {
  const c = Math.min(1, Math.max(0, u))
  const step = stepOf(spec)
  if (spec.log === true) {
    const v = Math.exp(Math.log(spec.low) + c * (Math.log(spec.high) - Math.log(spec.low)))
    return Math.min(spec.high, Math.max(spec.low, spec.type === 'int' ? Math.round(v) : v))
  }
  if (step === undefined) return spec.low + c * (spec.high - spec.low)
  const count = Math.floor((spec.high - spec.low) / step + 1e-9) + 1
  const k = Math.min(count - 1, Math.floor(c * count))
  return roundTo(spec.low + k * step, step)
}

function roundTo(value: number, step: number): number {
  const decimals = Math.max(0, Math.ceil(-Math.log10(step)) + 2)
  return Number(value.toFixed(Math.min(12, decimals)))
}

function draw(spec: ParamSpec, random: RandomSource): ParamValue {
  if (spec.type === 'choice') return spec.values[Math.floor(random() * spec.values.length)] as ParamValue
  return fromUnit(spec, random())
}

/** Draws a point uniformly (on each parameter's scale), conditional parameters only when active. */
export function samplePoint(space: ParamSpace, random: RandomSource): Params {
  const out: Record<string, ParamValue> = {}
  for (const name of dependencyOrder(space)) {
    const spec = space[name] as ParamSpec
    if (isActive(spec, out)) out[name] = draw(spec, random)
  }
  return out
}

/** Uniform random search. @example randomSampler(space, { seed: 1 }).ask([]) */
export function randomSampler(space: ParamSpace, options: { seed?: number } = {}): Sampler {
  const random = sfc32(options.seed ?? 1)
  return { name: 'random', size: Infinity, ask: () => samplePoint(space, random) }
}

/** The values a grid takes for one parameter: every step of an int or stepped range when at most `points`, else `points` evenly spread. */
export function gridAxis(spec: ParamSpec, points: number): ParamValue[] {
  if (spec.type === 'choice') return [...spec.values]
  const step = stepOf(spec)
  const count =
    step === undefined || spec.log === true ? Infinity : Math.floor((spec.high - spec.low) / step + 1e-9) + 1
  if (count <= points)
    return Array.from({ length: count }, (_, k) => roundTo(spec.low + k * (step as number), step as number))
  const values = Array.from({ length: points }, (_, k) => fromUnit(spec, points === 1 ? 0.5 : k / (points - 1)))
  return [...new Set(values)]
}

/**
 * Grid search: the cartesian product of every parameter's axis ({@link gridAxis}), in order; points that
 * differ only in inactive parameters are proposed once. Exhausted after the last point.
 */
export function gridSampler(space: ParamSpace, options: { points?: number } = {}): Sampler {
  const names = dependencyOrder(space)
  const axes = names.map((n) => gridAxis(space[n] as ParamSpec, options.points ?? 10))
  const total = axes.reduce((p, a) => p * a.length, 1)
  let index = 0
  const seen = new Set<string>()
  const next = (): Params | undefined => {
    while (index < total) {
      let rest = index++
      const out: Record<string, ParamValue> = {}
      names.forEach((name, i) => {
        const axis = axes[i] as ParamValue[]
        const v = axis[rest % axis.length] as ParamValue
        rest = Math.floor(rest / axis.length)
        if (isActive(space[name] as ParamSpec, out)) out[name] = v
      })
      const key = JSON.stringify(out)
      if (seen.has(key)) continue
      seen.add(key)
      return out
    }
    return undefined
  }
  return { name: 'grid', size: total, ask: next }
}

/** Options of {@link tpeSampler}. */
export interface TpeOptions {
  /** Seed of the random numbers. @default 1 */
  readonly seed?: number
  /** Random trials before the model is used. @default 10 */
  readonly startup?: number
  /** Candidates drawn from the good density per parameter. @default 24 */
  readonly candidates?: number
  /** Good trials: min(ceil(gamma x ok trials), 25). @default 0.1 */
  readonly gamma?: number
}

/** A Parzen density on [0, 1]: truncated Gaussians at the observations plus a wide prior at 0.5. */
interface Parzen {
  readonly mu: number[]
  readonly sigma: number[]
}

function parzen(points: readonly number[]): Parzen {
  const mu = [...points, 0.5].sort((a, b) => a - b)
  const n = mu.length
  const minSigma = 1 / Math.min(100, n + 1)
  const sigma = mu.map((m, i) => {
    if (m === 0.5 && n === 1) return 1
    const left = i > 0 ? m - (mu[i - 1] as number) : m
    const right = i < n - 1 ? (mu[i + 1] as number) - m : 1 - m
    return Math.min(1, Math.max(minSigma, left, right))
  })
  return { mu, sigma }
}

function logDensity(p: Parzen, x: number): number {
  let sum = 0
  for (let i = 0; i < p.mu.length; i++) {
    const m = p.mu[i] as number
    const s = p.sigma[i] as number
    const mass = normalCdf((1 - m) / s) - normalCdf(-m / s)
    const z = (x - m) / s
    sum += Math.exp(-0.5 * z * z) / (s * Math.sqrt(2 * Math.PI) * Math.max(mass, 1e-12))
  }
  return Math.log(sum / p.mu.length)
}

function drawParzen(p: Parzen, random: RandomSource, normal: () => number): number {
  const i = Math.floor(random() * p.mu.length)
  for (let tries = 0; tries < 100; tries++) {
    const x = (p.mu[i] as number) + (p.sigma[i] as number) * normal()
    if (x >= 0 && x <= 1) return x
  }
  return Math.min(1, Math.max(0, p.mu[i] as number))
}

function suggestNumeric(spec: NumericSpec, obs: { good: number[]; bad: number[] }, ctx: TpeContext): number {
  const { good, bad } = obs
  const l = parzen(good.map((v) => toUnit(spec, v)))
  const g = parzen(bad.map((v) => toUnit(spec, v)))
  let best = NaN
  let bestScore = -Infinity
  for (let k = 0; k < ctx.candidates; k++) {
    const value = fromUnit(spec, drawParzen(l, ctx.random, ctx.normal))
    const u = toUnit(spec, value)
    const score = logDensity(l, u) - logDensity(g, u)
    if (score > bestScore) {
      bestScore = score
      best = value
    }
  }
  return best
}

function suggestChoice(spec: ChoiceParam, obs: { good: ParamValue[]; bad: ParamValue[] }, ctx: TpeContext): ParamValue {
  const { good, bad } = obs
  const weights = (obs: ParamValue[]) =>
    spec.values.map((v) => (obs.filter((o) => o === v).length + 1) / (obs.length + spec.values.length))
  const l = weights(good)
  const g = weights(bad)
  let best = spec.values[0] as ParamValue
  let bestScore = -Infinity
  for (let k = 0; k < ctx.candidates; k++) {
    let r = ctx.random()
    let i = 0
    while (i < l.length - 1 && r >= (l[i] as number)) r -= l[i++] as number
    const score = Math.log(l[i] as number) - Math.log(g[i] as number)
    if (score > bestScore) {
      bestScore = score
      best = spec.values[i] as ParamValue
    }
  }
  return best
}

interface TpeContext {
  readonly random: RandomSource
  readonly normal: () => number
  readonly candidates: number
}

/**
 * Tree-structured Parzen estimator (Bergstra et al. 2011, univariate as in Optuna's default): after
 * `startup` random trials, the ok trials are split into the best `min(ceil(gamma n), 25)` and the rest
 * (failed, infeasible and timed-out trials join the rest); for each active parameter, `candidates` values
 * are drawn from the good density l(x) and the one with the largest l(x)/g(x) is proposed.
 * @example const sampler = tpeSampler(space, { seed: 7 })
 */
export function tpeSampler(space: ParamSpace, options: TpeOptions = {}): Sampler {
  const random = sfc32(options.seed ?? 1)
  const ctx: TpeContext = { random, normal: gaussian(random), candidates: options.candidates ?? 24 }
  const startup = options.startup ?? 10
  const gamma = options.gamma ?? 0.1
  const names = dependencyOrder(space)
  const ask = (history: readonly TrialRecord[]): Params => {
    const ok = history.filter((t) => t.status === 'ok' && Number.isFinite(t.value))
    if (ok.length < startup) return samplePoint(space, random)
    const sorted = [...ok].sort((a, b) => (b.value as number) - (a.value as number))
    const nGood = Math.max(1, Math.min(25, Math.ceil(gamma * sorted.length)))
    const good = sorted.slice(0, nGood)
    const bad = [...sorted.slice(nGood), ...history.filter((t) => t.status !== 'ok')]
    const out: Record<string, ParamValue> = {}
    for (const name of names) {
      const spec = space[name] as ParamSpec
      if (!isActive(spec, out)) continue
      const g = good.map((t) => t.params[name]).filter((v): v is ParamValue => v !== undefined)
      const b = bad.map((t) => t.params[name]).filter((v): v is ParamValue => v !== undefined)
      out[name] =
        spec.type === 'choice'
          ? suggestChoice(spec, { good: g, bad: b }, ctx)
          : g.length === 0
            ? draw(spec, random)
            : suggestNumeric(spec, { good: g as number[], bad: b as number[] }, ctx)
    }
    return out
  }
  return { name: 'tpe', size: Infinity, ask }
}
