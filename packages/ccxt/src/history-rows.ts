/**
 * The ccxt calls a history download makes, and the validation of what they answer.
 * @packageDocumentation
 */
import { DataError, FUNDING_CSV_HEADER, type DataIssue } from '@quantum/core'
import type { UsdmMarket, UsdmParams } from './client.js'

/** The ccxt calls of a history download (`ccxt.binanceusdm` has them; tests can fake them). */
export interface HistoryClient {
  loadMarkets(reload?: boolean): Promise<Readonly<Record<string, UsdmMarket>>>
  /** `params.price: 'mark'` asks for mark-price candles. */
  fetchOHLCV(symbol: string, timeframe: string, since?: number, limit?: number, params?: UsdmParams): Promise<unknown[]>
  fetchFundingRateHistory(symbol?: string, since?: number, limit?: number, params?: UsdmParams): Promise<unknown[]>
  close(): Promise<unknown>
}

/** A funding event: `[time (epoch ms, floored to the second), rate]`. */
export type FundingRow = readonly [number, number]

/** The header funding files are written with (the one the SDK's reader wants). */
export const FUNDING_HEADER = FUNDING_CSV_HEADER.join(',')

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** Why a candle is not one (or undefined when it is): six finite numbers, prices positive, high/low around open/close. */
function candleProblem(x: unknown): Pick<DataIssue, 'kind' | 'message'> | undefined {
  if (!Array.isArray(x) || x.length < 6)
    return { kind: 'parse', message: 'not an [openTime, open, high, low, close, volume] row' }
  const values = (x as unknown[]).slice(0, 6)
  if (!values.every(finite)) return { kind: 'nan', message: 'a value is missing or not a finite number' }
  const [, open, high, low, close, volume] = values as [number, number, number, number, number, number]
  if (!(low > 0) || volume < 0) return { kind: 'magnitude', message: 'non-positive price or negative volume' }
  if (high < Math.max(open, close) || low > Math.min(open, close))
    return { kind: 'ohlc', message: 'high/low do not enclose open/close' }
  return undefined
}

/**
 * Validated candles of one page, ascending by open time.
 * @throws {DataError} naming each malformed row (the page is not written).
 */
export function candleRowsOf(
  raw: readonly unknown[],
  source: string,
): [number, number, number, number, number, number][] {
  const issues: DataIssue[] = []
  raw.forEach((x, k) => {
    const problem = candleProblem(x)
    if (problem !== undefined)
      issues.push({ kind: problem.kind, line: k + 1, message: `row ${k + 1}: ${problem.message}` })
  })
  if (issues.length > 0) throw new DataError(source, issues)
  const rows = raw.map((x) => (x as number[]).slice(0, 6) as [number, number, number, number, number, number])
  return ascendingUnique(rows, source)
}

/**
 * Validated funding events of one page (`timestamp`, `fundingRate`), ascending, times floored to the second
 * (Binance's carry a few ms of jitter).
 * @throws {DataError} naming each malformed event.
 */
export function fundingRowsOf(raw: readonly unknown[], source: string): [number, number][] {
  const issues: DataIssue[] = []
  const rows: [number, number][] = []
  raw.forEach((x, k) => {
    const e = (typeof x === 'object' && x !== null ? x : {}) as { timestamp?: unknown; fundingRate?: unknown }
    if (!finite(e.timestamp) || !finite(e.fundingRate) || Math.abs(e.fundingRate) > 1)
      issues.push({
        kind: 'nan',
        line: k + 1,
        message: `event ${k + 1}: timestamp and fundingRate must be finite numbers, |rate| <= 1`,
      })
    else rows.push([Math.floor(e.timestamp / 1000) * 1000, e.fundingRate])
  })
  if (issues.length > 0) throw new DataError(source, issues)
  return ascendingUnique(rows, source)
}

function ascendingUnique<R extends readonly number[]>(rows: R[], source: string): R[] {
  rows.sort((a, b) => a[0]! - b[0]!)
  for (let k = 1; k < rows.length; k++)
    if (rows[k]![0] === rows[k - 1]![0])
      throw new DataError(source, [
        { kind: 'duplicate', message: `two rows at ${new Date(rows[k]![0]!).toISOString()}` },
      ])
  return rows
}
