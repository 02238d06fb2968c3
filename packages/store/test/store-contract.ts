/**
 * The behaviour every StateStore backend must have: one suite, run against SQLite and PostgreSQL.
 * A backend supplies how to open a store on its test database, and a raw SQL hook used only to damage
 * or age rows the way a crash, another host or a newer build would.
 */
import { hostname } from 'node:os'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  StateInvalidError,
  StateLockedError,
  StateUnavailableError,
  type Decision,
  type FillRecord,
  type IntentRecord,
  type RunRecord,
  type StateStore,
} from '@quantum/core'
import { STATE_SCHEMA_VERSION } from '../src/index.js'

/** How the suite reaches one backend. */
export interface ContractBackend {
  /** Opens the store on the backend's test database (the same database each call). */
  open(): Promise<StateStore>
  /** Runs raw SQL on the test database, outside the store (to damage or age rows). */
  exec(statement: string): Promise<void>
}

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5)

export const run = (id: string, over: Partial<RunRecord> = {}): RunRecord => ({
  id,
  account: 'acct-a',
  name: 'reference',
  configHash: 'c0ffee',
  mode: 'paper',
  status: 'running',
  startedAt: T0,
  ...over,
})

const decision: Decision = {
  symbol: 'BTCUSDT',
  time: T0,
  action: 'BUY',
  confidence: 0.7,
  price: 43_210.5,
  votes: [
    { agent: 'agents:ema-cross', symbol: 'BTCUSDT', time: T0, action: 'BUY', confidence: 0.8 },
    {
      agent: 'agents:xgb',
      symbol: 'BTCUSDT',
      time: T0,
      action: 'HOLD',
      confidence: 0.55,
      probabilities: { BUY: 0.3, SELL: 0.15, HOLD: 0.55 },
    },
  ],
}

export const intent = (runId: string, clientOrderId: string, time = T0): IntentRecord => ({
  runId,
  clientOrderId,
  request: { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.003, clientOrderId, tag: 'entry' },
  decision,
  reason: 'entry',
  time,
})

const fill = (runId: string, id: string, time: number, price = 0.1 + 0.2): FillRecord => ({
  runId,
  id,
  orderId: `o-${id}`,
  clientOrderId: 'c-1',
  symbol: 'BTCUSDT',
  side: 'BUY',
  price,
  quantity: 0.003,
  fee: 0.051852,
  liquidity: 'taker',
  realizedPnl: 0,
  time,
  reduceOnly: false,
  tag: 'entry',
})

