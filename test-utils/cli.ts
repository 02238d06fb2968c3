/**
 * Runs the built `quantum-run` CLI in a child process, as a user does after `npm ci`.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { repoDir } from './shared.js'

/** Path of the built CLI. */
export const cliPath: string = join(repoDir, 'packages/runtime/dist/cli.js')

/** True when the packages are built (`npm ci` builds them); tests skip with a printed reason otherwise. */
export const cliBuilt: boolean = existsSync(cliPath)
if (!cliBuilt) console.warn(`[skip] ${cliPath} is missing: run "npm run build" (npm ci does) to run the CLI tests`)

/** Result of one CLI run. */
export interface CliRun {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `quantum-run <args>` with `cwd` and returns its exit code and output. */
export function runQuantum(args: readonly string[], cwd: string = repoDir): CliRun {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}
