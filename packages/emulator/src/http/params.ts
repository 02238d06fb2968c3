/**
 * Strict parameter reading for the history and lookup endpoints: unknown parameters (-1104), integers
 * with other characters (-1100), mandatory ones missing (-1102), time windows too long (-1127), as
 * Binance answers them.
 * @packageDocumentation
 * @internal
 */
import type { Params } from '../engine/order-rules.js'
import { BinanceApiError } from './api-error.js'

/** Sent with every SIGNED request; never unknown. */
const SIGNING = ['timestamp', 'recvWindow', 'signature']

const LONG = /^[0-9]{1,20}$/

/** -1104 when `params` holds a parameter the endpoint does not read (besides the signing ones). */
export function checkKnown(params: Params, known: readonly string[]): void {
  const read = new Set([...known, ...SIGNING])
  const sent = [...params.keys()]
  const used = sent.filter((k) => read.has(k)).length
  if (used < sent.length) throw new BinanceApiError('NOT_ALL_PROCESSED', used, sent.length)
}

/** An optional integer parameter (-1100 when it is not one). */
export function long(params: Params, name: string): number | undefined {
  const v = params.get(name)
  if (v === undefined) return undefined
  if (!LONG.test(v)) throw new BinanceApiError('ILLEGAL_CHARS', name, LONG.source)
  return Number(v)
}

/** `limit` (-1100 when malformed), `fallback` when absent, at most `max`, at least 1. */
export function limitOf(params: Params, fallback: number, max: number): number {
  return Math.max(1, Math.min(long(params, 'limit') ?? fallback, max))
}

/** A `[startTime, endTime]` window and whether `startTime` was sent. */
export interface TimeWindow {
  readonly from: number
  readonly to: number
  /** `startTime` was sent: the first rows from it are answered, else the latest ones. */
  readonly fromStart: boolean
}

/**
 * The window of `startTime` / `endTime`: `span` back from `endTime` (or now) when `startTime` is not
 * sent, `span` on from `startTime` when `endTime` is not; -1127 when the two are further apart than
 * `max` (`span` by default), -1130 when `endTime` is before `startTime`.
 */
export function timeWindow(params: Params, now: number, limits: { span: number; max?: number }): TimeWindow {
  const { span } = limits
  const start = long(params, 'startTime')
  const end = long(params, 'endTime')
  if (start !== undefined && end !== undefined) {
    if (end < start) throw new BinanceApiError('INVALID_PARAMETER', 'endTime')
    if (end - start > (limits.max ?? span)) throw new BinanceApiError('MORE_THAN_XX_HOURS')
    return { from: start, to: end, fromStart: true }
  }
  if (start !== undefined) return { from: start, to: start + span, fromStart: true }
  const to = end ?? now
  return { from: to - span, to, fromStart: false }
}

/** The rows of `window` (by `time`), the first `limit` from its start or the latest `limit`. */
export function pick<T>(rows: readonly T[], time: (row: T) => number, at: { window: TimeWindow; limit: number }): T[] {
  const { window, limit } = at
  const inside = rows.filter((r) => time(r) >= window.from && time(r) <= window.to)
  return window.fromStart ? inside.slice(0, limit) : inside.slice(-limit)
}
