import { ConfigError } from '../errors.js'
import { parseOrThrow } from '../validate.js'
import { INDICATOR_DEFINITIONS, type IndicatorDefinition, type Step } from './indicator-definitions.js'
import type { IndicatorBar, IndicatorName, IndicatorOptions, IndicatorOutputs } from './types.js'

/** A streaming indicator from {@link createIndicator}. */
export interface StreamingIndicator<O> {
  /** The indicator's name, as passed to {@link createIndicator}. */
  readonly name: IndicatorName
  /**
   * Feeds one bar; returns the value, or `undefined` while the indicator warms up. Multi-output
   * indicators return a fresh object once their first field (`macd`, `upper`, `k`) is defined;
   * later fields are `NaN` until they warm up too.
   */
  update(bar: IndicatorBar): O | undefined
  /** Forgets every input (recreates the underlying technicalindicators instance). */
  reset(): void
}

/**
 * Looks up an indicator definition by name.
 * @throws {ConfigError} for an unknown name.
 * @internal
 */
export function getIndicatorDefinition(name: string): IndicatorDefinition {
  if (!Object.hasOwn(INDICATOR_DEFINITIONS, name)) {
    const known = Object.keys(INDICATOR_DEFINITIONS).join(', ')
    throw new ConfigError(`Unknown indicator "${name}"`, [{ path: 'name', message: `expected one of ${known}` }])
  }
  return INDICATOR_DEFINITIONS[name as IndicatorName]
}

/**
 * Validates `options` for indicator `name` and returns a fresh stepper.
 * @throws {ConfigError} for an unknown name or invalid options.
 * @internal
 */
export function createStep(name: string, options: unknown): { definition: IndicatorDefinition; make: () => Step } {
  const definition = getIndicatorDefinition(name)
  const parsed = parseOrThrow(definition.schema, options ?? {}, {
    what: `options of indicator "${name}"`,
    path: 'options',
  })
  return { definition, make: () => definition.create(parsed) }
}

/** Reads one bar's outputs: a number, a record keyed by `fields`, or `undefined` before the first field exists. */
function readOutput(fields: readonly string[], out: Float64Array): number | Record<string, number> | undefined {
  const first = out[0] as number
  if (first !== first) return undefined
  if (fields.length === 0) return first
  const value: Record<string, number> = {}
  for (let i = 0; i < fields.length; i++) value[fields[i] as string] = out[i] as number
  return value
}

/**
 * Creates a streaming indicator backed by `technicalindicators` v3.1.0.
 *
 * Supported (defaults in brackets): `sma` `ema` `wma` [period 20], `rsi` [14], `macd` [12/26/9,
 * EMAs], `bbands` [20, 2σ], `atr` [14], `trueRange`, `adx` `plusDi` `minusDi` [14], `stoch`
 * [14/3, smoothK 1], `cci` [20], `willr` [14], `obv`, `mfi` [14].
 *
 * Agreement with TA-Lib (measured on the two TA-Lib fixtures, from TA-Lib's `begIndex`): sma, ema,
 * wma, atr, trueRange, bbands (population σ, as TA-Lib), stoch (= STOCHF; = STOCH with
 * `smoothK: 3`), cci and willr agree to ≤ 2e-10 relative. Beyond 1e-6:
 * - `rsi`: every value rounded to 2 decimals (≤ 0.005 abs); TA-Lib-exact: {@link Rsi}.
 * - `mfi`: rounded to 2 decimals, an unchanged typical price counted as negative flow (≤ 1.8 abs),
 *   first value one bar after TA-Lib (bar `period+1`); TA-Lib-exact: {@link Mfi}.
 * - `macd`: fast EMA seeded on bars `0..fast−1` instead of `slow−fast..slow−1` (at bar 33 the line
 *   is up to 28 % off, the signal 43 %; within 1e-6 from bar ~92–123); the line starts at bar
 *   `slow−1`, TA-Lib's at `slow+signal−2`; TA-Lib-exact: {@link Macd}.
 * - `adx`, `plusDi`, `minusDi`: DM/TR sums seeded over bars `1..period` instead of `1..period−1`
 *   (up to 2.2 % off at first, within 1e-6 from bar ~148–198); TA-Lib-exact: {@link Adx}. The ±DI
 *   come from bar `period` (read from the ADX generator), as TA-Lib's PLUS_DI/MINUS_DI.
 * - `obv`: starts at bar 1 from 0, i.e. TA-Lib − volume[0] for ever; TA-Lib-exact: {@link Obv}.
 * - `stoch`: %K starts 2 bars before TA-Lib (which aligns %K with %D); `willr` is `NaN` (TA-Lib 0)
 *   on a window with high = low.
 *
 * Not for the per-bar hot path (technicalindicators allocates per update): use the kernels or
 * {@link defineFeatures} there.
 * @throws {ConfigError} for an unknown name or invalid options (unknown keys included).
 * @example
 * const macd = createIndicator('macd', { fastPeriod: 12, slowPeriod: 26, signalPeriod: 9 })
 * const v = macd.update({ high, low, close }) // { macd, signal, histogram } | undefined
 */
export function createIndicator<N extends IndicatorName>(
  name: N,
  options?: IndicatorOptions[N],
): StreamingIndicator<IndicatorOutputs[N]> {
  const { definition, make } = createStep(name, options)
  const fields = definition.fields
  const out = new Float64Array(Math.max(1, fields.length))
  let step = make()
  return {
    name,
    update(bar) {
      step(bar, out)
      return readOutput(fields, out) as IndicatorOutputs[N] | undefined
    },
    reset() {
      step = make()
    },
  }
}
