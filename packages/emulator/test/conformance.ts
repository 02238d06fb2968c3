/**
 * Compares an emulator reply (and ccxt's parse of it) with a recorded real Binance reply (and ccxt's
 * parse of that): keys, value types, enum values and null-ness. Values themselves differ (other
 * account, other day) and are not compared, but for the enum fields.
 */

/** One difference: where, and what each side has there. */
export interface Difference {
  /** e.g. `raw[0].selfTradePreventionMode` or `parsed[0].leverage` */
  readonly path: string
  readonly recorded: string
  readonly emulator: string
}

/**
 * Integer fields that ccxt's older recordings store as strings (its fixture writer turns long integers
 * into strings; the 2025 recordings and Binance's documentation have numbers): a digit string there
 * matches an integer.
 */
const INT_AS_STRING = new Set([
  'orderId',
  'id',
  'time',
  'updateTime',
  'goodTillDate',
  'adl',
  'tranId',
  'lastUpdateId',
  'E',
  'T',
  'feeTier',
  'tradeGroupId',
  'type',
  'leverage',
])

/** Raw fields whose values are enums: the emulator must answer the recorded value in the same state. */
const RAW_ENUMS = new Set([
  'status',
  'type',
  'side',
  'positionSide',
  'timeInForce',
  'origType',
  'workingType',
  'priceMatch',
  'selfTradePreventionMode',
  'marginType',
  'incomeType',
  'deltaType',
  'asset',
  'marginAsset',
  'commissionAsset',
  'info',
  'reduceOnly',
  'closePosition',
  'priceProtect',
  'isAutoAddMargin',
  'maker',
  'buyer',
  'canTrade',
  'multiAssetsMargin',
  'marginAvailable',
])

/** Parsed (ccxt) fields whose values are enums. */
const PARSED_ENUMS = new Set([
  'status',
  'type',
  'side',
  'timeInForce',
  'marginMode',
  'marginType',
  'takerOrMaker',
  'postOnly',
  'reduceOnly',
  'hedged',
  'code',
  'currency',
])

const DECIMAL = /^-?\d+(\.\d+)?$/
const INTEGER = /^-?\d+$/

function rawKind(v: unknown, key: string): string {
  if (v === null || v === undefined) return 'null'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number'
  if (typeof v === 'string') {
    if (INT_AS_STRING.has(key) && INTEGER.test(v)) return 'integer'
    return DECIMAL.test(v) ? 'decimal string' : 'string'
  }
  return typeof v
}

function parsedKind(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (Array.isArray(v)) return 'array'
  return typeof v
}

interface Mode {
  readonly kind: (v: unknown, key: string) => string
  readonly enums: ReadonlySet<string>
  /** Keys not compared (ccxt's `info`: the raw reply, compared on its own). */
  readonly skip: ReadonlySet<string>
}

const RAW: Mode = { kind: rawKind, enums: RAW_ENUMS, skip: new Set() }
const PARSED: Mode = { kind: (v) => parsedKind(v), enums: PARSED_ENUMS, skip: new Set(['info']) }

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The recorded element an emulator array element is compared with: in an account's `assets`, the one of
 * the same asset; else the one at the same index (or the last).
 */
function counterpart(recorded: readonly unknown[], actual: unknown, at: { i: number; key: string }): unknown {
  const asset = at.key === 'assets' && isObj(actual) ? actual.asset : undefined
  const same = asset === undefined ? undefined : recorded.find((r) => isObj(r) && r.asset === asset)
  return same ?? recorded[Math.min(at.i, recorded.length - 1)]
}

function compare(
  recorded: unknown,
  actual: unknown,
  at: { path: string; key: string; mode: Mode; out: Difference[] },
): void {
  const { path, key, mode, out } = at
  const rk = mode.kind(recorded, key)
  const ak = mode.kind(actual, key)
  if (rk !== ak) {
    out.push({ path, recorded: rk, emulator: ak })
    return
  }
  const scalar = rk !== 'null' && rk !== 'array' && rk !== 'object'
  if (mode.enums.has(key) && scalar && String(recorded) !== String(actual)) {
    out.push({ path, recorded: JSON.stringify(recorded), emulator: JSON.stringify(actual) })
    return
  }
  if (Array.isArray(recorded) && Array.isArray(actual)) {
    if (recorded.length > 0 && actual.length === 0) out.push({ path, recorded: 'non-empty array', emulator: '[]' })
    if (recorded.length === 0) return
    actual.forEach((a, i) => compare(counterpart(recorded, a, { i, key }), a, { ...at, path: `${path}[${i}]`, key }))
    return
  }
  if (isObj(recorded) && isObj(actual)) {
    for (const k of Object.keys(recorded)) {
      if (mode.skip.has(k)) continue
      const p = `${path}.${k}`
      if (!(k in actual)) {
        // ccxt leaves undefined out of nothing, but a parsed null and a missing key are the same to a caller
        if (mode === PARSED && recorded[k] === null) continue
        out.push({ path: p, recorded: mode.kind(recorded[k], k), emulator: 'absent' })
      } else compare(recorded[k], actual[k], { path: p, key: k, mode, out })
    }
    for (const k of Object.keys(actual)) {
      if (mode.skip.has(k) || k in recorded) continue
      if (mode === PARSED && (actual[k] === undefined || actual[k] === null)) continue
      out.push({ path: `${path}.${k}`, recorded: 'absent', emulator: mode.kind(actual[k], k) })
    }
  }
}

/** Every difference between a recorded reply and the emulator's, and between ccxt's parses of them. */
export function conformance(
  recorded: { readonly httpResponse: unknown; readonly parsedResponse: unknown },
  emulator: { readonly raw: unknown; readonly parsed: unknown },
): Difference[] {
  const out: Difference[] = []
  compare(recorded.httpResponse, emulator.raw, { path: 'raw', key: '', mode: RAW, out })
  compare(recorded.parsedResponse, emulator.parsed, { path: 'parsed', key: '', mode: PARSED, out })
  return out
}
