/**
 * A promoted RL Q-table reaches a running sizer like a model reaches a running agent: the production
 * watcher writes the version's `.qtable.json` and the sizer swaps it in between two decisions (no
 * restart, no decision without an answer); a rollback swaps the previous table back; a table made for
 * another action grid is refused and the running one stays.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rlPositionSizing } from '@quantum/agents'
import {
  ProductionWatcher,
  createEventBus,
  silentLogger,
  type Decision,
  type OrderIntent,
  type PluginContext,
  type Position,
  type StateStore,
} from '@quantum/core'
import { openSqliteStore } from '@quantum/store'
import { afterAll, describe, expect, it } from 'vitest'
import { Orchestrator } from '../pipeline/orchestrator.js'
import { DEFAULT_RL_SIZER, trainQTable, type RlTableMetadata, type RlTradeSample } from '../pipeline/rl-job.js'
import { ModelLifecycle } from './lifecycle.js'

const dir = await mkdtemp(join(tmpdir(), 'clm-rl-hot-swap-'))
let store: StateStore | undefined
afterAll(async () => {
  await store?.close()
  await rm(dir, { recursive: true, force: true })
})

const DAY = 86_400_000
const T0 = Date.UTC(2025, 0, 1)
const SYMBOL = 'BTCUSDT'

/** Trades where high-confidence entries earn `sign` x 1 % of notional and low-confidence ones the opposite. */
function trades(sign: 1 | -1): RlTradeSample[] {
  return Array.from({ length: 400 }, (_, k) => {
    const high = k % 2 === 0
    const entryTime = T0 + k * (DAY / 2)
    return {
      symbol: SYMBOL,
      entryTime,
      exitTime: entryTime + DAY / 4,
      state: `unknown|neutral|${high ? 'high' : 'low'}`,
      notional: 500,
      netPnl: 500 * 0.01 * sign * (high ? 1 : -1) * (1 + (k % 7) / 10),
    }
  })
}

