import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseCliArgs } from '../src/args.js'
import { runCli } from '../src/run-cli.js'
import { closest } from '@quantum/core'
import { CaptureStream, fixture, jitiOptions, tempDir } from './helpers.js'

async function cli(argv: string[], cwd: string, realRunner = false) {
  const stdout = new CaptureStream()
  const stderr = new CaptureStream()
  const code = await runCli(argv, {
    stdout,
    stderr,
    cwd,
    env: {},
    jitiOptions,
    typecheck: false,
    ...(realRunner ? {} : { run: () => Promise.reject(new Error('the run is not reached in these tests')) }),
  })
  return { code, stderr: stderr.text }
}

async function configIn(text: string): Promise<string> {
  const dir = await tempDir()
  writeFileSync(join(dir, 'quantum.config.ts'), text)
  return dir
}

function issuesOf(argv: string[]): string {
  try {
    parseCliArgs(argv)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected a ConfigError')
}

describe('quantum-run error messages', () => {
  it('reads --speed -3 as the value -3 and refuses it as a pace', () => {
    expect(issuesOf(['c.ts', '--speed', '-3'])).toContain('--speed: "-3" is not a pace (expected bars per second >= 0)')
    expect(parseCliArgs(['c.ts', '--speed', '5']).speed).toBe(5)
    expect(issuesOf(['c.ts', '--max-bars', '-1'])).toContain('--max-bars: "-1" is not a bar count')
  })

  it('suggests the closest flag, mode, feed or command for a typo', () => {
    expect(issuesOf(['c.ts', '--sped', '2'])).toContain('unknown option --sped (did you mean --speed?)')
    expect(issuesOf(['c.ts', '--no-progres'])).toContain('(did you mean --no-progress?)')
    expect(issuesOf(['c.ts', '--mode', 'bactest'])).toContain('unknown mode "bactest" (did you mean backtest?)')
    expect(issuesOf(['c.ts', '--mode', 'paper', '--feed', 'venu'])).toContain('(did you mean venue?)')
    expect(issuesOf(['chek', 'c.ts'])).toContain('chek: unknown command (did you mean check?)')
    expect(issuesOf(['c.ts', '--frobnicate'])).toMatch(/unknown option --frobnicate$/)
    expect(closest('--xyz', ['--speed', '--mode'])).toBeUndefined()
  })

  it('says a config without a default export needs one, instead of listing unknown keys', async () => {
    const cwd = await configIn(`export const config = { data: { candles: './x.csv' }, plugins: [] }\n`)
    const r = await cli(['quantum.config.ts'], cwd)
    expect(r.stderr).toContain('has no default export')
    expect(r.stderr).toContain('export default defineConfig(')
    expect(r.stderr).not.toContain('Unrecognized')
    expect(r.code).toBe(2)
  })

  it('names the file and line of an undefined name, and undoes the import interop in the message', async () => {
    const cwd = await configIn(`const fast = 12\n\nexport default { data: { candles: './x.csv' }, plugins: [slow] }\n`)
    const r = await cli(['quantum.config.ts'], cwd)
    expect(r.stderr).toContain(`${join(cwd, 'quantum.config.ts')}:3: ReferenceError: slow is not defined (a typo`)
    expect(r.code).toBe(2)
    const typo = await configIn(
      `import { definePlugn } from '@quantum/core'\n\nexport default { data: { candles: './x.csv' }, plugins: [definePlugn({})] }\n`,
    )
    const t = await cli(['quantum.config.ts'], typo)
    expect(t.stderr).toContain(
      `quantum.config.ts:3: TypeError: definePlugn is not a function: the module it is imported from`,
    )
    expect(t.stderr).toContain('(did you mean definePlugin?)')
    expect(t.code).toBe(2)
  })

  it("suggests the option a plugin takes for a mistyped one, at the config's own line", async () => {
    const cwd = await configIn(
      `import { fixedNotional } from '@quantum/core'\n\nexport default { data: { candles: './x.csv' }, plugins: [fixedNotional({ notionl: 5 })] }\n`,
    )
    const r = await cli(['quantum.config.ts'], cwd)
    expect(r.stderr).toContain(`${join(cwd, 'quantum.config.ts')}:3: ConfigError: Invalid options of`)
    expect(r.stderr).toContain('Unrecognized key: "notionl" (did you mean notional?)')
    expect(r.code).toBe(2)
  })

  it('suggests the config key meant by an unknown one', async () => {
    const cwd = await configIn(
      `export default { datas: { candles: './x.csv' }, exchange: { balanse: 5 }, plugins: [{ name: 'a:b', kind: 'agent', onBar: () => undefined }] }\n`,
    )
    const r = await cli(['quantum.config.ts'], cwd)
    expect(r.stderr).toContain('Unrecognized key: "datas" (did you mean data?)')
    expect(r.stderr).toContain('Unrecognized key: "balanse" (did you mean balance?)')
    expect(r.code).toBe(2)
  })

  it('exits 2 for a missing data file as for a missing config file', async () => {
    const cwd = await tempDir()
    const data = await cli([fixture('valid.config.ts'), '--data', 'nope.csv', '--no-progress'], cwd, true)
    expect(data.stderr).toContain(join(cwd, 'nope.csv'))
    expect(data.code).toBe(2)
    const config = await cli(['nope.config.ts'], cwd)
    expect(config.stderr).toContain('Config file not found')
    expect(config.code).toBe(2)
  })
})
