import { describe, expect, it } from 'vitest'
import {
  FAULT_KINDS,
  UNPROTECTED_GRACE_MS,
  faultSuiteFromEnv,
  runFaultEpisodes,
} from '../../../test-utils/fault-episodes.js'

// A few hundred episodes over several seeds by default; QUANTUM_FAULT_EPISODES / QUANTUM_FAULT_SEEDS change
// it (the bench runs 1,000 x 5 and prints the figures), and the timeout grows with the size.
const size = faultSuiteFromEnv(process.env, { episodes: 200, seeds: [7, 99, 31337, 2024] })

describe('BinanceUsdmExchange under seeded faults (emulator)', () => {
  it.each(size.seeds)(
    `should survive ${size.episodes} random fault episodes with seed %i: no duplicate order, no lost fill, never unprotected past ${UNPROTECTED_GRACE_MS} ms`,
    async (seed) => {
      const report = await runFaultEpisodes({ episodes: size.episodes, seed })
      expect(report.failures).toEqual([]) // every fault was absorbed by lookups and retries
      expect(report.untypedFailures).toBe(0)
      expect(report.duplicates).toBe(0)
      expect(report.netMismatchSteps).toBe(0) // no order placed twice, none lost
      expect(report.lostFills).toBe(0)
      if (report.expectedNetSteps !== 0) expect(report.openStops).toBe(1) // one stop, not a pile
      expect(report.longestUnprotectedMs).toBeLessThan(UNPROTECTED_GRACE_MS)
      expect(report.faultKindsFired).toBeGreaterThanOrEqual(Math.min(FAULT_KINDS.length - 1, size.episodes / 10))
    },
    size.timeoutPerSeedMs,
  )
})

describe('faultSuiteFromEnv', () => {
  it('should read episodes and seeds from the environment and scale the timeout with the episodes', () => {
    const small = faultSuiteFromEnv({}, { episodes: 100, seeds: [7] })
    const big = faultSuiteFromEnv(
      { QUANTUM_FAULT_EPISODES: '1000', QUANTUM_FAULT_SEEDS: '7, 99,31337,2024,42' },
      { episodes: 100, seeds: [7] },
    )
    expect(small).toEqual({ episodes: 100, seeds: [7], timeoutPerSeedMs: 110_000 })
    expect(big).toEqual({ episodes: 1000, seeds: [7, 99, 31337, 2024, 42], timeoutPerSeedMs: 560_000 })
  })

  it('should refuse sizes that are not positive integers', () => {
    expect(() => faultSuiteFromEnv({ QUANTUM_FAULT_EPISODES: '0' }, { episodes: 1, seeds: [1] })).toThrow(
      /QUANTUM_FAULT_EPISODES/,
    )
    expect(() => faultSuiteFromEnv({ QUANTUM_FAULT_SEEDS: 'seven' }, { episodes: 1, seeds: [1] })).toThrow(
      /QUANTUM_FAULT_SEEDS/,
    )
  })
})
