/**
 * Checks of training rows before a trainer starts: enough rows, labels in range, every class present,
 * no NaN or infinite feature (unless allowed), no constant feature. Each problem is a `DataError` naming
 * the split, the row and the feature.
 * @packageDocumentation
 */
import { DataError, type DataIssue } from '@quantum/core'
import type { LabelledMatrix } from './train.js'

/** Options of {@link validateTrainingRows}. */
export interface ValidateRowsOptions {
  /** Name of the rows in errors, e.g. `train`. */
  readonly split: string
  /** Number of classes. */
  readonly classCount: number
  /** Feature names, for messages. @default f0, f1, … */
  readonly featureNames?: readonly string[]
  /** Fewest rows accepted. @default 200 */
  readonly minRows?: number
  /** Accept NaN features (missing values follow each split's default direction). @default false */
  readonly allowMissing?: boolean
  /** Refuse rows where a class has no row. @default true */
  readonly requireEveryClass?: boolean
  /** Refuse a constant feature (it can never split). @default true */
  readonly refuseConstant?: boolean
}

function nonFiniteIssues(m: LabelledMatrix, name: (f: number) => string, allowMissing: boolean): DataIssue[] {
  const issues: DataIssue[] = []
  for (let i = 0; i < m.rows && issues.length < 10; i++) {
    for (let f = 0; f < m.columns; f++) {
      const x = m.values[i * m.columns + f]!
      if (Number.isFinite(x) || (allowMissing && Number.isNaN(x))) continue
      issues.push({ kind: 'nan', message: `row ${i}: feature ${name(f)} is ${x}` })
    }
  }
  return issues
}

function constantIssues(m: LabelledMatrix, name: (f: number) => string): DataIssue[] {
  const issues: DataIssue[] = []
  for (let f = 0; f < m.columns; f++) {
    let first = NaN
    let varies = false
    for (let i = 0; i < m.rows && !varies; i++) {
      const x = m.values[i * m.columns + f]!
      if (Number.isNaN(x)) continue
      if (Number.isNaN(first)) first = x
      else if (x !== first) varies = true
    }
    if (!varies)
      issues.push({ kind: 'parse', message: `feature ${name(f)} is constant (${first}) over all ${m.rows} rows` })
  }
  return issues
}

/**
 * Validates labelled rows for training.
 * @throws {DataError} (source `<split> rows`) listing every problem found.
 * @example validateTrainingRows(train, { split: 'train', classCount: 3, featureNames })
 */
export function validateTrainingRows(m: LabelledMatrix, options: ValidateRowsOptions): void {
  const source = `${options.split} rows`
  const name = (f: number): string => options.featureNames?.[f] ?? `f${f}`
  const minRows = options.minRows ?? 200
  if (m.rows < minRows) {
    throw new DataError(source, [
      { kind: 'parse', message: `too little data: ${m.rows} rows, at least ${minRows} needed` },
    ])
  }
  if (m.values.length !== m.rows * m.columns || m.labels.length !== m.rows) {
    const message = `shape mismatch: ${m.values.length} values and ${m.labels.length} labels for ${m.rows} x ${m.columns}`
    throw new DataError(source, [{ kind: 'parse', message }])
  }
  const issues: DataIssue[] = []
  const counts = new Array<number>(options.classCount).fill(0)
  for (let i = 0; i < m.rows; i++) {
    const y = m.labels[i]!
    if (y < options.classCount) counts[y]!++
    else if (issues.length < 10)
      issues.push({ kind: 'parse', message: `row ${i}: label ${y} >= ${options.classCount} classes` })
  }
  if (options.requireEveryClass ?? true) {
    counts.forEach((c, k) => c === 0 && issues.push({ kind: 'parse', message: `class ${k} has no row` }))
  }
  issues.push(...nonFiniteIssues(m, name, options.allowMissing ?? false))
  if (options.refuseConstant ?? true) issues.push(...constantIssues(m, name))
  if (issues.length > 0) throw new DataError(source, issues)
}
