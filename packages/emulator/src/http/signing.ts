/**
 * Binance's SIGNED check: HMAC-SHA256 (hex) of the raw parameter string (query followed by body),
 * without the `signature` parameter, keyed with the API key's secret.
 * @see https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info#signed-trade-and-user_data-endpoint-security
 * @packageDocumentation
 * @internal
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

const SIGNATURE = /(^|&)signature=([^&]*)/

/**
 * Splits `signature=` out of the raw parameter string.
 * @returns the signed payload and the signature sent, or undefined when there is none.
 */
export function splitSignature(raw: string): { payload: string; signature: string } | undefined {
  const m = SIGNATURE.exec(raw)
  if (m === null) return undefined
  const start = m.index
  const end = start + m[0].length
  const payload = start === 0 ? raw.slice(end + (raw[end] === '&' ? 1 : 0)) : raw.slice(0, start) + raw.slice(end)
  return { payload, signature: m[2] ?? '' }
}

/** True when `signature` is the hex HMAC-SHA256 of `payload` under `secret`. */
export function verifySignature(payload: string, signature: string, secret: string): boolean {
  const expected = createHmac('sha256', secret).update(payload).digest()
  const sent = Buffer.from(signature, 'hex')
  return sent.length === expected.length && timingSafeEqual(sent, expected)
}

/** Signs a parameter string as a Binance client does (for tests and benches). */
export function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex')
}