const flat: Position = {
  symbol: SYMBOL,
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
const ctx = {
  mode: 'paper',
  logger: silentLogger,
  bus: createEventBus(),
  account: { getPosition: () => flat },
  exchange: { instrument: () => ({ minNotional: 5 }) },
} as unknown as PluginContext
/** A high-confidence BUY: state `unknown|neutral|high` (no regimes, no closed trades). */
const buy: Decision = { symbol: SYMBOL, time: 1, action: 'BUY', confidence: 0.9, votes: [], price: 100 }
const notionalOf = (intents: readonly OrderIntent[]): number | undefined =>
  intents.find((i) => i.tag === 'entry')?.quoteQuantity

describe('a promotion reaching a running RL sizer', () => {
  it('swaps the promoted Q-table in at the next decision, and the previous one back on a rollback', async () => {
    store = await openSqliteStore(join(dir, 'state.db'))
    const lifecycle = new ModelLifecycle(store.models)
    let history = trades(1)
    const orchestrator = new Orchestrator({
      lifecycle,
      families: {
        rlV3: { kind: 'rl-sizer', trades: () => Promise.resolve(history), sources: ['run-1'], testDays: 60 },
      },
    })
    const job = { family: 'rlV3', reason: 'schedule' as const, requestedAt: 0 }
    const v1 = await orchestrator.run(job)
    expect(v1.stage).toBe('CANDIDATE')
    await lifecycle.promote(v1.id!)
    // The run starts on the production table (the config's file), which the watcher takes as its baseline.
    const served = await lifecycle.materialize(v1.id!, join(dir, 'start'))
    const sizer = rlPositionSizing({ epsilon: 0, qTablePath: served.path })
    await sizer.setup!(ctx)
    const errors: unknown[] = []
    const watcher = new ProductionWatcher({
      lifecycle,
      families: ['rlV3'],
      dir: join(dir, 'serve'),
      onChange: (change) => sizer.swapModel(change.files.path),
      onError: (error) => errors.push(error),
    })
    await watcher.baseline()
    expect(notionalOf(sizer.size(buy, ctx))).toBe(8000) // v1: high confidence pays, the largest size

    // The market turned: the next job learns the opposite and beats production out of time.
    history = trades(-1)
    const v2 = await orchestrator.run(job)
    expect(v2.stage).toBe('CANDIDATE')

    const answered: (number | undefined)[] = []
    await lifecycle.promote(v2.id!) // e.g. `quantum-run models promote` from another process
    const check = watcher.check() // the watcher's next tick, while decisions keep coming
    let swapped = false
    void check.then(() => (swapped = true))
    while (!swapped) {
      answered.push(notionalOf(sizer.size(buy, ctx)))
      await new Promise((r) => setImmediate(r))
    }
    expect((await check).map((c) => c.id)).toEqual([v2.id])
    expect(answered.every((n) => n === 8000 || n === 10)).toBe(true) // every decision answered, old or new table
    expect(notionalOf(sizer.size(buy, ctx))).toBe(10) // the next decision runs on v2
    expect(watcher.serving('rlV3')).toBe(v2.id)
    expect(sizer.qTable()).toEqual(
      JSON.parse(new TextDecoder().decode((await lifecycle.verifyFiles(await lifecycle.port.get(v2.id!))).model)),
    )

    await lifecycle.rollback('rlV3')
    expect((await watcher.check()).map((c) => c.id)).toEqual([v1.id])
    expect(notionalOf(sizer.size(buy, ctx))).toBe(8000)
    expect(errors).toEqual([])
    await sizer.dispose!()
  })

  it('refuses a promoted table made for another action grid: the running table and the served version stay', async () => {
    store ??= await openSqliteStore(join(dir, 'state.db'))
    const lifecycle = new ModelLifecycle(store.models)
    const family = 'rlV2'
    const register = async (settings: typeof DEFAULT_RL_SIZER): Promise<string> => {
      const table = trainQTable(trades(1), settings)
      const metadata: RlTableMetadata = {
        format: 'quantum-rl@1',
        family,
        version: `${settings.notionalSteps}`,
        createdAt: '2025-06-01T00:00:00.000Z',
        settings: { ...settings },
        training: { from: '2025-01-01', to: '2025-06-01', trades: 400, data: ['run-1'] },
      }
      const v = await lifecycle.register({
        family,
        model: new TextEncoder().encode(JSON.stringify(table)),
        metadata,
        lineage: {
          dataFrom: '2025-01-01T00:00:00.000Z',
          dataTo: '2025-06-01T00:00:00.000Z',
          data: ['run-1'],
          features: ['regime', 'performance', 'confidence'],
          label: 'net PnL',
          trainer: 'rl-qtable@1',
          params: { ...settings },
          codeVersion: 'test',
        },
      })
      await lifecycle.recordEvaluation(v.id, { candidate: true, reasons: [] })
      return v.id
    }
    const good = await register(DEFAULT_RL_SIZER)
    await lifecycle.promote(good)
    const sizer = rlPositionSizing({ epsilon: 0 })
    await sizer.setup!(ctx)
    const errors: unknown[] = []
    const watcher = new ProductionWatcher({
      lifecycle,
      families: [family],
      dir: join(dir, 'serve-2'),
      onChange: (change) => sizer.swapModel(change.files.path),
      onError: (error) => errors.push(error),
    })
    await watcher.baseline()
    const before = sizer.qTable()
    const other = await register({ ...DEFAULT_RL_SIZER, notionalSteps: 3 })
    await lifecycle.promote(other)
    expect(await watcher.check()).toEqual([])
    expect(errors).toHaveLength(1)
    expect(String(errors[0])).toMatch(/different action grid/)
    expect(sizer.qTable()).toEqual(before)
    expect(watcher.serving(family)).toBe(good)
    expect(notionalOf(sizer.size(buy, ctx))).toBe(sizer.qTable().actions[7]!.notional) // untrained: the middle action
    await sizer.dispose!()
  })
})
