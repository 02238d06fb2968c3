import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, DataError, SimulatedClock, createEventBus, createLogger, sfc32 } from '@quantum/core'
import type { Decision, Fill, OrderIntent, PluginContext, Position, PositionSide } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { createRegimeStore } from '../regime/regime-store.js'
import { QLearner, actionGrid, readQTable } from './q-learner.js'
import { rlPositionSizing } from './rl-sizer.js'

const SYMBOL = 'BTCUSDT'

function flat(symbol: string): Position {
  return {
    symbol,
    side: 'FLAT',
    quantity: 0,
    entryPrice: 0,
    leverage: 20,
    margin: 0,
    markPrice: 0,
    unrealizedPnl: 0,
    liquidationPrice: 0,
    openedAt: 0,
  }
}

/** A context whose account holds positions the test sets, and whose logger keeps the records. */
function context(minNotional = 5) {
  const positions = new Map<string, Position>()
  const logs: string[] = []
  const bus = createEventBus()
  const ctx = {
    mode: 'backtest',
    clock: new SimulatedClock(1),
    logger: createLogger({ level: 'debug', write: (l) => logs.push(l) }),
    bus,
    account: { getPosition: (s: string) => positions.get(s) ?? flat(s) },
    exchange: { instrument: () => ({ minNotional }) },
  } as unknown as PluginContext
  const setPosition = (side: PositionSide, quantity: number): Position => {
    const p = { ...flat(SYMBOL), side, quantity, entryPrice: 100 }
    positions.set(SYMBOL, p)
    return p
  }
  let id = 0
  /** Emits a fill and the position after it. */
  const fill = (f: { side: 'BUY' | 'SELL'; quantity: number; pnl: number; after: [PositionSide, number] }): void => {
    const position = setPosition(...f.after)
    const event: Fill = {
      id: `f${++id}`,
      orderId: `o${id}`,
      clientOrderId: `c${id}`,
      symbol: SYMBOL,
      side: f.side,
      price: 100,
      quantity: f.quantity,
      fee: 0,
      liquidity: 'taker',
      realizedPnl: f.pnl,
      time: id,
      reduceOnly: f.after[1] === 0,
    }
    bus.emit({ type: 'fill', fill: event, position })
  }
  return { ctx, logs, fill }
}

const decision = (action: 'BUY' | 'SELL', confidence = 0.7): Decision => ({
  symbol: SYMBOL,
  time: 1,
  action,
  confidence,
  votes: [],
  price: 100,
})
const entryOf = (intents: readonly OrderIntent[]): OrderIntent => intents.find((i) => i.tag === 'entry')!

