import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliBuilt } from '../../test-utils/cli.js'
import { repoDir } from '../../test-utils/shared.js'
import { INSTALL_FLAGS, isUnreachable, packPackages, runNpm, runtimePackages } from './consumer.js'

const bin = join(repoDir, 'packages/create-quantum/bin/create-quantum.js')

function create(args: readonly string[], cwd: string) {
  return spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' })
}

/** `npm run <script>` in the project (its node_modules/.bin on the PATH, as npm puts it). */
function npmRun(dir: string, script: string, ...args: string[]) {
  try {
    return { status: 0, out: runNpm(['run', script, '--', ...args], dir).stdout }
  } catch (error) {
    return { status: 1, out: String(error) }
  }
}

describe('npm create quantum', () => {
  const root = mkdtempSync(join(tmpdir(), 'quantum-create-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }), 60_000)

  it('writes a project from the template, offline, and refuses a folder that is not empty', () => {
    const r = create(['my-bot'], root)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const dir = join(root, 'my-bot')
    expect(readdirSync(dir).sort()).toEqual(
      ['.gitignore', 'README.md', 'data', 'package.json', 'quantum.config.ts', 'src', 'tsconfig.json'].sort(),
    )
    expect(readdirSync(join(dir, 'src')).sort()).toEqual(['breakout.test.ts', 'breakout.ts'])
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string
      scripts: Record<string, string>
    }
    expect(pkg.name).toBe('my-bot')
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['backtest', 'paper', 'test', 'check']))
    expect(readFileSync(join(dir, 'quantum.config.ts'), 'utf8')).toContain("name: 'my-bot'")
    const again = create(['my-bot'], root)
    expect(again.stderr).toContain('is not empty')
    expect(again.status).toBe(2)
    expect(create([], root).status).toBe(2)
  })

  // The generated project installed from the packed SDK: its scripts as a new user runs them.
  describe.runIf(cliBuilt)('the generated project, installed from the npm pack tarballs', () => {
    const dir = join(root, 'installed-bot')
    let skipped: string | undefined

    beforeAll(() => {
      expect(create(['installed-bot'], root).status).toBe(0)
      const t = packPackages(runtimePackages(), join(root, 'tarballs'))
      try {
        runNpm(['install', ...INSTALL_FLAGS, ...runtimePackages().map((name) => t[name]!)], dir)
      } catch (error) {
        if (!isUnreachable(error)) throw error
        skipped = `npm install could not reach its cache or the registry: ${String(error).slice(0, 200)}`
        console.warn(`[skip] scaffold install: ${skipped}`)
      }
    }, 300_000)

    // Each step is a whole process (npm, node, TypeScript): minutes on a loaded 2-core machine.
    it('backtests with npm run backtest (the config type-checked first) into a run folder with a report', ({
      skip,
    }) => {
      if (skipped !== undefined) return skip(skipped)
      const backtest = npmRun(dir, 'backtest', '--no-progress', '--out', 'runs/first')
      expect(backtest.out).toContain('Run folder')
      expect(backtest.status).toBe(0)
      expect(existsSync(join(dir, 'runs/first/report.html'))).toBe(true)
      const summary = JSON.parse(readFileSync(join(dir, 'runs/first/summary.json'), 'utf8')) as { trades: number }
      expect(summary.trades).toBeGreaterThan(0)
    }, 180_000)

    it('paper-trades the same candles with npm run paper', ({ skip }) => {
      if (skipped !== undefined) return skip(skipped)
      const paper = npmRun(dir, 'paper', '--no-progress', '--out', 'runs/paper', '--quiet')
      expect(paper.status).toBe(0)
      expect(existsSync(join(dir, 'runs/paper/summary.json'))).toBe(true)
    }, 180_000)

    it('checks the config, runs the agent tests and type-checks the project', ({ skip }) => {
      if (skipped !== undefined) return skip(skipped)
      const check = npmRun(dir, 'check')
      expect(check.out).toContain('ok  quantum.config.ts: types checked, valid')
      const test = npmRun(dir, 'test')
      expect(test.out).toMatch(/# pass 3/)
      expect(test.status).toBe(0)
      const typecheck = npmRun(dir, 'typecheck')
      expect(typecheck.out).not.toContain('error TS')
      expect(typecheck.status).toBe(0)
    }, 240_000)
  })
})