/** Registers the contract suite for one backend. */
export function describeStateStoreContract(name: string, backend: ContractBackend): void {
  describe(`StateStore contract: ${name}`, () => {
    let store: StateStore
    beforeEach(async () => {
      store = await backend.open()
    })
    afterEach(async () => {
      await store.close()
    })
    const fresh = (): string => `r-${Math.random().toString(36).slice(2, 10)}`

    it('opens at the latest schema version and reopens without migrating again', async () => {
      expect(await store.schemaVersion()).toBe(STATE_SCHEMA_VERSION)
      const again = await backend.open()
      expect(await again.schemaVersion()).toBe(STATE_SCHEMA_VERSION)
      await again.close()
    })

    it('records runs, lists them newest first with filters, ends and resumes them', async () => {
      const account = `acct-${fresh()}`
      const a = run(fresh(), { account, startedAt: T0 })
      const b = run(fresh(), { account, startedAt: T0 + 1000, configHash: 'beef' })
      await store.startRun(a)
      await store.startRun(b)
      expect((await store.listRuns({ account })).map((r) => r.id)).toEqual([b.id, a.id])
      expect((await store.listRuns({ account, configHash: 'beef' })).map((r) => r.id)).toEqual([b.id])
      await store.endRun(a.id, 'completed', T0 + 5000)
      expect(await store.getRun(a.id)).toEqual({ ...a, status: 'completed', endedAt: T0 + 5000 })
      expect((await store.listRuns({ account, status: 'running' })).map((r) => r.id)).toEqual([b.id])
      await store.resumeRun(a.id)
      expect(await store.getRun(a.id)).toEqual(a)
      expect(await store.getRun('no-such-run')).toBeUndefined()
      await expect(store.startRun(a)).rejects.toMatchObject({ code: 'STATE_INVALID', reason: 'duplicate' })
    })

    it('journals intents with their decision and votes, and refuses a reused client order id', async () => {
      const id = fresh()
      await store.startRun(run(id))
      await store.journalIntent(intent(id, 'c-1'))
      await store.journalIntent(intent(id, 'c-2', T0 + 1))
      expect(await store.intents(id)).toEqual([intent(id, 'c-1'), intent(id, 'c-2', T0 + 1)])
      const again = { ...intent(id, 'c-1'), reason: 'a second send' }
      const error = await store.journalIntent(again).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StateInvalidError)
      expect(error).toMatchObject({ reason: 'duplicate' })
      expect((await store.intents(id))[0]?.reason).toBe('entry')
    })

    it('lists intents with no acknowledgement as pending, and keeps one ack per status', async () => {
      const id = fresh()
      await store.startRun(run(id))
      for (const c of ['c-1', 'c-2', 'c-3']) await store.journalIntent(intent(id, c))
      await store.recordAck({ runId: id, clientOrderId: 'c-1', orderId: '101', status: 'NEW', time: T0 + 1 })
      await store.recordAck({ runId: id, clientOrderId: 'c-1', orderId: '101', status: 'NEW', time: T0 + 2 })
      await store.recordAck({ runId: id, clientOrderId: 'c-1', orderId: '101', status: 'FILLED', time: T0 + 3 })
      await store.recordAck({
        runId: id,
        clientOrderId: 'c-3',
        status: 'REJECTED',
        reason: 'min notional',
        time: T0 + 4,
      })
      expect((await store.pendingIntents(id)).map((i) => i.clientOrderId)).toEqual(['c-2'])
      expect((await store.acks(id, 'c-1')).map((a) => [a.status, a.time])).toEqual([
        ['NEW', T0 + 1],
        ['FILLED', T0 + 3],
      ])
      expect(await store.acks(id, 'c-3')).toEqual([
        { runId: id, clientOrderId: 'c-3', status: 'REJECTED', reason: 'min notional', time: T0 + 4 },
      ])
      expect(await store.runCounts(id)).toEqual({
        intents: 3,
        acks: 3,
        fills: 0,
        trades: 0,
        equityPoints: 0,
        openPositions: 0,
        pendingIntents: 1,
      })
    })

    it('stores each fill once, in time order, with its numbers exact', async () => {
      const id = fresh()
      await store.startRun(run(id))
      expect(await store.recordFill(fill(id, 'f-2', T0 + 2, 43_210.123456789))).toBe(true)
      expect(await store.recordFill(fill(id, 'f-1', T0 + 1))).toBe(true)
      expect(await store.recordFill({ ...fill(id, 'f-1', T0 + 1), price: 1 })).toBe(false)
      const fills = await store.fills(id)
      expect(fills).toEqual([fill(id, 'f-1', T0 + 1), fill(id, 'f-2', T0 + 2, 43_210.123456789)])
      expect(fills[0]?.price).toBe(0.1 + 0.2)
    })

    it('keeps the latest position per symbol and drops it when flat', async () => {
      const id = fresh()
      const pos = {
        runId: id,
        symbol: 'ETHUSDT',
        side: 'LONG' as const,
        quantity: 0.5,
        entryPrice: 2500.25,
        leverage: 5,
        margin: 250.025,
        markPrice: 2510,
        unrealizedPnl: 4.875,
        liquidationPrice: 2012.5,
        openedAt: T0,
        updatedAt: T0,
      }
      await store.savePosition(pos)
      await store.savePosition({ ...pos, quantity: 0.75, updatedAt: T0 + 1 })
      await store.savePosition({ ...pos, symbol: 'BTCUSDT', side: 'SHORT' })
      expect((await store.positions(id)).map((p) => [p.symbol, p.quantity])).toEqual([
        ['BTCUSDT', 0.5],
        ['ETHUSDT', 0.75],
      ])
      await store.savePosition({ ...pos, side: 'FLAT', quantity: 0, updatedAt: T0 + 2 })
      expect((await store.positions(id)).map((p) => p.symbol)).toEqual(['BTCUSDT'])
    })

    it('stores trades once and an equity curve in which a repeated time replaces the point', async () => {
      const id = fresh()
      const trade = {
        id: 1,
        symbol: 'BTCUSDT',
        side: 'LONG' as const,
        entryTime: T0,
        exitTime: T0 + 3_600_000,
        entryPrice: 43_000,
        exitPrice: 43_500.5,
        quantity: 0.003,
        grossPnl: 1.5015,
        fees: 0.10425,
        funding: -0.01,
        netPnl: 1.38725,
        exitReason: 'tp1',
      }
      await store.recordTrade(id, { ...trade, id: 2, exitReason: 'stop' })
      await store.recordTrade(id, trade)
      await store.recordTrade(id, { ...trade, netPnl: 99 })
      expect(await store.trades(id)).toEqual([trade, { ...trade, id: 2, exitReason: 'stop' }])
      const points = Array.from({ length: 1203 }, (_, k) => ({ time: T0 + k * 60_000, equity: 10_000 + k / 100 }))
      await store.recordEquity(id, points)
      await store.recordEquity(id, [{ time: T0, equity: 9_999.99 }])
      const curve = await store.equity(id)
      expect(curve).toHaveLength(1203)
      expect(curve[0]).toEqual({ time: T0, equity: 9_999.99 })
      expect(curve[1202]).toEqual(points[1202])
    })

    it('keeps the latest state of each risk component', async () => {
      const id = fresh()
      const tripped = {
        source: 'ess',
        state: 'TRIPPED',
        tradingState: 'halted' as const,
        reason: 'daily drawdown 5.3% >= limit 5%',
        time: T0,
        data: { peak: 10_250, trippedAt: T0 },
      }
      await store.saveRiskState(id, { ...tripped, state: 'ARMED', tradingState: 'active', time: T0 - 1 })
      await store.saveRiskState(id, tripped)
      await store.saveRiskState(id, {
        source: 'breaker:losses',
        state: 'CLOSED',
        tradingState: 'active',
        time: T0,
        data: {},
      })
      expect(await store.riskStates(id)).toEqual([
        { source: 'breaker:losses', state: 'CLOSED', tradingState: 'active', time: T0, data: {} },
        tripped,
      ])
    })

    it('versions the exit state of each position and drops it when the position closes', async () => {
      const id = fresh()
      const exit = {
        version: 1,
        symbol: 'BTCUSDT',
        side: 'LONG' as const,
        openedAt: T0,
        planLegs: [{ tag: 'tp1', price: 44_000, fraction: 0.5 }],
        stopLevel: 42_500,
      }
      expect(await store.saveExitState(id, exit, T0)).toBe(1)
      const moved = {
        ...exit,
        planLegs: [{ tag: 'tp1', price: 44_000, fraction: 0.5, filled: true }],
        stopLevel: 43_000,
        trailingAnchor: 44_100,
        breakEven: true,
        palAdds: [{ time: T0 + 5, price: 43_900, quantity: 0.001 }],
        pilClass: 'WINNER',
      }
      expect(await store.saveExitState(id, moved, T0 + 10)).toBe(2)
      const [stored] = await store.exitStates(id)
      expect(stored).toEqual({ runId: id, revision: 2, updatedAt: T0 + 10, state: { ...moved, extra: {} } })
      expect(await store.exitStates(fresh())).toEqual([])
      await store.deleteExitState(id, 'BTCUSDT')
      expect(await store.exitStates(id)).toEqual([])
    })

    it('keeps every version of a Q-table blob, per account', async () => {
      const account = `acct-${fresh()}`
      const v1 = new Uint8Array([0, 1, 2, 255])
      const v2 = new Uint8Array(new Float64Array([0.25, -1.5, 3]).buffer)
      expect(await store.saveBlob({ account, name: 'rl-sizer', data: v1, savedAt: T0 })).toBe(1)
      expect(await store.saveBlob({ account, name: 'rl-sizer', data: v2, runId: 'r1', savedAt: T0 + 1 })).toBe(2)
      const latest = await store.loadBlob(account, 'rl-sizer')
      expect(latest).toMatchObject({ version: 2, runId: 'r1', savedAt: T0 + 1 })
      expect(Array.from(new Float64Array(latest?.data.slice().buffer ?? new ArrayBuffer(0)))).toEqual([0.25, -1.5, 3])
      expect(Array.from((await store.loadBlob(account, 'rl-sizer', 1))?.data ?? [])).toEqual([0, 1, 2, 255])
      expect(await store.loadBlob(`${account}-other`, 'rl-sizer')).toBeUndefined()
    })

    it('keeps only the newest `keep` versions of a snapshot blob when asked', async () => {
      const account = `acct-${fresh()}`
      for (let i = 1; i <= 5; i++) {
        const data = new Uint8Array([i])
        expect(await store.saveBlob({ account, name: 'paper-account', data, savedAt: T0 + i, keep: 2 })).toBe(i)
      }
      expect((await store.loadBlob(account, 'paper-account'))?.version).toBe(5)
      expect(Array.from((await store.loadBlob(account, 'paper-account', 4))?.data ?? [])).toEqual([4])
      expect(await store.loadBlob(account, 'paper-account', 3)).toBeUndefined()
      expect(await store.loadBlob(account, 'paper-account', 1)).toBeUndefined()
    })

    it('keeps model versions with lineage, stage history and content-addressed files', async () => {
      const family = `fam-${fresh()}`
      const lineage = {
        dataFrom: '2024-01-01T00:00:00Z',
        dataTo: '2024-06-01T00:00:00Z',
        data: ['BTCUSDT 1h'],
        features: ['ret_1', 'rsi_14'],
        label: 'triple-barrier 24h',
        trainer: 'gbdt',
        params: { rounds: 50, depth: 4 },
        codeVersion: '@quantum/clm 0.1.0',
      }
      const a = await store.models.create({ family, lineage })
      const b = await store.models.create({ family, lineage: { ...lineage, parent: a.id }, id: `${family}-b` })
      expect(a).toMatchObject({ family, stage: 'TRAINING', lineage })
      await expect(store.models.create({ family, lineage, id: b.id })).rejects.toMatchObject({ code: 'MODEL_INVALID' })
      const bytes = new Uint8Array([8, 1, 0, 255, 7])
      const hash = await store.models.putObject(bytes)
      expect(hash).toMatch(/^[0-9a-f]{64}$/)
      expect(await store.models.putObject(bytes)).toBe(hash)
      expect(Array.from(await store.models.getObject(hash))).toEqual([8, 1, 0, 255, 7])
      await store.models.update(a.id, { files: { model: hash, metadata: hash }, metrics: { logLoss: 0.93 } })
      await store.models.transition([{ id: a.id, stage: 'CANDIDATE' }])
      await store.models.transition([
        { id: a.id, stage: 'PRODUCTION', note: 'promoted' },
        { id: b.id, stage: 'REJECTED' },
      ])
      const got = await store.models.get(a.id)
      expect(got).toMatchObject({ stage: 'PRODUCTION', metrics: { logLoss: 0.93 }, files: { model: hash } })
      expect(got.history.map((h) => h.stage)).toEqual(['TRAINING', 'CANDIDATE', 'PRODUCTION'])
      expect(got.history.at(-1)?.note).toBe('promoted')
      expect((await store.models.list(family)).map((v) => [v.id, v.stage])).toEqual([
        [a.id, 'PRODUCTION'],
        [b.id, 'REJECTED'],
      ])
    })

    it('changes model stages all or none, and refuses unknown ids and missing objects', async () => {
      const family = `fam-${fresh()}`
      const lineage = {
        dataFrom: '',
        dataTo: '',
        data: [],
        features: [],
        label: '',
        trainer: 't',
        params: {},
        codeVersion: 'x',
      }
      const a = await store.models.create({ family, lineage })
      const error = await store.models
        .transition([
          { id: a.id, stage: 'CANDIDATE' },
          { id: 'no-such-version', stage: 'ARCHIVED' },
        ])
        .catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'MODEL_INVALID' })
      expect((await store.models.get(a.id)).stage).toBe('TRAINING')
      await expect(store.models.get('no-such-version')).rejects.toThrow(/no such model version/)
      await expect(store.models.getObject('0'.repeat(64))).rejects.toThrow(/model file is gone/)
    })

    it('keeps each trial of a study once, lists a study by id and summarises the studies', async () => {
      const study = `study-${fresh()}`
      const trial = (index: number, value: number | undefined, status: 'ok' | 'failed' = 'ok') => ({
        studyId: `${study}/window-0`,
        index,
        status,
        ...(value === undefined ? {} : { value }),
        params: { fast: index + 4, side: 'long' },
        durationMs: 12.5,
        recordedAt: T0 + index,
        outcome: status === 'ok' ? { status, value, metrics: { trades: 31 } } : { status, error: 'boom' },
      })
      expect(await store.studies.recordTrial(trial(1, 0.75))).toBe(true)
      expect(await store.studies.recordTrial(trial(0, -0.25))).toBe(true)
      expect(await store.studies.recordTrial(trial(2, undefined, 'failed'))).toBe(true)
      // A retried job recording its trial again: the first row stays, the trial counts once.
      expect(await store.studies.recordTrial(trial(1, 9))).toBe(false)
      await store.studies.recordTrial({ ...trial(0, 0.5), studyId: `${study}/window-1` })
      const got = await store.studies.trials(`${study}/window-0`)
      expect(got.map((t) => [t.index, t.status, t.value])).toEqual([
        [0, 'ok', -0.25],
        [1, 'ok', 0.75],
        [2, 'failed', undefined],
      ])
      expect(got[1]).toEqual(trial(1, 0.75))
      expect(await store.studies.trials('no-such-study')).toEqual([])
      expect(await store.studies.studies(`${study}/`)).toEqual([
        { studyId: `${study}/window-0`, trials: 3, ok: 2, best: 0.75, firstAt: T0, lastAt: T0 + 2 },
        { studyId: `${study}/window-1`, trials: 1, ok: 1, best: 0.5, firstAt: T0, lastAt: T0 },
      ])
      await expect(store.studies.recordTrial({ ...trial(3, 1), index: -1 })).rejects.toThrow()
    })

    it('keeps the rows of runs apart, as runtimes sharing one database need', async () => {
      const [a, b] = [fresh(), fresh()]
      await store.journalIntent(intent(a, 'same-id'))
      await store.journalIntent(intent(b, 'same-id'))
      await store.recordFill(fill(a, 'f-1', T0))
      expect(await store.intents(b)).toEqual([intent(b, 'same-id')])
      expect(await store.fills(b)).toEqual([])
    })

    it('keeps what was written across a close and a reopen', async () => {
      const id = fresh()
      await store.startRun(run(id))
      await store.journalIntent(intent(id, 'c-1'))
      await store.close()
      store = await backend.open()
      expect(await store.pendingIntents(id)).toEqual([intent(id, 'c-1')])
    })

    it('refuses a stored row that fails its schema with a typed error', async () => {
      const id = fresh()
      await store.recordFill(fill(id, 'f-1', T0))
      await backend.exec(`update fills set doc = '{"price": -1}' where run_id = '${id}'`)
      await expect(store.fills(id)).rejects.toMatchObject({ code: 'STATE_INVALID', reason: 'bad-record' })
    })

    it('refuses a schema newer than this build, and leaves it as it was', async () => {
      await backend.exec(`update quantum_meta set value = '${STATE_SCHEMA_VERSION + 1}' where key = 'schema_version'`)
      try {
        const error = await backend.open().catch((e: unknown) => e)
        expect(error).toBeInstanceOf(StateInvalidError)
        expect(error).toMatchObject({ reason: 'newer-schema' })
        expect(await store.schemaVersion()).toBe(STATE_SCHEMA_VERSION + 1)
      } finally {
        await backend.exec(`update quantum_meta set value = '${STATE_SCHEMA_VERSION}' where key = 'schema_version'`)
      }
    })

    it('gives a run to one holder at a time and names the holder to the second', async () => {
      const id = fresh()
      const lock = await store.lockRun(id)
      const other = await backend.open()
      try {
        const error = await other.lockRun(id).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(StateLockedError)
        expect(error).toMatchObject({ runId: id, holder: { pid: process.pid, host: hostname() } })
        expect(String((error as Error).message)).toContain(`pid ${process.pid} on ${hostname()}`)
        await lock.heartbeat()
        await lock.release()
        const second = await other.lockRun(id)
        await expect(lock.heartbeat()).rejects.toBeInstanceOf(StateLockedError)
        await second.release()
      } finally {
        await other.close()
      }
    })

    it('takes over a run whose holder is gone: a dead pid here, or a stale heartbeat elsewhere', async () => {
      const [dead, stale, live] = [fresh(), fresh(), fresh()]
      const row = (runId: string, pid: number, host: string, beat: number) =>
        `insert into run_locks values ('${runId}', ${pid}, '${host}', 'tok', ${beat}, ${beat})`
      await backend.exec(row(dead, 2 ** 22 + 7, hostname(), Date.now()))
      await backend.exec(row(stale, 1, 'another-host', Date.now() - 60_000))
      await backend.exec(row(live, 1, 'another-host', Date.now()))
      expect((await store.lockRun(dead)).holder.pid).toBe(process.pid)
      expect((await store.lockRun(stale, { staleAfterMs: 30_000 })).holder.pid).toBe(process.pid)
      await expect(store.lockRun(live)).rejects.toMatchObject({ holder: { host: 'another-host', pid: 1 } })
    })

    it('refuses to work after close with a typed error', async () => {
      await store.close()
      await expect(store.listRuns()).rejects.toBeInstanceOf(StateUnavailableError)
      store = await backend.open()
    })
  })
}
