import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliBuilt } from '../../test-utils/cli.js'
import { repoDir } from '../../test-utils/shared.js'
import {
  INSTALL_FLAGS,
  installConsumer,
  isUnreachable,
  packPackages,
  runtimePackages,
  runNpm,
  type ConsumerInstall,
} from './consumer.js'

const MB = 1024 * 1024

const CONFIG = `import { defineConfig, definePlugin, fixedNotional } from '@quantum/core'
import { z } from 'zod'

/** Buys when the close crosses above its previous high, sells when it falls under the previous low. */
const breakout = definePlugin({
  name: 'my:breakout',
  kind: 'agent',
  options: z.strictObject({ lookback: z.number().int().min(2).default(24) }),
  create: ({ lookback }) => {
    const closes: number[] = []
    return {
      onBar: (bar) => {
        const high = Math.max(...closes)
        const low = Math.min(...closes)
        closes.push(bar.close)
        if (closes.length > lookback) closes.shift()
        if (closes.length < lookback) return undefined
        const action = bar.close > high ? 'BUY' : bar.close < low ? 'SELL' : undefined
        return action && { agent: 'my:breakout', symbol: bar.symbol, time: bar.openTime, action, confidence: 1 }
      },
    }
  },
})

export default defineConfig({
  data: { candles: './data/BTCUSDT-1h.csv', to: '2025-03-01' },
  exchange: { balance: 10_000 },
  plugins: [breakout({ lookback: 48 }), fixedNotional({ notional: 1000, leverage: 2 })],
})
`

/** Runs a command of the consumer project (its own node_modules/.bin first on the PATH). */
function inProject(dir: string, command: string, args: readonly string[]) {
  const path = `${join(dir, 'node_modules/.bin')}:${process.env.PATH ?? ''}`
  return spawnSync(command, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: path, NO_COLOR: '1' } })
}

// Packing needs the built packages (npm ci builds them); an offline install needs npm's cache (npm ci fills it).
describe.runIf(cliBuilt)('a project outside the monorepo, installed from npm pack tarballs', () => {
  const root = mkdtempSync(join(tmpdir(), 'quantum-consumer-'))
  const project = join(root, 'project')
  let tarballs: Record<string, string> = {}
  let install: ConsumerInstall | undefined
  let skipped: string | undefined

  beforeAll(() => {
    tarballs = packPackages([...runtimePackages(), 'agents'], join(root, 'tarballs'))
    try {
      install = installConsumer(
        project,
        runtimePackages().map((name) => tarballs[name]!),
      )
    } catch (error) {
      if (!isUnreachable(error)) throw error
      skipped = `npm install from the tarballs could not reach its cache or the registry: ${String(error).slice(0, 200)}`
      console.warn(`[skip] packaging test: ${skipped}`)
    }
    mkdirSync(join(project, 'data'), { recursive: true })
    copyFileSync(join(repoDir, 'examples/data/BTCUSDT-1h.csv'), join(project, 'data/BTCUSDT-1h.csv'))
    writeFileSync(join(project, 'quantum.config.ts'), CONFIG)
  }, 300_000)
  afterAll(() => rmSync(root, { recursive: true, force: true }), 60_000)

  it('installs core + runtime without ccxt, onnxruntime-node or a second rxjs, in a small node_modules', ({ skip }) => {
    if (skipped !== undefined) return skip(skipped)
    const nm = join(project, 'node_modules')
    for (const heavy of ['ccxt', 'onnxruntime-node', 'onnx-proto', '@quantum/agents'])
      expect(existsSync(join(nm, heavy)), heavy).toBe(false)
    expect(existsSync(join(nm, 'zod')), 'zod, a peer, is installed beside the SDK').toBe(true)
    expect(existsSync(join(nm, '@quantum/runtime/node_modules/rxjs'))).toBe(false)
    const runtimeJs = readFileSync(join(nm, '@quantum/runtime/dist/index.js'), 'utf8')
    expect(runtimeJs).not.toContain('class Observable')
    console.log(
      `[packaging] npm install of core + runtime tarballs: ${(install!.installMs / 1000).toFixed(1)} s, ` +
        `node_modules ${(install!.nodeModulesBytes / MB).toFixed(1)} MB`,
    )
    expect(install!.nodeModulesBytes).toBeLessThanOrEqual(60 * MB)
  }, 180_000)

  it('runs a backtest of a typed config with npx quantum-run', ({ skip }) => {
    if (skipped !== undefined) return skip(skipped)
    const r = inProject(project, 'quantum-run', ['quantum.config.ts', '--out', 'run', '--no-progress', '--json'])
    expect(r.stderr).not.toMatch(/error/i)
    expect(r.status).toBe(0)
    const summary = JSON.parse(readFileSync(join(project, 'run/summary.json'), 'utf8')) as { trades: number }
    expect(summary.trades).toBeGreaterThan(0)
  }, 180_000)

  it('type-checks the config and the SDK types with tsc --noEmit, skipLibCheck off', ({ skip }) => {
    if (skipped !== undefined) return skip(skipped)
    // A TypeScript project has typescript (and quantum-run then type-checks configs before running them).
    const ts = JSON.parse(readFileSync(join(repoDir, 'node_modules/typescript/package.json'), 'utf8')) as {
      version: string
    }
    runNpm(['install', ...INSTALL_FLAGS, '--save-dev', `typescript@${ts.version}`], project)
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          noEmit: true,
          skipLibCheck: false,
          typeRoots: [join(repoDir, 'node_modules/@types')],
          types: ['node'],
        },
        include: ['quantum.config.ts'],
      }),
    )
    const r = inProject(project, 'tsc', ['-p', 'tsconfig.json'])
    expect(r.stdout + r.stderr).toBe('')
    expect(r.status).toBe(0)
    const check = inProject(project, 'quantum-run', ['check', 'quantum.config.ts'])
    expect(check.stdout).toContain('ok  quantum.config.ts: types checked, valid')
    expect(check.status).toBe(0)
  }, 180_000)

  it('names ccxt as the package to install when a venue mode needs it', ({ skip }) => {
    if (skipped !== undefined) return skip(skipped)
    const r = inProject(project, 'quantum-run', ['quantum.config.ts', '--mode', 'paper', '--feed', 'venue'])
    expect(r.stderr).toContain('need the optional package "ccxt", which is not installed: run npm install ccxt')
    expect(r.status).toBe(1)
  }, 180_000)

  it('runs @quantum/agents without onnxruntime-node, and names it when a model agent needs it', ({ skip }) => {
    if (skipped !== undefined) return skip(skipped)
    runNpm(['install', ...INSTALL_FLAGS, tarballs.agents!], project)
    expect(existsSync(join(project, 'node_modules/onnxruntime-node'))).toBe(false)
    mkdirSync(join(project, 'models'), { recursive: true })
    for (const f of ['lgbm.onnx', 'lgbm.meta.json'])
      copyFileSync(join(repoDir, 'examples/ensemble/models', f), join(project, 'models', f))
    const config = (agent: string) =>
      `import { emaCross, lightgbmAgent } from '@quantum/agents'\nimport { defineConfig, fixedNotional } from '@quantum/core'\n` +
      `export default defineConfig({ data: { candles: './data/BTCUSDT-1h.csv', to: '2025-03-01' }, ` +
      `plugins: [${agent}, fixedNotional({ notional: 1000 })] })\n`
    writeFileSync(join(project, 'ema.config.ts'), config('emaCross({ fast: 12, slow: 26 })'))
    writeFileSync(join(project, 'model.config.ts'), config("lightgbmAgent({ model: './models/lgbm.onnx' })"))
    const ema = inProject(project, 'quantum-run', ['ema.config.ts', '--out', 'run-ema', '--no-progress', '--quiet'])
    expect(ema.stderr).toBe('')
    expect(ema.status).toBe(0)
    const model = inProject(project, 'quantum-run', ['model.config.ts', '--out', 'run-model', '--no-progress'])
    expect(model.stderr).toContain('need the optional package "onnxruntime-node"')
    expect(model.status).toBe(1)
  }, 180_000)

  it('runs the model agent once onnxruntime-node is installed without its install script', ({ skip }) => {
    if (skipped !== undefined) return skip(skipped)
    runNpm(['install', ...INSTALL_FLAGS, 'onnxruntime-node@1.30.0'], project)
    const r = inProject(project, 'quantum-run', ['model.config.ts', '--out', 'run-model', '--no-progress', '--json'])
    expect(r.stderr).not.toMatch(/error/i)
    expect(r.status).toBe(0)
    const summary = JSON.parse(readFileSync(join(project, 'run-model/summary.json'), 'utf8')) as {
      decisions?: { total: number }
    }
    expect(summary.decisions?.total).toBeGreaterThan(0)
  }, 180_000)
})

