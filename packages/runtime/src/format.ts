/**
 * Number, money, percentage and duration formatting shared by the terminal table and the HTML report.
 * @packageDocumentation
 */

/** Formats a number with thousands separators and a fixed number of decimals; non-finite values as `∞`, `-∞`, `NaN`. */
export function formatNumber(value: number, decimals = 2): string {
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞'
  const rounded = Math.round(value * 10 ** decimals) / 10 ** decimals
  // No "-0.00" for values that round to zero.
  return formatterOf(decimals).format(rounded === 0 ? 0 : value)
}

/**
 * One `Intl.NumberFormat` per number of decimals: `toLocaleString` with options builds a new formatter
 * per call, which made formatting most of a large report's time. Same output.
 */
const formatters = new Map<number, Intl.NumberFormat>()
function formatterOf(decimals: number): Intl.NumberFormat {
  let f = formatters.get(decimals)
  if (f === undefined) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })
    formatters.set(decimals, f)
  }
  return f
}

/** Formats an integer count with thousands separators. */
export function formatCount(value: number): string {
  return formatNumber(value, 0)
}

/** Formats a signed USDT amount, e.g. `+1,234.50`. */
export function formatUsd(value: number): string {
  const text = formatNumber(value, 2)
  return value > 0 && Number.isFinite(value) ? `+${text}` : text
}

/** Formats a fraction as a percentage, e.g. `0.1234` -> `12.34%`. */
export function formatPct(fraction: number, signed = false): string {
  const text = `${formatNumber(fraction * 100, 2)}%`
  return signed && fraction > 0 && Number.isFinite(fraction) ? `+${text}` : text
}

/** Formats a ratio such as Sharpe or the profit factor with 2 decimals. */
export function formatRatio(value: number): string {
  return formatNumber(value, 2)
}

/** Formats a price with a precision that suits its magnitude (more decimals for small prices). */
export function formatPrice(value: number): string {
  if (!Number.isFinite(value)) return formatNumber(value)
  const abs = Math.abs(value)
  const decimals = abs >= 1000 ? 2 : abs >= 1 ? 4 : abs >= 0.01 ? 6 : 8
  return formatNumber(value, decimals)
}

/** Formats a duration in milliseconds as `850 ms`, `12.3 s` or `4m 05s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return formatNumber(ms)
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const minutes = Math.floor(ms / 60_000)
  const seconds = Math.round((ms % 60_000) / 1000)
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`
}

/** Formats epoch milliseconds as `YYYY-MM-DD HH:mm` (UTC); `-` for non-finite values. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return '-'
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ')
}
