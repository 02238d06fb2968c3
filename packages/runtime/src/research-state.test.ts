/**
 * optimize and walk-forward record every trial in the state store, on SQLite and on PostgreSQL
 * ($QUANTUM_TEST_POSTGRES_URL, default the local server; its own schema, dropped at the end; skipped
 * with a printed reason when no server answers), and `quantum-run studies` lists them by study id.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import type { StudySummary, StudyTrialRecord, Trial } from '@quantum/core'
import { runCli } from './run-cli.js'
import { CaptureStream, fixture, tempDir } from '../test/helpers.js'

const built = existsSync(new URL('../dist/trial-worker.js', import.meta.url))
const pgUrl = process.env.QUANTUM_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `qt_research_${process.pid}_${Date.now().toString(36)}`

async function sql(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

const pgUp = await sql('select 1').then(
  () => true,
  (error: unknown) => (console.warn(`[skip] research state on PostgreSQL: ${String(error)}`), false),
)
afterAll(async () => {
  if (pgUp) await sql(`drop schema if exists ${schema} cascade`)
})

async function cli(argv: string[], cwd: string): Promise<{ code: number; out: string }> {
  const io = { stdout: new CaptureStream(), stderr: new CaptureStream(), cwd, env: {} }
  const code = await runCli(argv, io)
  expect(io.stderr.text).toBe('')
  return { code, out: io.stdout.text }
}

async function jsonLines(file: string): Promise<Trial[]> {
  return (await readFile(file, 'utf8'))
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Trial)
}

/** The state store's trials say what the study folder's trials.jsonl says. */
function expectSame(stored: StudyTrialRecord[], files: Trial[]): void {
  const sorted = [...files].sort((a, b) => a.index - b.index)
  expect(stored.map((t) => [t.index, t.status, t.params])).toEqual(
    sorted.map((t) => [t.index, t.outcome.status, t.params]),
  )
  for (const t of stored) {
    const o = sorted.find((f) => f.index === t.index)!.outcome
    if (o.status === 'ok') expect(t.value).toBe(o.value)
  }
}

const backends = [
  { name: 'SQLite', location: (dir: string) => join(dir, 'shared', 'state.db'), up: true },
  { name: 'PostgreSQL', location: () => `${pgUrl}?schema=${schema}`, up: pgUp },
]

describe.runIf(built)('research results in the state store', () => {
  for (const backend of backends) {
    it.runIf(backend.up)(
      `should record optimize and walk-forward trials on ${backend.name}, listed by study id`,
      async () => {
        const cwd = await tempDir()
        const state = backend.location(cwd)
        const opt = await cli(
          [
            'optimize',
            fixture('optimize.config.ts'),
            '--trials',
            '4',
            '--workers',
            '2',
            '--out',
            'o',
            '--state',
            state,
          ],
          cwd,
        )
        expect(opt.code).toBe(0)
        const doc = JSON.parse(await readFile(join(cwd, 'o', 'optimize.json'), 'utf8')) as { study: string }
        expect(doc.study).toMatch(/^o-[0-9a-f]{8}$/)
        const shown = await cli(['studies', 'show', doc.study, '--state', state, '--json'], cwd)
        expectSame(JSON.parse(shown.out) as StudyTrialRecord[], await jsonLines(join(cwd, 'o', 'trials.jsonl')))

        const run = await cli(
          [
            'walk-forward',
            fixture('walk-forward.config.ts'),
            ...['--windows', '2', '--trials', '3', '--workers', '2', '--out', 'wf', '--state', state],
          ],
          cwd,
        )
        expect(run.code).toBe(0)
        const wfDoc = JSON.parse(await readFile(join(cwd, 'wf', 'walk-forward.json'), 'utf8')) as { study: string }
        const listed = await cli(['studies', 'list', '--prefix', `${wfDoc.study}/`, '--state', state, '--json'], cwd)
        const windows = JSON.parse(listed.out) as StudySummary[]
        expect(windows.map((w) => [w.studyId, w.trials]).sort()).toEqual([
          [`${wfDoc.study}/window-0`, 3],
          [`${wfDoc.study}/window-1`, 3],
        ])
        for (const k of [0, 1]) {
          const trials = await cli(['studies', 'show', `${wfDoc.study}/window-${k}`, '--state', state, '--json'], cwd)
          expectSame(
            JSON.parse(trials.out) as StudyTrialRecord[],
            await jsonLines(join(cwd, 'wf', `window-${k}`, 'trials.jsonl')),
          )
        }
        // Both commands' studies are in one listing of the store.
        const all = JSON.parse((await cli(['studies', 'list', '--state', state, '--json'], cwd)).out) as StudySummary[]
        expect(all.map((s) => s.studyId)).toContain(doc.study)
      },
    )
  }

  it('should record in .quantum/state.db under the working folder by default, and nowhere with --no-state', async () => {
    const cwd = await tempDir()
    const args = ['optimize', fixture('optimize.config.ts'), '--method', 'random', '--trials', '2']
    await cli([...args, '--out', 'a', '--no-state'], cwd)
    expect(existsSync(join(cwd, '.quantum', 'state.db'))).toBe(false)
    await cli([...args, '--out', 'b'], cwd)
    const doc = JSON.parse(await readFile(join(cwd, 'b', 'optimize.json'), 'utf8')) as { study: string }
    const listed = JSON.parse((await cli(['studies', 'list', '--json'], cwd)).out) as StudySummary[]
    expect(listed.map((s) => [s.studyId, s.trials])).toEqual([[doc.study, 2]])
    expect(
      await runCli(['studies', 'show', 'no-such-study'], {
        stdout: new CaptureStream(),
        stderr: new CaptureStream(),
        cwd,
        env: {},
      }),
    ).toBe(1)
  })
})
