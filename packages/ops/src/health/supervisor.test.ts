import { describe, expect, it } from 'vitest'
import { recordSupervision } from '../metrics/metrics-observer.js'
import { createTradingMetrics } from '../metrics/trading-metrics.js'
import { createHealthSupervisor, type SupervisionEvent } from './supervisor.js'

describe('health supervisor', () => {
  it('heals each failure, escalates once after repeated failures, and reports recovery', async () => {
    const events: SupervisionEvent[] = []
    const escalations: string[] = []
    let fresh = false
    let resubscribes = 0
    const supervisor = createHealthSupervisor({
      intervalMs: 3_600_000,
      now: () => 0,
      onEvent: (e) => events.push(e),
      onEscalate: (reason) => void escalations.push(reason),
      checks: [
        {
          name: 'feed',
          check: () => ({ ok: fresh, detail: fresh ? 'last bar 2 s ago' : 'last bar 400 s ago (limit 90 s)' }),
          heal: () => void resubscribes++,
          escalateAfter: 3,
        },
        { name: 'store', check: () => ({ ok: true }) },
      ],
    })
    for (let i = 0; i < 5; i++) await supervisor.runOnce()
    expect(resubscribes).toBe(5)
    expect(escalations).toEqual(['feed failed 3 checks in a row: last bar 400 s ago (limit 90 s)'])
    expect(supervisor.readiness()).toEqual({
      ready: false,
      checks: { feed: { ok: false, detail: 'last bar 400 s ago (limit 90 s)' }, store: { ok: true } },
    })
    fresh = true
    await supervisor.runOnce()
    expect(events.filter((e) => e.type === 'recovered').map((e) => e.name)).toEqual(['feed'])
    expect(supervisor.readiness().ready).toBe(true)
    expect(events.filter((e) => e.type === 'self-heal')).toHaveLength(5)
    const metrics = createTradingMetrics({ processMetrics: false })
    for (const event of events) recordSupervision(metrics, event)
    const text = await metrics.scrape()
    expect(text).toContain('quantum_self_heal_actions_total{check="feed",outcome="ok"} 5')
    expect(text).toContain('quantum_escalations_total{check="feed"} 1')
    expect(text).toContain('quantum_health_check_up{check="feed"} 1')
    supervisor.stop()
  })

  it('counts a throwing check and a failing heal as failures, never throws itself', async () => {
    const events: SupervisionEvent[] = []
    const supervisor = createHealthSupervisor({
      intervalMs: 3_600_000,
      onEvent: (e) => events.push(e),
      checks: [
        {
          name: 'venue',
          check: () => {
            throw new Error('ECONNREFUSED 127.0.0.1:1')
          },
          heal: () => Promise.reject(new Error('reconnect failed')),
          escalateAfter: 0,
        },
      ],
    })
    await supervisor.runOnce()
    expect(events).toMatchObject([
      { type: 'health-check', name: 'venue', ok: false, detail: 'ECONNREFUSED 127.0.0.1:1' },
      { type: 'self-heal', name: 'venue', ok: false, detail: 'reconnect failed' },
    ])
    supervisor.stop()
  })

  it('is not ready before the first round', () => {
    const supervisor = createHealthSupervisor({ checks: [{ name: 'feed', check: () => ({ ok: true }) }] })
    expect(supervisor.readiness()).toEqual({ ready: false, checks: { feed: { ok: false, detail: 'not checked yet' } } })
    supervisor.stop()
  })
})
