/**
 * The config hash: what makes a run the same run. Every run folder's `summary.json` carries it (backtest,
 * paper, testnet, live), and a stored run is resumed only by a config with the same hash.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto'
import type { QuantumConfig, QuantumPlugin } from '@quantum/core'

/** Plugins the runtime adds around a config (`--http`, `--notify`): not part of the strategy, never hashed. */
const attached = new WeakSet<object>()

/**
 * Marks plugins the runtime attaches to a config for the run's operation (metrics, dashboard, notifier,
 * risk API), so that the config hash is the same with or without `--http` or `--notify`.
 * @returns the same plugins
 */
export function attachedPlugins<T extends readonly QuantumPlugin[]>(plugins: T): T {
  for (const plugin of plugins) attached.add(plugin)
  return plugins
}

/** Plain data of a value for hashing: functions by name, cycles cut, keys sorted. */
function canonical(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'function') return `[fn ${(value as { name?: string }).name ?? ''}]`
  if (typeof value !== 'object' || value === null) return value
  if (seen.has(value)) return '[cycle]'
  seen.add(value)
  if (Array.isArray(value)) return value.map((v) => canonical(v, seen))
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) out[key] = canonical((value as Record<string, unknown>)[key], seen)
  return out
}

/**
 * Hash of what makes a run the same run: name, mode, symbols, exchange settings and every plugin with
 * its options (sha256, hex); plugins the runtime attached ({@link attachedPlugins}) are left out. A
 * restart of the same config has the same hash and resumes its run.
 */
export function configHashOf(config: QuantumConfig): string {
  const doc = {
    name: config.name ?? null,
    mode: config.mode,
    symbols: config.data.symbols ?? config.data.candles,
    exchange: config.exchange,
    plugins: config.plugins
      .filter((p) => !attached.has(p))
      .map((p) => ({ name: p.name, kind: p.kind, options: p.options ?? null })),
  }
  return createHash('sha256')
    .update(JSON.stringify(canonical(doc)))
    .digest('hex')
}