describe('rlPositionSizing', () => {
  it('rejects bad options with a ConfigError', () => {
    expect(() => rlPositionSizing({ minNotional: 9000 })).toThrow(ConfigError)
    expect(() => rlPositionSizing({ epsilon: 2 })).toThrow(ConfigError)
    expect(() => rlPositionSizing({ regimes: {} as never })).toThrow(ConfigError)
  })

  it('moves Q towards the rewards on a toy sequence (alpha 0.2)', () => {
    const learner = new QLearner({
      actions: actionGrid({
        minNotional: 10,
        maxNotional: 8000,
        notionalSteps: 5,
        minLeverage: 15,
        maxLeverage: 25,
        leverageSteps: 3,
      }),
      alpha: 0.2,
      gamma: 0.95,
      epsilon: 0.1,
      random: sfc32(1),
    })
    expect(learner.best('s')).toBe(7) // untrained: the middle action
    expect(learner.update({ state: 's', action: 2, reward: 10, next: 'end' })).toBeCloseTo(2, 12)
    expect(learner.update({ state: 's', action: 2, reward: 10, next: 'end' })).toBeCloseTo(3.6, 12)
    learner.update({ state: 's', action: 7, reward: -10, next: 'end' })
    for (let k = 0; k < 50; k++) learner.update({ state: 's', action: 2, reward: 10, next: 'end' })
    expect(learner.values('s')[2]).toBeCloseTo(10, 3)
    expect(learner.best('s')).toBe(2)
    // With a bootstrap: r + gamma * max Q(next) = 0 + 0.95 * 10.
    expect(learner.update({ state: 'p', action: 0, reward: 0, next: 's' })).toBeCloseTo(
      0.2 * 0.95 * learner.values('s')[2]!,
      12,
    )
  })

  it('learns from the closing fill of the trade it opened, and persists the table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-sizer-'))
    const path = join(dir, 'q.json')
    const regimes = createRegimeStore()
    regimes.set(SYMBOL, { regime: 'trend-up', time: 1 })
    const sizer = rlPositionSizing({ epsilon: 0, qTablePath: path, regimes })
    const { ctx, fill } = context()
    await sizer.setup?.(ctx)
    const entry = entryOf(sizer.size(decision('BUY', 0.9), ctx))
    fill({ side: 'BUY', quantity: 1, pnl: 0, after: ['LONG', 1] })
    // SELL reverses: close the long (+50 USDT realised), then open a short.
    const intents = sizer.size(decision('SELL', 0.9), ctx)
    expect(intents[0]).toMatchObject({ reduceOnly: true, quantity: 1, tag: 'reverse' })
    fill({ side: 'SELL', quantity: 1, pnl: 50, after: ['FLAT', 0] })
    await sizer.dispose?.()
    const file = readQTable(path)!
    const row = file.states['trend-up|neutral|high']!
    expect(row[7]).toBeCloseTo(0.2 * 50, 12) // the middle action earned alpha * reward
    expect(entry).toMatchObject({ quoteQuantity: file.actions[7]!.notional, leverage: 20 })
    // A new sizer loads the table and acts on it.
    const again = rlPositionSizing({ epsilon: 0, qTablePath: path, regimes })
    await again.setup?.(context().ctx)
    expect(entryOf(again.size(decision('BUY', 0.9), context().ctx)).quoteQuantity).toBe(file.actions[7]!.notional)
    await again.dispose?.()
    expect(readQTable(path)!.updates).toBe(1)
  })

  it('should hand its learnt state (table, open trades, recent PnL) to a restarted sizer, which learns on as if never stopped', async () => {
    const sizer = rlPositionSizing({ epsilon: 0 })
    const { ctx, fill } = context()
    await sizer.setup?.(ctx)
    sizer.size(decision('BUY', 0.9), ctx)
    fill({ side: 'BUY', quantity: 1, pnl: 0, after: ['LONG', 1] })
    fill({ side: 'SELL', quantity: 1, pnl: 50, after: ['FLAT', 0] }) // one closed trade: +50 learnt
    sizer.size(decision('BUY', 0.9), ctx)
    fill({ side: 'BUY', quantity: 1, pnl: 0, after: ['LONG', 1] }) // a second trade, open at the "crash"
    const stored = JSON.parse(JSON.stringify(sizer.learnedState?.())) as {
      table: { updates: number }
      open: unknown[]
      recentPnl: number[]
    }
    expect(stored.table.updates).toBe(1)
    expect(stored.open).toHaveLength(1)
    expect(stored.recentPnl).toEqual([50])
    // The restart: a fresh sizer (no file) gets the stored state, then the open trade closes.
    const restarted = rlPositionSizing({ epsilon: 0 })
    const next = context()
    await restarted.setup?.(next.ctx)
    restarted.restoreLearnedState?.(stored, next.ctx)
    expect(restarted.learnedState?.()).toEqual(sizer.learnedState?.())
    next.fill({ side: 'BUY', quantity: 1, pnl: 0, after: ['LONG', 1] })
    next.fill({ side: 'SELL', quantity: 1, pnl: -20, after: ['FLAT', 0] })
    const after = restarted.learnedState?.() as { table: { updates: number }; recentPnl: number[] }
    expect(after.table.updates).toBe(2) // the trade opened before the restart was learnt from
    expect(after.recentPnl).toEqual([50, -20])
    // A stored state that is not the sizer's is a DataError (the kernel reports it as a plugin error).
    expect(() => restarted.restoreLearnedState?.({ table: 'x' }, next.ctx)).toThrow(DataError)
  })

  it('survives a corrupt table: warning, file moved aside, fresh table; or a DataError on request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-sizer-'))
    const path = join(dir, 'q.json')
    writeFileSync(path, '{"version":1,"actions":[{"notional":')
    const { ctx, logs } = context()
    const sizer = rlPositionSizing({ qTablePath: path })
    await expect(sizer.setup?.(ctx)).resolves.toBeUndefined()
    expect(logs.some((l) => l.includes('corrupt rl q-table'))).toBe(true)
    expect(existsSync(`${path}.corrupt`)).toBe(true)
    await sizer.dispose?.()
    expect(readQTable(path)?.version).toBe(1)
    writeFileSync(path, JSON.stringify({ version: 1, actions: [], states: {}, updates: 0 }))
    await expect(
      rlPositionSizing({ qTablePath: path, onCorrupt: 'throw' }).setup?.(context().ctx),
    ).rejects.toBeInstanceOf(DataError)
    expect(readFileSync(path, 'utf8')).toContain('"actions":[]') // never overwritten on failure
  })

  it('is deterministic with a seed, keeps to the ranges, and is fixed when not autonomous', () => {
    const run = (seed: number, opts: Parameters<typeof rlPositionSizing>[0] = {}): OrderIntent[] => {
      const sizer = rlPositionSizing({ seed, epsilon: 1, ...opts })
      const { ctx } = context()
      return Array.from({ length: 300 }, () => entryOf(sizer.size(decision('BUY', 0.7), ctx)))
    }
    const a = run(7)
    expect(run(7)).toEqual(a)
    expect(run(8)).not.toEqual(a)
    for (const i of a) {
      expect(i.quoteQuantity).toBeGreaterThanOrEqual(10)
      expect(i.quoteQuantity).toBeLessThanOrEqual(8000)
      expect(i.leverage).toBeGreaterThanOrEqual(15)
      expect(i.leverage).toBeLessThanOrEqual(25)
    }
    expect(new Set(a.map((i) => `${i.quoteQuantity}x${i.leverage}`)).size).toBe(15)
    const fixed = run(7, { autonomous: false })
    expect(new Set(fixed.map((i) => `${i.quoteQuantity}x${i.leverage}`))).toEqual(new Set(['282.84x20']))
  })

  it('should never propose an entry below the venue minimum notional', () => {
    const sizer = rlPositionSizing({ seed: 3, autonomous: false, minNotional: 10, maxNotional: 20, notionalSteps: 1 })
    const entry = entryOf(sizer.size(decision('BUY', 0.9), context(50).ctx))
    expect(entry.quoteQuantity).toBe(50)
  })

  it('swaps a Q-table file in between decisions, and refuses a corrupt one or one of another grid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-swap-'))
    const sizer = rlPositionSizing({ epsilon: 0 })
    const { ctx } = context()
    await sizer.setup?.(ctx)
    expect(entryOf(sizer.size(decision('BUY', 0.9), ctx)).quoteQuantity).toBe(sizer.qTable().actions[7]!.notional)
    const table = sizer.qTable()
    const values = Array.from({ length: table.actions.length }, (_, a) => (a === 0 ? 1 : 0))
    const good = join(dir, 'good.qtable.json')
    writeFileSync(good, JSON.stringify({ ...table, states: { 'unknown|neutral|high': values }, updates: 9 }))
    await sizer.swapModel(good)
    expect(entryOf(sizer.size(decision('BUY', 0.9), ctx)).quoteQuantity).toBe(table.actions[0]!.notional)
    expect(sizer.qTable().updates).toBe(9)

    const corrupt = join(dir, 'corrupt.qtable.json')
    writeFileSync(corrupt, '{"version": 1, "act')
    await expect(sizer.swapModel(corrupt)).rejects.toThrow(DataError)
    const otherGrid = join(dir, 'other.qtable.json')
    writeFileSync(otherGrid, JSON.stringify({ ...table, actions: table.actions.slice(1), states: {} }))
    await expect(sizer.swapModel(otherGrid)).rejects.toThrow(/different action grid/)
    await expect(sizer.swapModel(join(dir, 'gone.qtable.json'))).rejects.toThrow(DataError)
    expect(sizer.qTable().updates).toBe(9) // the running table stayed
    expect(entryOf(sizer.size(decision('BUY', 0.9), ctx)).quoteQuantity).toBe(table.actions[0]!.notional)
    await sizer.dispose?.()
  })
})
