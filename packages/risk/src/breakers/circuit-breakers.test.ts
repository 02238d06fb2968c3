import { ConfigError, createEventBus } from '@quantum/core'
import type { EngineEvent, Fill } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { fakeContext, market } from '../../test/fake-context.js'
import { circuitBreakerGuard } from './circuit-breaker-guard.js'
import { CircuitBreakers } from './circuit-breakers.js'

const T0 = Date.UTC(2024, 7, 5)
const HOUR = 3_600_000
const closing = (pnl: number): EngineEvent =>
  ({
    type: 'fill',
    fill: { realizedPnl: pnl, fee: 1, reduceOnly: true } as Fill,
    position: {},
  }) as unknown as EngineEvent
const error = { type: 'plugin-error', plugin: 'x', hook: 'onBar', error: new Error('x') } as EngineEvent

describe('CircuitBreakers', () => {
  it('should reject unknown breakers and bad cool-downs', () => {
    expect(() => new CircuitBreakers({ bogus: false } as never)).toThrow(ConfigError)
    expect(() => new CircuitBreakers({ latency: { thresholdMs: 100, count: 1, coolDownMs: -5 } })).toThrow(
      /breakers.latency/,
    )
  })

  it('should open after N losing closes in a row, reduce for the cool-down, then close by itself', () => {
    const b = new CircuitBreakers({ consecutiveLosses: { count: 3, coolDownMs: 4 * HOUR } })
    const bus = createEventBus()
    const seen: EngineEvent[] = []
    bus.events$.subscribe((e) => seen.push(e))
    b.board.attach(bus)
    b.onEvent(closing(-10), T0)
    b.onEvent(closing(-10), T0 + HOUR)
    b.onEvent(closing(50), T0 + 2 * HOUR) // a win resets the count
    b.onEvent(closing(-10), T0 + 3 * HOUR)
    b.onEvent(closing(-10), T0 + 4 * HOUR)
    expect(b.tradingState(T0 + 4 * HOUR)).toBe('active')
    b.onEvent(closing(0.5), T0 + 5 * HOUR) // +0.5 gross is a loss net of the 1 USDT fee
    expect(b.tradingState(T0 + 5 * HOUR)).toBe('reducing')
    expect(b.tradingState(T0 + 9 * HOUR - 1)).toBe('reducing')
    expect(b.tradingState(T0 + 9 * HOUR)).toBe('active')
    expect(seen.map((e) => (e.type === 'risk-state' ? `${e.source}:${e.state}:${e.tradingState}` : e.type))).toEqual([
      'breaker:consecutive-losses:OPEN:reducing',
      'breaker:consecutive-losses:CLOSED:active',
    ])
  })

  it('should open on an error burst within the window and on a run of slow round trips', () => {
    const b = new CircuitBreakers({
      errorBurst: { count: 3, windowMs: 60_000, coolDownMs: 600_000 },
      latency: { thresholdMs: 1000, count: 2, coolDownMs: 60_000 },
    })
    b.onEvent(error, T0)
    b.onEvent(error, T0 + 61_000)
    b.onEvent(error, T0 + 62_000)
    expect(b.tradingState(T0 + 62_000)).toBe('active')
    b.onEvent(error, T0 + 63_000)
    expect(b.status(T0 + 63_000).find((s) => s.name === 'error-burst')).toMatchObject({
      state: 'OPEN',
      openUntil: T0 + 663_000,
    })
    const l = new CircuitBreakers()
    l.recordLatency(2500, T0)
    l.recordLatency(100, T0 + 1)
    l.recordLatency(2500, T0 + 2)
    l.recordLatency(2500, T0 + 3)
    expect(l.tradingState(T0 + 3)).toBe('active')
    l.recordLatency(3000, T0 + 4)
    expect(l.tradingState(T0 + 4)).toBe('reducing')
    expect(l.tradingState(T0 + 4 + 300_000)).toBe('active')
  })

  it('should make the guard deny entries while open and always pass reduce-only', () => {
    const b = new CircuitBreakers({ errorBurst: { count: 1, windowMs: 1000, coolDownMs: HOUR } })
    const guard = circuitBreakerGuard(b)
    const ctx = fakeContext({ time: T0 })
    void guard.setup!(ctx)
    ctx.bus.emit(error)
    const buy = market('BTCUSDT', 'BUY', { quantity: 0.01 })
    expect(guard.check(buy, ctx)).toMatchObject({ action: 'deny', reason: expect.stringContaining('error-burst') })
    expect(guard.check({ ...buy, side: 'SELL', reduceOnly: true }, ctx).action).toBe('approve')
    ctx.setTime(T0 + HOUR)
    expect(guard.check(buy, ctx).action).toBe('approve')
    void guard.dispose?.()
  })
})
