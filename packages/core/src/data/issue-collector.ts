/**
 * Internal helper that gathers {@link DataIssue}s while a file is validated, then throws one {@link DataError}.
 * @packageDocumentation
 */
import { DataError, type DataIssue } from '../errors.js'

/** How many issues a reader lists before it only counts the rest. */
export const MAX_DATA_ISSUES = 1000

/** Collects issues up to a cap and counts the ones beyond it. */
export class IssueCollector {
  /** The issues kept so far (at most `cap`). */
  readonly issues: DataIssue[] = []
  /** Issues found beyond the cap (counted, not kept). */
  dropped = 0
  private readonly cap: number

  /** @param cap - Maximum number of issues kept. @default MAX_DATA_ISSUES */
  constructor(cap: number = MAX_DATA_ISSUES) {
    this.cap = cap
  }

  /** Records one issue (or only counts it once the cap is reached). */
  add(issue: DataIssue): void {
    if (this.issues.length < this.cap) this.issues.push(issue)
    else this.dropped++
  }

  /** Total number of issues found, kept or not. */
  get count(): number {
    return this.issues.length + this.dropped
  }

  /** Throws a {@link DataError} naming `source` when any issue was found; issues are sorted by line. */
  throwIfAny(source: string): void {
    if (this.count === 0) return
    // Checks run in passes (fields, then order, then OHLC); present the result in file order.
    const list: DataIssue[] = [...this.issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
    const last = this.issues.at(-1)
    if (this.dropped > 0 && last !== undefined) {
      list.push({ kind: last.kind, message: `… and ${this.dropped} more issues (list capped at ${this.cap})` })
    }
    throw new DataError(source, list)
  }
}

/**
 * A timestamp as ISO text for messages, or the raw number when it is not a valid date.
 * @example isoTime(1701388800000) // '2023-12-01T00:00:00.000Z'
 */
export function isoTime(ms: number): string {
  const d = new Date(ms)
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString()
}
