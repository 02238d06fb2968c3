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
