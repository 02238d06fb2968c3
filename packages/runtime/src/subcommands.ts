/**
 * The `quantum-run` subcommands beside running a config: `compare`, `optimize`, `walk-forward`, `data`...
 * The CLI hands `argv` to the subcommand named by its first word.
 * @packageDocumentation
 */
import type { SubcommandIo } from './compare-runs.js'

/** A subcommand: runs with the words after its name and resolves with the exit code. */
export type Subcommand = (argv: readonly string[], io: SubcommandIo) => Promise<number>

/** The subcommands by name, each loaded when used (a plain run loads none of them). */
export const SUBCOMMANDS: Readonly<Record<string, () => Promise<Subcommand>>> = {
  compare: async () => (await import('./compare-runs.js')).runCompare,
  optimize: async () => (await import('./optimize-cli.js')).runOptimize,
  'walk-forward': async () => (await import('./walk-forward-cli.js')).runWalkForward,
  runs: async () => (await import('./runs-command.js')).runRunsCommand,
  data: async () => (await import('./data-cli.js')).runData,
  'check-bias': async () => (await import('./check-bias-cli.js')).runCheckBias,
  worker: async () => (await import('./worker-cli.js')).runWorker,
  models: async () => (await import('./models-command.js')).runModelsCommand,
  studies: async () => (await import('./studies-command.js')).runStudiesCommand,
}

/** The subcommand `argv` starts with, if any. */
export async function subcommandOf(argv: readonly string[]): Promise<Subcommand | undefined> {
  const first = argv[0]
  return first !== undefined && Object.hasOwn(SUBCOMMANDS, first) ? await SUBCOMMANDS[first]!() : undefined
}
