/**
 * The adapter's fault suite at scale (test-utils/fault-episodes.ts): seeded faults on entries and stops
 * against the local emulator, per seed: duplicates, lost fills and the longest unprotected time, against
 * the target of 0, 0 and 2 s. Size: `QUANTUM_FAULT_EPISODES` x `QUANTUM_FAULT_SEEDS` (the full run is
 * 1,000 x 5; the CI smoke 50 x 1).
 */
import { runFaultEpisodes, type FaultSuiteReport } from '../test-utils/fault-episodes.js'

/** One line per seed, failures summarised (the whole list can be thousands of lines). */
export type FaultSuiteRow = Omit<FaultSuiteReport, 'failures'> & {
  readonly failureCount: number
  readonly firstFailures: readonly string[]
}

/** Runs the suite for every seed, one after the other. */
export async function benchFaultSuite(episodes: number, seeds: readonly number[]): Promise<FaultSuiteRow[]> {
  const rows: FaultSuiteRow[] = []
  for (const seed of seeds) {
    const { failures, ...report } = await runFaultEpisodes({ episodes, seed })
    rows.push({ ...report, failureCount: failures.length, firstFailures: failures.slice(0, 3) })
  }
  return rows
}