/** npm 10's npm-cli.js, when CI installed it (`.ci/run` sets QUANTUM_NPM10): Node 20 ships npm 10. */
const npm10 = process.env.QUANTUM_NPM10
const npm10Missing =
  npm10 === undefined
    ? 'QUANTUM_NPM10 is not set (.ci/run installs npm 10 from the registry and sets it)'
    : existsSync(npm10)
      ? undefined
      : `QUANTUM_NPM10=${npm10} does not exist`
if (cliBuilt && npm10Missing !== undefined) console.warn(`[skip] npm 10 packaging test: ${npm10Missing}`)

describe.runIf(cliBuilt && npm10Missing === undefined)('the same tarballs installed with npm 10', () => {
  const root = mkdtempSync(join(tmpdir(), 'quantum-npm10-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }), 60_000)

  it('installs offline without install scripts and runs a backtest', ({ skip }) => {
    const version = runNpm(['--version'], root, npm10).stdout.trim()
    expect(version).toMatch(/^10\./)
    const tarballs = packPackages(runtimePackages(), join(root, 'tarballs'))
    const project = join(root, 'project')
    try {
      installConsumer(
        project,
        runtimePackages().map((name) => tarballs[name]!),
        [],
        npm10,
      )
    } catch (error) {
      if (isUnreachable(error)) return skip(`npm 10 install could not reach its cache: ${String(error).slice(0, 200)}`)
      throw error
    }
    expect(existsSync(join(project, 'node_modules/onnxruntime-node'))).toBe(false)
    mkdirSync(join(project, 'data'), { recursive: true })
    copyFileSync(join(repoDir, 'examples/data/BTCUSDT-1h.csv'), join(project, 'data/BTCUSDT-1h.csv'))
    writeFileSync(join(project, 'quantum.config.ts'), CONFIG)
    const r = inProject(project, 'quantum-run', ['quantum.config.ts', '--out', 'run', '--no-progress', '--json'])
    expect(r.stderr).not.toMatch(/error/i)
    expect(r.status).toBe(0)
    const summary = JSON.parse(readFileSync(join(project, 'run/summary.json'), 'utf8')) as { trades: number }
    expect(summary.trades).toBeGreaterThan(0)
  }, 300_000)
})
