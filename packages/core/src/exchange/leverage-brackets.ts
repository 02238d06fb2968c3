/**
 * Leverage brackets (maintenance margin tiers) from Binance `GET /fapi/v1/leverageBracket` or ccxt
 * `fetchLeverageTiers`, and the bundled BTC/ETH/BNB table.
 * @packageDocumentation
 */
import { z } from 'zod'
import { LeverageBracketSchema, SymbolSchema, type LeverageBracket } from '../schemas.js'
import { parseOrThrow } from '../validate.js'
import bundledTiers from './binance/leverage_tiers.freqtrade.json' with { type: 'json' }

/** Leverage brackets per symbol (`BTCUSDT`), each list sorted by `notionalFloor`. */
export type LeverageBracketTable = Readonly<Record<string, readonly LeverageBracket[]>>

const num = z.union([
  z.number().finite(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
])
const RawBracketSchema = z.looseObject({
  bracket: num,
  initialLeverage: num,
  notionalCap: num,
  notionalFloor: num,
  maintMarginRatio: num,
  cum: num,
})
const CcxtTiersSchema = z.record(z.string(), z.array(z.looseObject({ info: RawBracketSchema })).min(1))
const BinanceSchema = z.array(z.looseObject({ symbol: SymbolSchema, brackets: z.array(RawBracketSchema).min(1) }))
const TableSchema = z.record(SymbolSchema, z.array(LeverageBracketSchema).min(1))

type Raw = z.output<typeof RawBracketSchema>

function pick(raw: Raw): LeverageBracket {
  const { bracket, initialLeverage, notionalCap, notionalFloor, maintMarginRatio, cum } = raw
  return { bracket, initialLeverage, notionalCap, notionalFloor, maintMarginRatio, cum }
}

/** `BTC/USDT:USDT` (ccxt) to `BTCUSDT` (Binance). */
function binanceSymbol(ccxtSymbol: string): string {
  return (ccxtSymbol.split(':')[0] ?? ccxtSymbol).replace('/', '')
}

function looksLikeCcxt(json: object): boolean {
  const first: unknown = Object.values(json)[0]
  return Array.isArray(first) && typeof first[0] === 'object' && first[0] !== null && 'info' in first[0]
}

function toTable(json: unknown, source: string): Record<string, LeverageBracket[]> {
  if (Array.isArray(json)) {
    const rows = parseOrThrow(BinanceSchema, json, source)
    return Object.fromEntries(rows.map((r) => [r.symbol, r.brackets.map(pick)]))
  }
  if (typeof json === 'object' && json !== null && looksLikeCcxt(json)) {
    const tiers = parseOrThrow(CcxtTiersSchema, json, source)
    return Object.fromEntries(
      Object.entries(tiers).map(([s, list]) => [binanceSymbol(s), list.map((t) => pick(t.info))]),
    )
  }
  return json as Record<string, LeverageBracket[]>
}

/**
 * Parses leverage brackets in any of three forms: Binance's `GET /fapi/v1/leverageBracket` array
 * (`[{ symbol, brackets: [...] }]`), ccxt's `fetchLeverageTiers` map (`{ 'BTC/USDT:USDT': [{ info: {...} }] }`,
 * Binance's raw bracket read from `info`), or an already typed `{ BTCUSDT: LeverageBracket[] }`.
 * @throws {ConfigError} listing every bad field by path.
 * @example const table = parseLeverageBrackets(JSON.parse(readFileSync('leverage_tiers.json', 'utf8')))
 */
export function parseLeverageBrackets(json: unknown, source = 'leverage brackets'): Record<string, LeverageBracket[]> {
  const table = parseOrThrow(TableSchema, toTable(json, source), source)
  for (const list of Object.values(table)) list.sort((a, b) => a.notionalFloor - b.notionalFloor)
  return table
}

let bundled: LeverageBracketTable | undefined

/** The bundled brackets of BTCUSDT, ETHUSDT and BNBUSDT (Binance, ~Oct 2024). */
export function bundledLeverageBrackets(): LeverageBracketTable {
  // Parsed on first use rather than at import, so importing the package stays free of work.
  bundled ??= Object.freeze(parseLeverageBrackets(bundledTiers, 'bundled leverage brackets'))
  return bundled
}

/**
 * The bracket used for symbols without a table (synthetic instruments): Binance's first BTCUSDT tier,
 * 125x max leverage and 0.4% maintenance margin, with no notional cap.
 */
export const FALLBACK_BRACKETS: readonly LeverageBracket[] = Object.freeze([
  Object.freeze({
    bracket: 1,
    initialLeverage: 125,
    notionalFloor: 0,
    notionalCap: Number.MAX_VALUE,
    maintMarginRatio: 0.004,
    cum: 0,
  }),
])
