/**
 * Internal hand-written parser for all-numeric CSV text (`indexOf` + `Number()`, no CSV library):
 * fills one `Float64Array` per column and records every malformed field as a {@link DataIssue}.
 * @packageDocumentation
 */
import type { DataIssue } from '../errors.js'
import { isoTime, type IssueCollector } from './issue-collector.js'

/** Columns parsed from a numeric CSV; `line[i]` is the 1-based file line of row `i`. */
export interface NumericColumns {
  /** One array per header column, all of length `rows`. */
  readonly columns: Float64Array[]
  /** File line number of each stored row. */
  readonly line: Uint32Array
  /** Number of rows stored (rows with a bad field are reported, not stored). */
  readonly rows: number
}

const NL = 10
const CR = 13

function countLines(text: string, from: number): number {
  let n = 1
  for (let p = text.indexOf('\n', from); p !== -1; p = text.indexOf('\n', p + 1)) n++
  return n
}

function contentEnd(text: string, start: number, nl: number): number {
  return nl > start && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl
}

function isBlankTail(text: string, from: number): boolean {
  for (let p = from; p < text.length; p++) {
    const c = text.charCodeAt(p)
    if (c !== NL && c !== CR && c !== 32 && c !== 9) return false
  }
  return true
}

function fieldIssue(field: string, column: string, where: { line: number; time: number | undefined }): DataIssue {
  const { line, time } = where
  const at = time === undefined ? '' : ` (${isoTime(time)})`
  const trimmed = field.trim()
  if (trimmed === '') return { kind: 'nan', line, time, message: `empty value in column ${column}${at}` }
  if (trimmed.includes(',')) return { kind: 'parse', line, time, message: `too many columns${at}` }
  const kind = /^[+-]?(nan|inf(inity)?)$/i.test(trimmed) ? 'nan' : 'parse'
  const what = kind === 'nan' ? 'non-finite' : 'unparsable'
  return { kind, line, time, message: `${what} value "${trimmed.slice(0, 40)}" in column ${column}${at}` }
}

/** Checks the header line; returns the offset where data starts (the header itself when it looks like data). */
function readHeader(text: string, header: readonly string[], issues: IssueCollector): { pos: number; line: number } {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0
  let nl = text.indexOf('\n', start)
  if (nl === -1) nl = text.length
  const first = text.slice(start, contentEnd(text, start, nl))
  const expected = header.join(',')
  if (first === expected) return { pos: nl + 1, line: 2 }
  if (/^[\d\s.,eE+-]+$/.test(first) && first.trim() !== '') {
    issues.add({ kind: 'header', line: 1, message: `missing header "${expected}" (line 1 is data)` })
    return { pos: start, line: 1 }
  }
  issues.add({ kind: 'header', line: 1, message: `expected header "${expected}", found "${first.slice(0, 80)}"` })
  return { pos: nl + 1, line: 2 }
}

/**
 * Parses CSV text whose header must equal `header` and whose every field is a finite number;
 * the first column must be an integer (a timestamp).
 * @example const { columns, rows } = parseNumericCsv(text, ['funding_time', 'funding_rate'], issues)
 */
export function parseNumericCsv(text: string, header: readonly string[], issues: IssueCollector): NumericColumns {
  const start = readHeader(text, header, issues)
  const cap = start.pos >= text.length ? 0 : countLines(text, start.pos)
  const parser = new RowParser({ text, header, issues, cap })
  let pos = start.pos
  let lineNo = start.line
  const len = text.length
  while (pos < len) {
    let nl = text.indexOf('\n', pos)
    if (nl === -1) nl = len
    const end = contentEnd(text, pos, nl)
    if (end === pos) {
      if (isBlankTail(text, pos)) break
      issues.add({ kind: 'parse', line: lineNo, message: 'empty line' })
    } else {
      parser.row(pos, end, lineNo)
    }
    pos = nl + 1
    lineNo++
  }
  const n = parser.n
  if (n === 0 && issues.count === 0) issues.add({ kind: 'parse', message: 'no data rows' })
  const columns = parser.columns.map((c) => (n === cap ? c : c.subarray(0, n)))
  return { columns, line: parser.lines.subarray(0, n), rows: n }
}

/** The hot loop: parses one row into the next free slot of the columns. */
class RowParser {
  readonly columns: Float64Array[]
  readonly lines: Uint32Array
  n = 0
  private readonly text: string
  private readonly header: readonly string[]
  private readonly issues: IssueCollector

  constructor(init: { text: string; header: readonly string[]; issues: IssueCollector; cap: number }) {
    this.text = init.text
    this.header = init.header
    this.issues = init.issues
    this.columns = init.header.map(() => new Float64Array(init.cap))
    this.lines = new Uint32Array(init.cap)
  }

  /** Parses `text[pos, end)` (line `lineNo`); stores it and returns true when every field is valid. */
  row(pos: number, end: number, lineNo: number): boolean {
    const { text, header, issues, columns, n } = this
    const last = header.length - 1
    let ok = true
    let time: number | undefined
    for (let c = 0; c <= last; c++) {
      let stop = end
      if (c < last) {
        stop = text.indexOf(',', pos)
        if (stop === -1 || stop >= end) {
          issues.add({
            kind: 'parse',
            line: lineNo,
            time,
            message: `expected ${header.length} columns, found ${c + 1}`,
          })
          return false
        }
      }
      const v = Number(text.slice(pos, stop))
      if (stop === pos || !Number.isFinite(v) || (v === 0 && !/\d/.test(text.slice(pos, stop)))) {
        issues.add(fieldIssue(text.slice(pos, stop), header[c]!, { line: lineNo, time }))
        ok = false
      } else if (c === 0) {
        if (!Number.isInteger(v)) {
          issues.add({ kind: 'parse', line: lineNo, message: `${header[0]} ${v} is not an integer (epoch ms)` })
          ok = false
        }
        time = v
      }
      columns[c]![n] = v
      pos = stop + 1
    }
    if (ok) this.lines[this.n++] = lineNo
    return ok
  }
}
