/**
 * `quantum-run runs list|show <id>`: the history of runs kept in the state store (`--state`, an SQLite
 * file or a `postgres://` URL; default `.quantum/state.db`). Reads only: a missing SQLite file or
 * PostgreSQL schema is an error, never created.
 * @packageDocumentation
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, type RunRecord, type StateStore } from '@quantum/core'
import { isPostgresUrl, openSqliteStore, openStateStore } from '@quantum/store'
import type { CliStream } from './streams.js'
import { writeRunFromStore } from './run-state.js'

/** Where the embedded state store lives when `--state` is not given (relative to the working directory). */
export const DEFAULT_STATE_LOCATION = '.quantum/state.db'

/** Usage of the `runs` command. */
export const RUNS_USAGE = `Usage: quantum-run runs list [--state <file|postgres://…>] [--account <a>] [--limit <n>] [--json]
       quantum-run runs show <run-id> [--state <file|postgres://…>] [--json] [--write <dir>]
  --write <dir>  regenerate the run folder (summary.json, trades.csv, equity.csv) from the store`

/** What the `runs` command needs from the CLI. */
export interface RunsCommandIo {
  readonly stdout: CliStream
  readonly cwd: string
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        state: { type: 'string' },
        account: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean', default: false },
        write: { type: 'string' },
      },
    })
  } catch (error) {
    throw new ConfigError(`${error instanceof Error ? error.message : String(error)}\n${RUNS_USAGE}`)
  }
}

/**
 * Opens the state store named by `--state` (default `.quantum/state.db`); never creates one. An SQLite
 * file is opened read-only unless `write` (a command that changes it: `models promote|rollback`).
 */
export async function openForReading(state: string | undefined, cwd: string, write = false): Promise<StateStore> {
  const location = state ?? DEFAULT_STATE_LOCATION
  if (isPostgresUrl(location)) return openStateStore(location, { createIfMissing: false })
  const file = resolve(cwd, location)
  if (!existsSync(file)) {
    throw new ConfigError(`No state store at ${file}`, [{ path: '--state', message: 'file does not exist' }])
  }
  // Read-only: no write lock, migration or checkpoint, so a run writing to the same file never waits.
  return write ? openStateStore(file) : openSqliteStore(file, { readOnly: true })
}

const iso = (ms: number | undefined): string => (ms === undefined ? '-' : new Date(ms).toISOString())

function runLine(r: RunRecord): string {
  return [r.id, r.status, r.mode, r.account, r.name, iso(r.startedAt), iso(r.endedAt), r.configHash.slice(0, 12)].join(
    '  ',
  )
}

/** Runs `quantum-run runs …` (`argv` after `runs`); returns the exit code. */
export async function runRunsCommand(argv: readonly string[], io: RunsCommandIo): Promise<number> {
  const { values, positionals } = parse(argv)
  const [sub, id] = positionals
  if (sub !== 'list' && sub !== 'show') throw new ConfigError(`Unknown runs command ${String(sub)}\n${RUNS_USAGE}`)
  if (sub === 'show' && id === undefined) throw new ConfigError(`runs show needs a run id\n${RUNS_USAGE}`)
  const limit = values.limit === undefined ? 50 : Number(values.limit)
  if (!Number.isInteger(limit) || limit <= 0) {
    throw new ConfigError('Invalid --limit', [{ path: '--limit', message: 'expected a positive integer' }])
  }
  const store = await openForReading(values.state, io.cwd)
  try {
    if (sub === 'list') {
      const runs = await store.listRuns({ ...(values.account === undefined ? {} : { account: values.account }), limit })
      if (values.json) io.stdout.write(`${JSON.stringify(runs, null, 2)}\n`)
      else if (runs.length === 0) io.stdout.write(`No runs in ${store.location}\n`)
      else io.stdout.write(`${runs.map(runLine).join('\n')}\n`)
      return 0
    }
    const code = await showRun(store, id ?? '', { json: values.json, stdout: io.stdout })
    if (values.write !== undefined) {
      const files = await writeRunFromStore(store, id ?? '', resolve(io.cwd, values.write))
      if (!values.json) io.stdout.write(`wrote ${files.join(', ')}\n`)
    }
    return code
  } finally {
    await store.close()
  }
}

async function showRun(store: StateStore, id: string, out: { json: boolean; stdout: CliStream }): Promise<number> {
  const run = await store.getRun(id)
  const counts = await store.runCounts(id)
  if (run === undefined || counts === undefined) {
    throw new ConfigError(`No run ${id} in ${store.location}`, [{ path: 'run-id', message: 'unknown run' }])
  }
  const [positions, pending, trades, equity] = await Promise.all([
    store.positions(id),
    store.pendingIntents(id),
    store.trades(id),
    store.equity(id),
  ])
  const netPnl = trades.reduce((sum, t) => sum + t.netPnl, 0)
  const lastEquity = equity.at(-1)
  if (out.json) {
    out.stdout.write(
      `${JSON.stringify({ run, counts, netPnl, lastEquity, positions, pendingIntents: pending }, null, 2)}\n`,
    )
    return 0
  }
  const lines = [
    `run ${run.id} (${run.status}, ${run.mode}, account ${run.account})`,
    `  strategy     ${run.name}  config ${run.configHash}`,
    `  started      ${iso(run.startedAt)}  ended ${iso(run.endedAt)}`,
    `  journal      ${counts.intents} intents (${counts.pendingIntents} with no answer), ${counts.acks} acks, ${counts.fills} fills`,
    `  trades       ${counts.trades}, net PnL ${netPnl.toFixed(2)} USDT`,
    `  equity       ${counts.equityPoints} points${lastEquity === undefined ? '' : `, last ${lastEquity.equity.toFixed(2)} at ${iso(lastEquity.time)}`}`,
    `  positions    ${positions.length === 0 ? 'none open' : positions.map((p) => `${p.symbol} ${p.side} ${p.quantity}`).join(', ')}`,
  ]
  out.stdout.write(`${lines.join('\n')}\n`)
  return 0
}
