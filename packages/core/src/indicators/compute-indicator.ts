import { ConfigError, type ValidationIssue } from '../errors.js'
import { createStep } from './create-indicator.js'
import type { SeriesField } from './indicator-definitions.js'
import type { IndicatorName, IndicatorOptions, IndicatorOutputs, IndicatorSeries } from './types.js'

/** Batch output: one column aligned with the input (`NaN` during warm-up), or one column per field. */
export type IndicatorColumns<O> = O extends number ? Float64Array : { readonly [K in keyof O]: Float64Array }

function checkInput(name: string, needs: readonly SeriesField[], input: IndicatorSeries): number {
  const n = input.close.length
  const issues: ValidationIssue[] = []
  for (const field of needs) {
    const column = input[field]
    if (column === undefined) issues.push({ path: `input.${field}`, message: `required by ${name}` })
    else if (column.length !== n)
      issues.push({ path: `input.${field}`, message: `length ${column.length} ≠ close length ${n}` })
  }
  if (issues.length > 0) throw new ConfigError(`Invalid input of indicator "${name}"`, issues)
  return n
}

/**
 * Computes indicator `name` over whole columns with `technicalindicators` v3.1.0; the output is
 * aligned with the input (index i = bar i) and `NaN` where the library has no value yet.
 *
 * Same engine, options and TA-Lib differences as {@link createIndicator} (it runs the same
 * stepper), so batch and streaming results are identical.
 * @throws {ConfigError} for an unknown name, invalid options, or missing / unequal input columns.
 * @example
 * const rsi = computeIndicator('rsi', { period: 14 }, { close }) // Float64Array(close.length)
 * const { upper, lower } = computeIndicator('bbands', {}, { close })
 */
export function computeIndicator<N extends IndicatorName>(
  name: N,
  options: IndicatorOptions[N] | undefined,
  input: IndicatorSeries,
): IndicatorColumns<IndicatorOutputs[N]> {
  const { definition, make } = createStep(name, options)
  const n = checkInput(name, definition.needs, input)
  const fields = definition.fields
  const width = Math.max(1, fields.length)
  const columns = Array.from({ length: width }, () => new Float64Array(n))
  const out = new Float64Array(width)
  const step = make()
  const { high, low, close, volume } = input
  for (let i = 0; i < n; i++) {
    // A fresh bar per row: technicalindicators may keep a reference to it.
    step({ high: high?.[i] ?? NaN, low: low?.[i] ?? NaN, close: close[i] ?? NaN, volume: volume?.[i] ?? NaN }, out)
    for (let j = 0; j < width; j++) (columns[j] as Float64Array)[i] = out[j] as number
  }
  if (fields.length === 0) return columns[0] as IndicatorColumns<IndicatorOutputs[N]>
  const result: Record<string, Float64Array> = {}
  fields.forEach((field, j) => {
    result[field] = columns[j] as Float64Array
  })
  return result as IndicatorColumns<IndicatorOutputs[N]>
}
