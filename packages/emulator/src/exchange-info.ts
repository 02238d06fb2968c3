/**
 * The full real exchangeInfo (660 symbols), shipped gzip-compressed next to the 5-symbol sample the
 * emulator serves by default, for tests and benches that need many symbols.
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'

/** File name of the compressed capture, in `src/data/` (sources) and `dist/data/` (build). */
export const FULL_EXCHANGE_INFO_FILE = 'fapi_v1_exchangeInfo.full.json.gz'

let text: string | undefined

/**
 * The real `GET /fapi/v1/exchangeInfo` response of Dec 2025 with all 660 symbols (USDT and USDC
 * perpetuals, quarterlies, TradFi perpetuals, settling and pending ones), the capture the bundled
 * sample was reduced from. Decompressed once; each call returns a fresh object (safe to modify).
 * @example
 * const info = fullExchangeInfo()
 * const emulator = await startEmulator({ exchangeInfo: info, symbols: usdtPerpetuals(info).slice(0, 50) })
 */
export function fullExchangeInfo(): Record<string, unknown> {
  text ??= gunzipSync(readFileSync(new URL(`./data/${FULL_EXCHANGE_INFO_FILE}`, import.meta.url))).toString('utf8')
  return JSON.parse(text) as Record<string, unknown>
}

/**
 * The symbols of an exchangeInfo that are USDT-margined perpetuals currently trading, named with A–Z and
 * 0–9 only, in the exchangeInfo's order (514 of the real capture: BTCUSDT, ETHUSDT, BCHUSDT, …). Pass
 * them (or a subset) as the emulator's `symbols`: the full capture also lists quarterly contracts
 * (`BTCUSDT_260327`) and two perpetuals named in Chinese characters, which the engine cannot list.
 */
export function usdtPerpetuals(exchangeInfo: Record<string, unknown>): string[] {
  const symbols = Array.isArray(exchangeInfo['symbols']) ? (exchangeInfo['symbols'] as unknown[]) : []
  return symbols
    .map((s) => (typeof s === 'object' && s !== null ? (s as Record<string, unknown>) : {}))
    .filter((s) => s['contractType'] === 'PERPETUAL' && s['quoteAsset'] === 'USDT' && s['status'] === 'TRADING')
    .map((s) => String(s['symbol']))
    .filter((symbol) => /^[A-Z0-9]{2,30}$/.test(symbol))
}
