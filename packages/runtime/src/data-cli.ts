/**
 * `quantum-run data download`: candles, mark-price candles and funding rates of Binance USD-M symbols
 * through ccxt into the data folder the SDK reads (`@quantum/ccxt` and ccxt are loaded when it runs).
 * @packageDocumentation
 */
import { resolve } from 'node:path'
import { ConfigError, type ValidationIssue } from '@quantum/core'
import type { DownloadKind, DownloadReport } from '@quantum/ccxt'
import { parseSubcommandArgs, type SubcommandIo } from './compare-runs.js'
import { flagReader } from './research-cli.js'
import { toJson } from './serialize.js'
import { transportFromEnv } from './venue.js'

/** The `quantum-run data --help` text. */
export const DATA_USAGE = `Usage: quantum-run data download --symbols <ids> --timeframe <tf> --from <date> [options]

Downloads candles, mark-price candles and funding rates from Binance USD-M (public endpoints, no key)
into <dir>/<SYMBOL>-<tf>.csv, <dir>/mark/<SYMBOL>-<tf>-mark.csv and <dir>/funding/<SYMBOL>-funding-8h.csv.
Incremental and resumable: files already there are extended, pages are saved as they come, and a run
that was interrupted goes on from its last saved row. Candles still open are never written.
QUANTUM_BINANCE_REST_URL and QUANTUM_BINANCE_WS_URL point it at a local emulator.

Options:
  --symbols <ids>    comma-separated Binance ids, e.g. BTCUSDT,ETHUSDT
  --timeframe <tf>   kline interval: 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w
  --from <date>      first time (ISO date or epoch ms)
  --to <date>        end, exclusive (default: now)
  --dir <dir>        data folder (default: data)
  --kinds <list>     candles,mark,funding (default: all three)
  --json             print the report as JSON
  --quiet            print nothing but errors

Exit codes: 0 every file complete, 1 a file failed or has gaps (listed), 2 invalid usage.`

const FLAGS = {
  symbols: { type: 'string' },
  timeframe: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  dir: { type: 'string' },
  kinds: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

const KINDS: readonly DownloadKind[] = ['candles', 'mark', 'funding']

/** The parsed `data download` command line. */
export interface DataDownloadArgs {
  readonly symbols: readonly string[]
  readonly timeframe: string
  readonly from: number
  readonly to?: number
  readonly dir: string
  readonly kinds: readonly DownloadKind[]
  readonly json: boolean
  readonly quiet: boolean
}

function timeOf(text: string | undefined, flag: string, issues: ValidationIssue[]): number | undefined {
  if (text === undefined) return undefined
  const t = /^\d+$/.test(text) ? Number(text) : Date.parse(text)
  if (!Number.isFinite(t)) issues.push({ path: `--${flag}`, message: `"${text}" is not a date or epoch ms` })
  return t
}

/**
 * Parses `quantum-run data download …` (after the word `data`); undefined for `--help`.
 * @throws {ConfigError} listing every bad flag.
 */
export function parseDataArgs(argv: readonly string[]): DataDownloadArgs | undefined {
  const { values: v, positionals } = parseSubcommandArgs(argv, FLAGS)
  if (v.help === true) return undefined
  const issues: ValidationIssue[] = []
  if (positionals[0] !== 'download' || positionals.length > 1)
    issues.push({ path: positionals.join(' ') || '<action>', message: 'expected the action "download"' })
  const f = flagReader(v, issues)
  const symbols = (f.text('symbols') ?? '')
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== '')
  if (symbols.length === 0) issues.push({ path: '--symbols', message: 'at least one symbol, e.g. BTCUSDT' })
  const timeframe = f.text('timeframe')
  if (timeframe === undefined) issues.push({ path: '--timeframe', message: 'missing, e.g. 1h' })
  const from = timeOf(f.text('from'), 'from', issues)
  if (f.text('from') === undefined) issues.push({ path: '--from', message: 'missing, e.g. 2025-01-01' })
  const to = timeOf(f.text('to'), 'to', issues)
  const kinds = (f.text('kinds') ?? KINDS.join(',')).split(',').map((k) => k.trim())
  const bad = kinds.filter((k) => !KINDS.some((known) => known === k))
  if (bad.length > 0) issues.push({ path: '--kinds', message: `"${bad.join(',')}" not among ${KINDS.join(', ')}` })
  if (issues.length > 0) throw new ConfigError('Invalid command line (see quantum-run data --help)', issues)
  return {
    symbols,
    timeframe: timeframe as string,
    from: from as number,
    ...(to === undefined ? {} : { to }),
    dir: f.text('dir') ?? 'data',
    kinds: kinds as DownloadKind[],
    json: v.json === true,
    quiet: v.quiet === true,
  }
}

/** The report as lines: one per file, with its gaps and errors. */
export function formatDownloadReport(report: DownloadReport): string {
  const iso = (t: number): string => new Date(t).toISOString().replace(':00.000Z', 'Z')
  const lines = report.files.map((f) => {
    const head = `${f.status.padEnd(8)} ${f.path}  ${f.rows} rows (+${f.rowsAdded})`
    const gaps = f.gaps.map((g) => `\n         gap ${iso(g.from)} → ${iso(g.to)} (${g.missing} missing)`).join('')
    const error = f.error === undefined ? '' : `\n         ${f.error.name}: ${f.error.message}`
    return `${head}${gaps}${error}`
  })
  return `${lines.join('\n')}\n`
}

/** `quantum-run data download`; resolves with the exit code (1 when a file failed or has gaps). */
export async function runData(argv: readonly string[], io: SubcommandIo): Promise<number> {
  const args = parseDataArgs(argv)
  if (args === undefined) {
    io.stdout.write(`${DATA_USAGE}\n`)
    return 0
  }
  const transport = transportFromEnv(io.env)
  const { createHistoryClient, downloadHistory } = await import('@quantum/ccxt')
  const client = await createHistoryClient(transport === undefined ? {} : { transport, throttle: false })
  try {
    const report = await downloadHistory({
      client,
      dir: resolve(io.cwd, args.dir),
      symbols: args.symbols,
      timeframe: args.timeframe,
      from: args.from,
      to: args.to ?? Date.now(),
      kinds: args.kinds,
      onProgress: (p) => {
        if (!args.quiet && !args.json)
          io.stderr.write(`${p.symbol} ${p.kind}: ${p.rows} rows to ${new Date(p.last).toISOString()}\n`)
      },
    })
    if (args.json) io.stdout.write(`${toJson(report)}\n`)
    else if (!args.quiet) io.stdout.write(formatDownloadReport(report))
    return report.files.every((f) => f.status === 'complete') ? 0 : 1
  } finally {
    await client.close()
  }
}
