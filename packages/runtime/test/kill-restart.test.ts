import { describe, expect, it } from 'vitest'
import { runKillHarness } from './kill-harness.js'

describe('kill -9 and restart (quantum-run --mode testnet --state on the emulator)', () => {
  it('should send no order twice, lose no fill, leave no position without a stop and stop gracefully on SIGTERM', async () => {
    const result = await runKillHarness({ kills: 3, seed: 7, log: (line) => console.log(line) })
    console.log(JSON.stringify({ ...result, kills: result.kills.length }))
    expect(result.duplicateOrders).toBe(0)
    expect(result.lostFills).toBe(0)
    expect(result.extraFills).toBe(0)
    expect(result.unprotectedChecks).toBe(0)
    expect(result.venueFills).toBeGreaterThan(0)
    expect(result.finalExitCode).toBe(0)
  }, 600_000)
})
