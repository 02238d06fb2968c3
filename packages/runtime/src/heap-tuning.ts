/**
 * How `quantum-run` tunes V8's heap for its runs.
 * @packageDocumentation
 * @internal
 */

/**
 * How much V8 lets the old generation grow past what survived the last full collection, in percent,
 * in `quantum-run` processes. A run promotes much short-lived garbage (orders, positions, report rows)
 * and V8's own factor, up to 4x, let a 1M-bar backtest's heap reach three times its live data: peak
 * RSS 280-282 MiB, against 234-238 MiB at 50%, in the same wall time within the noise (the bench's
 * 1M-bar run, builds alternated). Where fresh memory is slow to fault in (the benchmark VM: ~15 µs per
 * 4 KiB page), memory is time too.
 */
export const HEAP_GROWING_PERCENT = 50

/**
 * The V8 flags `quantum-run` sets at start, or undefined when the user chose the heap's growth
 * themselves: `node --heap-growing-percent=<n> $(which quantum-run) ...` (0 is V8's own policy; Node
 * refuses this flag in `NODE_OPTIONS`).
 * @example const flags = heapFlags(process.execArgv); if (flags) v8.setFlagsFromString(flags)
 */
export function heapFlags(execArgv: readonly string[]): string | undefined {
  const given = execArgv.some((arg) => /heap[-_]growing[-_]percent/.test(arg))
  return given ? undefined : `--heap-growing-percent=${HEAP_GROWING_PERCENT}`
}
