/**
 * A project outside the monorepo, as a user makes one: the packages packed with `npm pack` and installed
 * from the tarballs with npm `--prefer-offline`: every package's tarball comes from npm's cache (`npm ci`
 * put them there), only version lists (packuments, which `npm ci` does not fetch) may come from the registry.
 * Used by the packaging test and by `.ci/run` (publint / arethetypeswrong read the same tarballs).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoDir } from '../../test-utils/shared.js'

/** The npm command (npm-cli.js of the npm running the tests, else `npm` on the PATH). */
const defaultNpm = process.env.npm_execpath?.endsWith('npm-cli.js')
  ? { command: process.execPath, prefix: [process.env.npm_execpath] }
  : { command: 'npm', prefix: [] as string[] }

/**
 * Runs npm with `args` in `cwd`; throws with npm's output when it fails.
 * @param npmCli Path of another npm's `bin/npm-cli.js` (e.g. npm 10) to run instead of the default.
 */
export function runNpm(args: readonly string[], cwd: string, npmCli?: string): SpawnSyncReturns<string> {
  const npm = npmCli === undefined ? defaultNpm : { command: process.execPath, prefix: [npmCli] }
  const r = spawnSync(npm.command, [...npm.prefix, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
  })
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`)
  return r
}

/**
 * The workspace packages a project needs for `quantum-run` (runtime and the @quantum packages it depends on,
 * read from its package.json), by folder name.
 */
export function runtimePackages(): string[] {
  const pkg = JSON.parse(readFileSync(join(repoDir, 'packages/runtime/package.json'), 'utf8')) as {
    dependencies: Record<string, string>
  }
  const deps = Object.keys(pkg.dependencies)
    .filter((name) => name.startsWith('@quantum/'))
    .map((name) => name.slice('@quantum/'.length))
  return ['runtime', ...deps.filter((d) => d !== 'runtime')]
}

/**
 * Packs workspace packages (`core`, `runtime`, …) into `dest` with `npm pack` (scripts not run: dist/ is
 * built already) and returns each tarball's path by package folder name.
 */
export function packPackages(names: readonly string[], dest: string): Record<string, string> {
  mkdirSync(dest, { recursive: true })
  const args = ['pack', '--ignore-scripts', '--json', '--pack-destination', dest]
  for (const n of names) args.push('--workspace', `packages/${n}`)
  const packed = JSON.parse(runNpm(args, repoDir).stdout) as { name: string; filename: string }[]
  return Object.fromEntries(packed.map((p) => [p.name.replace('@quantum/', ''), join(dest, p.filename)]))
}

/** What an offline install of tarballs did. */
export interface ConsumerInstall {
  /** Wall time of `npm install`, ms. */
  readonly installMs: number
  /** Bytes under node_modules (apparent size of the files). */
  readonly nodeModulesBytes: number
}

/**
 * Writes a `package.json` into `dir` and installs `tarballs` (and `extra` registry packages) with
 * `npm install --prefer-offline` (tarballs from npm's cache). No install script of any dependency runs (`--ignore-scripts`,
 * the npm 10 way; npm 11's `allowScripts` says the same in package.json).
 */
export function installConsumer(
  dir: string,
  tarballs: readonly string[],
  extra: readonly string[] = [],
  npmCli?: string,
): ConsumerInstall {
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'first-backtest', private: true, type: 'module', allowScripts: { 'onnxruntime-node': false } }, null, 2)}\n`,
  )
  const started = performance.now()
  runNpm(['install', ...INSTALL_FLAGS, '--no-audit', '--no-fund', ...tarballs, ...extra], dir, npmCli)
  return { installMs: performance.now() - started, nodeModulesBytes: dirBytes(join(dir, 'node_modules')) }
}

/** The flags of every consumer install: cache first, no dependency's install script. */
export const INSTALL_FLAGS: readonly string[] = ['--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund']

/** Apparent size of every file under `dir` (symlinks not followed). */
export function dirBytes(dir: string): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) total += dirBytes(path)
    else if (entry.isFile()) total += statSync(path).size
  }
  return total
}

/** True when `error` is npm failing for want of its cache or the registry (no network, cold cache). */
export function isUnreachable(error: unknown): boolean {
  return error instanceof Error && /ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT/.test(error.message)
}
