import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { AuthError, ConfigError, createEventBus } from '@quantum/core'
import type { EngineEvent } from '@quantum/core'
import { beforeEach, describe, expect, it } from 'vitest'
import { fakeContext } from '../../test/fake-context.js'
import { EmergencyStop } from './emergency-stop.js'
import { fileEssStore, memoryEssStore } from './ess-store.js'

const TOKEN = 'correct-horse-battery'
const T0 = Date.UTC(2024, 7, 5)

describe('EmergencyStop', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ess-'))
  })

  it('should reject unknown and out-of-range options with a ConfigError', () => {
    expect(() => new EmergencyStop({ dailyDrawdownPct: 2 })).toThrow(ConfigError)
    expect(() => new EmergencyStop({ trigger: 'x' } as never)).toThrow(/ess/)
    expect(() => new EmergencyStop({ token: 'short' })).toThrow(/token/)
  })

  it('should trip once, keep the first reason, and emit a risk-state event with the trading state', () => {
    const ess = new EmergencyStop({ token: TOKEN }, { store: memoryEssStore() })
    const bus = createEventBus()
    const events: EngineEvent[] = []
    bus.events$.subscribe((e) => events.push(e))
    ess.board.attach(bus)
    expect(ess.state).toBe('ARMED')
    ess.trip('operator', { time: T0 })
    ess.trip('second', { time: T0 + 1 })
    expect(ess.status()).toMatchObject({
      state: 'TRIPPED',
      reason: 'operator',
      trigger: 'manual',
      tradingState: 'halted',
    })
    expect(events).toEqual([
      expect.objectContaining({
        type: 'risk-state',
        source: 'ess',
        state: 'TRIPPED',
        tradingState: 'halted',
        time: T0,
      }),
    ])
  })

  it('should reset only with the right token (AuthError otherwise) and never with none configured', () => {
    const ess = new EmergencyStop({ token: TOKEN }, { store: memoryEssStore() })
    ess.trip('test', { time: T0 })
    expect(() => ess.reset(undefined)).toThrow(AuthError)
    expect(() => ess.reset('wrong-token-value')).toThrow(AuthError)
    expect(ess.state).toBe('TRIPPED')
    ess.reset(TOKEN, T0 + 1)
    expect(ess.status()).toMatchObject({ state: 'ARMED', tradingState: 'active' })
    const none = new EmergencyStop({}, { store: memoryEssStore(), env: {} })
    none.trip('test')
    expect(() => none.reset(TOKEN)).toThrow(/no reset token/)
    const fromEnv = new EmergencyStop({}, { store: memoryEssStore(), env: { QUANTUM_ESS_TOKEN: TOKEN } })
    fromEnv.trip('test')
    fromEnv.reset(TOKEN)
    expect(fromEnv.state).toBe('ARMED')
  })

  it('should survive a restart: a new instance on the same file comes up TRIPPED with the reason', () => {
    const file = join(dir, 'state', 'ess.json')
    const first = new EmergencyStop({ token: TOKEN }, { store: fileEssStore(file) })
    first.trip('daily drawdown 6%', { trigger: 'daily-drawdown', time: T0 })
    const second = new EmergencyStop({ token: TOKEN }, { store: fileEssStore(file) })
    expect(second.status()).toMatchObject({
      state: 'TRIPPED',
      reason: 'daily drawdown 6%',
      trigger: 'daily-drawdown',
      trippedAt: '2024-08-05T00:00:00.000Z',
    })
    second.reset(TOKEN, T0 + 5)
    expect(new EmergencyStop({ token: TOKEN }, { store: fileEssStore(file) }).state).toBe('ARMED')
    // Only the state file is left: the temporary files were renamed over it.
    expect(readdirSync(join(dir, 'state'))).toEqual(['ess.json'])
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 2, state: 'ARMED', account: 'live' })
  })

  it('should refuse a hand-written DISARMED (or ARMED) state file and come up TRIPPED', () => {
    const file = join(dir, 'forged.json')
    const open = (): EmergencyStop => new EmergencyStop({ token: TOKEN }, { store: fileEssStore(file), env: {} })
    writeFileSync(file, JSON.stringify({ version: 1, state: 'DISARMED', updatedAt: 0 }))
    expect(open().status()).toMatchObject({ state: 'TRIPPED', reason: expect.stringContaining('unsealed DISARMED') })
    const seal = 'ab'.repeat(32)
    writeFileSync(file, JSON.stringify({ version: 2, state: 'DISARMED', updatedAt: 0, account: 'live', seal }))
    expect(open().status()).toMatchObject({ state: 'TRIPPED', reason: expect.stringContaining('seal does not match') })
  })

  it('should refuse a sealed record of another token or another account, and one it cannot verify', () => {
    const file = join(dir, 'sealed.json')
    const other = new EmergencyStop({ token: 'another-token-of-the-same-desk' }, { store: fileEssStore(file) })
    other.disarm('another-token-of-the-same-desk', T0)
    expect(new EmergencyStop({ token: TOKEN }, { store: fileEssStore(file), env: {} }).state).toBe('TRIPPED')
    expect(new EmergencyStop({}, { store: fileEssStore(file), env: {} }).status().reason).toContain('no token')
    const mine = new EmergencyStop({ token: TOKEN }, { store: fileEssStore(file), env: {} })
    mine.open('testnet')
    mine.reset(TOKEN, T0)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ account: 'testnet', state: 'ARMED' })
    const onLive = new EmergencyStop({ token: TOKEN }, { store: fileEssStore(file), env: {} })
    onLive.open('live')
    expect(onLive.status()).toMatchObject({ state: 'TRIPPED', reason: expect.stringContaining('account testnet') })
    const sameAccount = new EmergencyStop({ token: TOKEN }, { store: fileEssStore(file), env: {} })
    sameAccount.open('testnet')
    expect(sameAccount.state).toBe('ARMED')
  })

  it('should keep its state at an absolute path per account, never relative to the working directory', () => {
    const ess = new EmergencyStop({ token: TOKEN }, { env: { QUANTUM_STATE_DIR: dir } })
    ess.bindAccount({ account: 'live-0123abcd' })
    expect(ess.statePath('live-0123abcd')).toBe(join(dir, 'live-0123abcd', 'ess-state.json'))
    ess.open('live')
    ess.trip('by hand', { time: T0 })
    expect(JSON.parse(readFileSync(join(dir, 'live-0123abcd', 'ess-state.json'), 'utf8'))).toMatchObject({
      state: 'TRIPPED',
      account: 'live-0123abcd',
    })
    const relative = new EmergencyStop({ file: 'x/ess.json' }, { env: { QUANTUM_STATE_DIR: dir } })
    expect(relative.statePath('live')).toBe(join(dir, 'x', 'ess.json'))
    const fallback = new EmergencyStop({}, { env: {} })
    expect(isAbsolute(fallback.statePath('live'))).toBe(true)
    expect(fallback.statePath('live').startsWith(process.cwd())).toBe(process.cwd() === homedir())
    expect(() => new EmergencyStop({}, { env: { QUANTUM_STATE_DIR: 'state' } }).statePath()).toThrow(
      /QUANTUM_STATE_DIR/,
    )
    expect(() => ess.bindAccount({ account: 'late' })).toThrow(/already opened/)
  })

  it('should refuse reset tokens shorter than 16 characters, from the options and from the environment', () => {
    expect(() => new EmergencyStop({ token: 'short-token' })).toThrow(/at least 16/)
    expect(() => new EmergencyStop({}, { env: { QUANTUM_ESS_TOKEN: 'short-token' } })).toThrow(/QUANTUM_ESS_TOKEN/)
    expect(new EmergencyStop({}, { env: { QUANTUM_ESS_TOKEN: TOKEN } }).status().resettable).toBe(true)
  })

  it('should fail closed on a half-written or foreign state file', () => {
    const file = join(dir, 'ess.json')
    writeFileSync(file, '{"version":1,"state":"ARM')
    const ess = new EmergencyStop({}, { store: fileEssStore(file) })
    expect(ess.status()).toMatchObject({ state: 'TRIPPED', reason: expect.stringContaining('unreadable') })
    writeFileSync(file, JSON.stringify({ version: 1, state: 'ARMED', updatedAt: 0, extra: true }))
    expect(new EmergencyStop({}, { store: fileEssStore(file) }).state).toBe('TRIPPED')
  })

  it('should keep the old state when a reset cannot be saved', () => {
    let fail = false
    const inner = memoryEssStore()
    const store = {
      kind: 'flaky',
      load: inner.load,
      save: (r: Parameters<typeof inner.save>[0]) =>
        fail
          ? (() => {
              throw new Error('disk full')
            })()
          : inner.save(r),
    }
    const ess = new EmergencyStop({ token: TOKEN }, { store })
    ess.trip('x', { time: T0 })
    fail = true
    expect(() => ess.reset(TOKEN)).toThrow('disk full')
    expect(ess.state).toBe('TRIPPED')
  })

  it('should trip on the daily drawdown, the open loss, stale data and error bursts, with the trigger', () => {
    const ctx = fakeContext({ balance: 10_000 })
    const bar = (time: number, symbol = 'BTCUSDT') => ({ symbol, openTime: time })
    const dd = new EmergencyStop({ openLossPct: false, staleBars: false }, { store: memoryEssStore() })
    dd.onBar(bar(T0), ctx.account)
    ctx.wallet = 9_490
    dd.onBar(bar(T0 + 3_600_000), ctx.account)
    expect(dd.status()).toMatchObject({ state: 'TRIPPED', trigger: 'daily-drawdown' })

    const ol = fakeContext({ balance: 10_000 })
    ol.setPrice('BTCUSDT', 50_000)
    ol.hold('BTCUSDT', 0.2, { entry: 52_000 }) // -400: 4% of 10,000
    const loss = new EmergencyStop({ dailyDrawdownPct: false, openLossPct: 0.03 }, { store: memoryEssStore() })
    loss.onBar(bar(T0), ol.account)
    expect(loss.status()).toMatchObject({ state: 'TRIPPED', trigger: 'open-loss' })

    const stale = new EmergencyStop(
      { dailyDrawdownPct: false, openLossPct: false, staleBars: 3 },
      { store: memoryEssStore() },
    )
    for (let h = 0; h < 3; h++) {
      stale.onBar(bar(T0 + h * 3_600_000, 'BTCUSDT'), ctx.account)
      stale.onBar(bar(T0 + h * 3_600_000, 'ETHUSDT'), ctx.account)
    }
    for (let h = 3; h < 6; h++) stale.onBar(bar(T0 + h * 3_600_000, 'BTCUSDT'), ctx.account)
    expect(stale.state).toBe('ARMED') // ETH last seen 3 intervals ago: not yet
    stale.onBar(bar(T0 + 6 * 3_600_000, 'BTCUSDT'), ctx.account)
    expect(stale.status()).toMatchObject({
      state: 'TRIPPED',
      trigger: 'stale-data',
      reason: expect.stringContaining('ETHUSDT'),
    })

    const burst = new EmergencyStop({ errorBurst: { count: 3, windowMs: 60_000 } }, { store: memoryEssStore() })
    const rejected = { type: 'order-rejected', request: {}, error: new Error('x') } as unknown as EngineEvent
    burst.onEvent(rejected, T0)
    burst.onEvent(rejected, T0 + 70_000) // the first fell out of the window
    burst.onEvent(rejected, T0 + 80_000)
    expect(burst.state).toBe('ARMED')
    burst.onEvent(rejected, T0 + 90_000)
    expect(burst.status()).toMatchObject({ state: 'TRIPPED', trigger: 'error-burst' })
  })

  it('should watch nothing when DISARMED but still trip manually, and restart the day after a reset', () => {
    const ctx = fakeContext({ balance: 10_000 })
    const ess = new EmergencyStop({ token: TOKEN }, { store: memoryEssStore() })
    ess.disarm(TOKEN, T0)
    ess.onBar({ symbol: 'BTCUSDT', openTime: T0 }, ctx.account)
    ctx.wallet = 8_000
    ess.onBar({ symbol: 'BTCUSDT', openTime: T0 + 1 }, ctx.account)
    expect(ess.state).toBe('DISARMED')
    ess.trip('manual', { time: T0 + 2 })
    ess.reset(TOKEN, T0 + 3)
    ess.onBar({ symbol: 'BTCUSDT', openTime: T0 + 4 }, ctx.account) // the day restarts at 8,000
    expect(ess.state).toBe('ARMED')
  })
})
