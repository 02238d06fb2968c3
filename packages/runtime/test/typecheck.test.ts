import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../src/run-cli.js'
import { typeCheckConfig } from '../src/typecheck.js'
import { CaptureStream, fixture, jitiOptions, tempDir } from './helpers.js'

const TYPE_ERROR = `const balance: number = 'ten thousand'

export default {
  data: { candles: './BTCUSDT-1h.csv' },
  exchange: { balance },
  plugins: [{ name: 'my:agent', kind: 'agent', onBar: () => undefined }],
}
`

/** A config file of its own folder (so that edits do not touch the fixtures). */
async function configFile(text: string): Promise<{ dir: string; file: string }> {
  const dir = await tempDir()
  const file = join(dir, 'quantum.config.ts')
  writeFileSync(file, text)
  return { dir, file }
}

async function cli(argv: string[], cwd: string, cacheDir: string) {
  const stdout = new CaptureStream()
  const stderr = new CaptureStream()
  const code = await runCli(argv, {
    stdout,
    stderr,
    cwd,
    env: {},
    jitiOptions,
    cacheDir,
    run: () => Promise.reject(new Error('must not run')),
  })
  return { code, stdout: stdout.text, stderr: stderr.text }
}

describe('type-checking quantum.config.ts', () => {
  it('stops a run on a type error with the file, line, column and TypeScript message, exit 2', async () => {
    const { dir } = await configFile(TYPE_ERROR)
    const r = await cli(['quantum.config.ts', '--no-progress'], dir, join(dir, 'cache'))
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('Type errors in quantum.config.ts (fix them, or run with --no-typecheck)')
    expect(r.stderr).toContain("quantum.config.ts:1:7: TS2322: Type 'string' is not assignable to type 'number'.")
  })

  it('skips the type check with --no-typecheck (jiti strips the types; the schema is the only guard)', async () => {
    const { dir } = await configFile(TYPE_ERROR)
    const r = await cli(['quantum.config.ts', '--no-typecheck', '--no-progress'], dir, join(dir, 'cache'))
    // Past the type check the schema still refuses the string, but only at run time and without a line.
    expect(r.stderr).toContain('exchange.balance: Invalid input: expected number, received string')
    expect(r.stderr).not.toContain('TS2322')
    expect(r.code).toBe(2)
  })

  it('remembers a passed check and checks again once a file changes', async () => {
    const { dir, file } = await configFile(TYPE_ERROR.replace("'ten thousand'", '10_000'))
    const cacheDir = join(dir, 'cache')
    const first = await typeCheckConfig(file, { cacheDir, cwd: dir })
    expect(first).toMatchObject({ issues: [], cached: false, files: [file] })
    const second = await typeCheckConfig(file, { cacheDir, cwd: dir })
    expect(second).toMatchObject({ issues: [], cached: true })
    writeFileSync(file, readFileSync(file, 'utf8').replace('10_000', "'10k'"))
    const third = await typeCheckConfig(file, { cacheDir, cwd: dir })
    expect(third.cached).toBe(false)
    expect(third.issues.map((i) => i.path)).toEqual(['quantum.config.ts:1:7'])
  })

  it('check: type-checks and validates without running, and names missing data files', async () => {
    const { dir } = await configFile(TYPE_ERROR.replace("'ten thousand'", '10_000'))
    const missing = await cli(['check', 'quantum.config.ts'], dir, join(dir, 'cache'))
    expect(missing.stderr).toContain('Missing data files for quantum.config.ts')
    expect(missing.stderr).toContain('BTCUSDT-1h.csv: no such file')
    expect(missing.code).toBe(2)
    writeFileSync(join(dir, 'BTCUSDT-1h.csv'), 'open_time,open,high,low,close,volume\n')
    const ok = await cli(['check', 'quantum.config.ts'], dir, join(dir, 'cache'))
    expect(ok.stderr).toBe('')
    expect(ok.stdout).toBe('ok  quantum.config.ts: types checked, valid; 1 plugins (my:agent); 1 data file(s) found\n')
    expect(ok.code).toBe(0)
  })

  it('check: reports a type error in an imported file with that file and line', async () => {
    const { dir } = await configFile(
      `import { balance } from './settings'\n\nexport default { data: { candles: './x.csv' }, exchange: { balance }, plugins: [] }\n`,
    )
    writeFileSync(join(dir, 'settings.ts'), `export const balance: number = 1000\nexport const fee: number = '0.1'\n`)
    const r = await cli(['check', 'quantum.config.ts'], dir, join(dir, 'cache'))
    expect(r.stderr).toContain("settings.ts:2:14: TS2322: Type 'string' is not assignable to type 'number'.")
    expect(r.code).toBe(2)
  })

  it('check: validates the fixture config against the schema and its types against the SDK declarations', async () => {
    const r = await cli(['check', fixture('invalid.config.ts')], join(fixture('.'), '..'), join(await tempDir(), 'c'))
    expect(r.stderr).toContain('Invalid config')
    expect(r.stderr).toContain('exchange.takerFee')
    expect(r.stdout).toBe('')
    expect(r.code).toBe(2)
  })
})
