/**
 * The `quantum-run` subcommands beside running a config: `compare`, `optimize`, `walk-forward`...
 * The CLI hands `argv` to the subcommand named by its first word.
 * @packageDocumentation
 */
import { runCompare, type SubcommandIo } from './compare-runs.js'
import { runOptimize } from './optimize-cli.js'
import { runWalkForward } from './walk-forward-cli.js'

/** A subcommand: runs with the words after its name and resolves with the exit code. */
export type Subcommand = (argv: readonly string[], io: SubcommandIo) => Promise<number>

/** The subcommands as `quantum-run --help` lists them. */
export const SUBCOMMANDS_USAGE = `Subcommands (each takes --help):
  quantum-run compare <run-dir> <run-dir>...   run folders side by side
  quantum-run optimize <config.ts>             search the config's optimize space (worker threads)
  quantum-run walk-forward <config.ts>         optimise in-sample, test out-of-sample, window by window`

/** The subcommands by name. */
export const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  compare: runCompare,
  optimize: runOptimize,
  'walk-forward': runWalkForward,
}

/** The subcommand `argv` starts with, if any. */
export function subcommandOf(argv: readonly string[]): Subcommand | undefined {
  const first = argv[0]
  return first !== undefined && Object.hasOwn(SUBCOMMANDS, first) ? SUBCOMMANDS[first] : undefined
}
