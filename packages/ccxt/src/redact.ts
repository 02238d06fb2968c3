/**
 * Keeping API credentials out of error text: the key and secret a ccxt client holds, and a scrubber.
 * @packageDocumentation
 */

/** The key and secret `client` holds (ccxt's `apiKey` / `secret`), to scrub them from error text. */
export function heldSecrets(client: object): readonly string[] {
  const c = client as { apiKey?: unknown; secret?: unknown }
  return [c.apiKey, c.secret].filter((s): s is string => typeof s === 'string' && s.length >= 8)
}

/** `text` with every occurrence of `secrets` replaced by `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return secrets.reduce((t, secret) => t.split(secret).join('[redacted]'), text)
}
