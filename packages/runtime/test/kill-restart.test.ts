import { describe, expect, it } from 'vitest'
import { cliBuilt } from '../../../test-utils/cli.js'
import { runKillHarness } from './kill-harness.js'

// The kill -9 harness in CI, small: a lockstep feed (the next bar once the run is quiet), 5 SIGKILLs
// between bars, half the restarts armed to crash right after their next journaled fill (before its stop),
// against an uninterrupted run on the same seed. The full count with kills at random times and after
// journaled intents is `bench/kill-restart.ts` (100 kills).
describe.runIf(cliBuilt)('kill -9 and restart (quantum-run --mode testnet --state on the emulator)', () => {
  it('should send no order twice, lose no fill, leave no position without a stop, and end with the trades of an uninterrupted run', async () => {
    const lockstep = { bars: 30 }
    const [killed, reference] = await Promise.all([
      runKillHarness({ kills: 5, seed: 7, lockstep, graceMs: 5000, log: (line) => console.log(line) }),
      runKillHarness({ kills: 0, seed: 7, lockstep }),
    ])
    console.log(JSON.stringify({ ...killed, executions: killed.executions.length, reference: reference.venueFills }))
    expect(killed.kills.length).toBeGreaterThanOrEqual(5)
    expect(killed.duplicateOrders).toBe(0)
    expect(killed.lostFills).toBe(0)
    expect(killed.extraFills).toBe(0)
    expect(killed.unprotectedChecks).toBe(0)
    expect(killed.venueFills).toBeGreaterThan(0)
    expect(killed.finalExitCode).toBe(0)
    // The deterministic feed: the same executions (side, size, price, order type) as without kills.
    expect(reference.executions.length).toBeGreaterThan(0)
    expect(killed.executions).toEqual(reference.executions)
  }, 240_000)
})
