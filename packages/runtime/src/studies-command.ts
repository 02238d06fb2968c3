/**
 * `quantum-run studies list|show <id>`: the trials that `optimize` and `walk-forward` recorded in the
 * state store (`--state`, an SQLite file or a `postgres://` URL; default `.quantum/state.db`), from every
 * machine on a shared store. Reads only.
 * @packageDocumentation
 */
import { ConfigError, type StudySummary, type StudyTrialRecord, type ValidationIssue } from '@quantum/core'
import { parseSubcommandArgs, type SubcommandIo } from './compare-runs.js'
import { flagReader } from './research-cli.js'
import { openForReading } from './runs-command.js'
import { toJson } from './serialize.js'

/** The `quantum-run studies --help` text. */
export const STUDIES_USAGE = `Usage: quantum-run studies list [--prefix <p>] [--state <file|postgres://…>] [--json]
       quantum-run studies show <study-id> [--state <file|postgres://…>] [--json]
  list   every study (id, trials, ok, best objective value, last recorded), most recent first;
         a walk-forward's windows are <study id>/window-<k>
  show   a study's trials by index (status, objective value, parameters)`

const FLAGS = {
  state: { type: 'string' },
  prefix: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

const iso = (ms: number): string => new Date(ms).toISOString()
const num = (v: number | undefined): string => (v === undefined ? '-' : v.toFixed(4))

function listLine(s: StudySummary): string {
  return `${s.studyId}  ${s.trials} trials  ${s.ok} ok  best ${num(s.best)}  last ${iso(s.lastAt)}`
}

function trialLine(t: StudyTrialRecord): string {
  return `#${t.index}  ${t.status.padEnd(10)} ${num(t.value).padStart(10)}  ${JSON.stringify(t.params)}`
}

/** `quantum-run studies`; resolves with the exit code (1 for an unknown study). */
export async function runStudiesCommand(argv: readonly string[], io: SubcommandIo): Promise<number> {
  const { values: v, positionals } = parseSubcommandArgs(argv, FLAGS)
  const [verb = 'list', id, ...rest] = positionals
  if (v.help === true) {
    io.stdout.write(`${STUDIES_USAGE}\n`)
    return 0
  }
  const issues: ValidationIssue[] = []
  const f = flagReader(v, issues)
  if (verb !== 'list' && verb !== 'show') issues.push({ path: verb, message: 'expected list or show' })
  if (verb === 'show' && id === undefined) issues.push({ path: '<study-id>', message: 'missing the study id' })
  if (rest.length > 0 || (verb === 'list' && id !== undefined))
    issues.push({ path: [id, ...rest].join(' '), message: 'unexpected argument' })
  if (issues.length > 0) throw new ConfigError('Invalid command line (see quantum-run studies --help)', issues)
  const store = await openForReading(f.text('state'), io.cwd)
  try {
    if (verb === 'list') {
      const studies = await store.studies.studies(f.text('prefix'))
      io.stdout.write(v.json === true ? `${toJson(studies)}\n` : studies.map((s) => `${listLine(s)}\n`).join(''))
      return 0
    }
    const trials = await store.studies.trials(id as string)
    if (trials.length === 0) {
      io.stderr.write(`No study ${id} in ${store.location}\n`)
      return 1
    }
    io.stdout.write(v.json === true ? `${toJson(trials)}\n` : trials.map((t) => `${trialLine(t)}\n`).join(''))
    return 0
  } finally {
    await store.close()
  }
}
