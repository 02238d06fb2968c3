import { ConfigError } from '../errors.js'
import { FeatureGroups } from './feature-groups.js'
import type { FeatureBar, FeatureKernel, FeatureSpec } from './feature-specs.js'

/** A fixed set of named features updated together once per bar, from {@link defineFeatures}. */
export interface FeatureSet<K extends string> {
  /** Feature names, in definition order (the order of {@link FeatureSet.vector}). */
  readonly names: readonly K[]
  /**
   * Current value of every feature by name (`NaN` while warming up): read-only getters over
   * {@link FeatureSet.vector}, so they always show the latest bar; spread it to keep a snapshot.
   */
  readonly values: Readonly<Record<K, number>>
  /** Current values in `names` order, e.g. as an ML model input; the same array, updated in place. */
  readonly vector: Float64Array
  /** True once every feature is defined. */
  readonly ready: boolean
  /**
   * Updates every feature with one bar. Five positional numbers by design: the per-bar hot path
   * allocates nothing.
   */
  update(open: number, high: number, low: number, close: number, volume: number): void
  /** Same as {@link FeatureSet.update}, reading the fields of a bar object. */
  updateBar(bar: FeatureBar): void
  /** Forgets every input of every feature. */
  reset(): void
}

class FeatureSetImpl<K extends string> implements FeatureSet<K> {
  readonly names: readonly K[]
  readonly values: Readonly<Record<K, number>>
  readonly vector: Float64Array
  private readonly kernels: readonly FeatureKernel[]
  private readonly groups = new FeatureGroups()
  /** The one bar object handed to every kernel (a flyweight, rewritten on each update). */
  private readonly bar = { open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN }

  constructor(names: readonly K[], kernels: readonly FeatureKernel[]) {
    this.names = names
    this.kernels = kernels
    const vector = new Float64Array(kernels.length).fill(NaN)
    this.vector = vector
    kernels.forEach((k, i) => this.groups.add(k, i))
    const values = {}
    names.forEach((name, i) => {
      Object.defineProperty(values, name, { get: () => vector[i], enumerable: true })
    })
    this.values = values as Readonly<Record<K, number>>
  }

  // eslint-disable-next-line max-params -- implements FeatureSet.update (hot path)
  update(open: number, high: number, low: number, close: number, volume: number): void {
    const bar = this.bar
    bar.open = open
    bar.high = high
    bar.low = low
    bar.close = close
    bar.volume = volume
    this.groups.run(this.vector, bar)
  }

  updateBar(bar: FeatureBar): void {
    this.update(bar.open, bar.high, bar.low, bar.close, bar.volume)
  }

  get ready(): boolean {
    for (const k of this.kernels) if (!k.ready) return false
    return true
  }

  reset(): void {
    for (const k of this.kernels) k.reset()
    this.vector.fill(NaN)
  }
}

function isFeatureSpec(value: unknown): value is FeatureSpec {
  return typeof value === 'object' && value !== null && typeof (value as { create?: unknown }).create === 'function'
}

/**
 * Defines a set of named features (fast kernels, created once) to update together on every bar.
 *
 * The kernels are created once, grouped by class (so V8 inlines every `update` call) and write into
 * one `Float64Array`; `values` reads from it by name. Nothing is allocated per bar. Custom
 * {@link FeatureSpec}s work too, through one (slower, megamorphic) call each.
 * @throws {ConfigError} when `specs` is empty or a value is not a feature (e.g. `ema(0)` throws earlier).
 * @example
 * const features = defineFeatures({ emaFast: ema(12), emaSlow: ema(26), atr: atr(14) })
 * for (const b of bars) features.update(b.open, b.high, b.low, b.close, b.volume)
 * features.values.emaFast // latest EMA(12)
 */
export function defineFeatures<const S extends Readonly<Record<string, FeatureSpec>>>(
  specs: S,
): FeatureSet<Extract<keyof S, string>> {
  type K = Extract<keyof S, string>
  const names = Object.keys(specs) as K[]
  const bad = names.filter((name) => !isFeatureSpec(specs[name]))
  if (names.length === 0 || bad.length > 0) {
    const issues = bad.map((name) => ({ path: name, message: 'expected a feature such as ema(12)' }))
    throw new ConfigError('Invalid feature set', names.length === 0 ? [{ path: '', message: 'no features' }] : issues)
  }
  return new FeatureSetImpl<K>(
    names,
    names.map((name) => (specs[name] as FeatureSpec).create()),
  )
}
