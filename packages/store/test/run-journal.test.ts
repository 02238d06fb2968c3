import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  InvalidOrder,
  RunJournal,
  SimulatedClock,
  StateFullError,
  createPaperExchange,
  definePlugin,
  fixedNotional,
  generateCandles,
  learnedBlobName,
  loadLearnedState,
  replayBars,
  startLive,
} from '@quantum/core'
import type { Decision, ExchangePort, Order, OrderRequest, StateStore } from '@quantum/core'
import { EMPTY, Subject } from 'rxjs'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { openSqliteStore } from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'quantum-journal-'))
let n = 0
const stores: StateStore[] = []
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close()
})

async function openRun(): Promise<{ store: StateStore; runId: string }> {
  const store = await openSqliteStore(join(dir, `j${++n}.db`))
  stores.push(store)
  const runId = `run-${n}`
  await store.startRun({
    id: runId,
    account: 'acct',
    name: 't',
    configHash: 'abc',
    mode: 'testnet',
    status: 'running',
    startedAt: 1,
  })
  return { store, runId }
}

/** A venue that, when an order reaches it, records what the journal already held. */
function fakeVenue(store: StateStore, runId: string, opts: { reject?: boolean } = {}) {
  const seen: { request: OrderRequest; pendingAtSend: string[] }[] = []
  const exchange = {
    id: 'fake',
    account: {} as ExchangePort['account'],
    events$: new Subject<never>(),
    instrument: () => {
      throw new Error('unused')
    },
    async placeOrder(request: OrderRequest): Promise<Order> {
      const pending = await store.pendingIntents(runId)
      seen.push({ request, pendingAtSend: pending.map((p) => p.clientOrderId) })
      if (opts.reject === true) throw new InvalidOrder('below min notional', request.symbol)
      return {
        id: `o${seen.length}`,
        clientOrderId: request.clientOrderId ?? '',
        symbol: request.symbol,
        side: request.side,
        type: request.type,
        status: 'NEW',
        quantity: request.quantity ?? 0,
        filledQuantity: 0,
        averagePrice: 0,
        reduceOnly: request.reduceOnly ?? false,
        createdAt: 5,
        updatedAt: 5,
      } as unknown as Order
    },
    cancelOrder: () => Promise.reject(new Error('unused')),
    cancelAllOrders: () => Promise.resolve([]),
    setLeverage: () => Promise.resolve(),
  } satisfies ExchangePort
  return { exchange, seen }
}

const decision: Decision = {
  symbol: 'BTCUSDT',
  time: 1,
  action: 'BUY',
  confidence: 0.8,
  votes: [{ agent: 'a', symbol: 'BTCUSDT', time: 1, action: 'BUY', confidence: 0.8 }],
  price: 100,
}

describe('RunJournal', () => {
  it('should journal an intent with its client id and causing decision before the order reaches the venue, then its ack', async () => {
    const { store, runId } = await openRun()
    const journal = new RunJournal({ store, runId, clientIdPrefix: 'qabc', nextSequence: 7 })
    const { exchange, seen } = fakeVenue(store, runId)
    journal.onEvent({ type: 'decision', decision })
    const order = await journal
      .wrap(exchange)
      .placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.01, tag: 'entry' })
    await journal.flush()
    expect(order.clientOrderId).toBe('qabc-7')
    expect(seen[0]!.pendingAtSend).toEqual(['qabc-7'])
    const [intent] = await store.intents(runId)
    expect(intent).toMatchObject({ clientOrderId: 'qabc-7', reason: 'entry', decision: { action: 'BUY' } })
    expect(intent!.decision!.votes).toHaveLength(1)
    expect(await store.pendingIntents(runId)).toEqual([])
    expect(await store.acks(runId)).toMatchObject([{ clientOrderId: 'qabc-7', orderId: 'o1', status: 'NEW' }])
    expect(journal.owns('qabc-7')).toBe(true)
    expect(journal.owns('qt-other-1')).toBe(false)
  })

  it('should hold write-behind records until the journaled order has been sent, then write them in order', async () => {
    const { store, runId } = await openRun()
    const journal = new RunJournal({ store, runId, clientIdPrefix: 'qg' })
    const steps: string[] = []
    const { exchange } = fakeVenue(store, runId)
    const venue = { ...exchange, placeOrder: (r: OrderRequest) => (steps.push('send'), exchange.placeOrder(r)) }
    const placed = journal.wrap(venue).placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.01 })
    // An equity batch queued while the intent is being journaled: it would run before the send otherwise.
    void journal.write(() => Promise.resolve(steps.push('write 1')))
    void journal.write(() => Promise.resolve(steps.push('write 2')))
    await placed
    await journal.flush()
    expect(steps).toEqual(['send', 'write 1', 'write 2'])
    expect(await store.acks(runId)).toMatchObject([{ clientOrderId: 'qg-1', status: 'NEW' }])
  })

  it('should journal a venue rejection as REJECTED so that a restart does not look it up', async () => {
    const { store, runId } = await openRun()
    const journal = new RunJournal({ store, runId, clientIdPrefix: 'qr' })
    const { exchange } = fakeVenue(store, runId, { reject: true })
    await expect(
      journal.wrap(exchange).placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.01 }),
    ).rejects.toBeInstanceOf(InvalidOrder)
    await journal.flush()
    expect(await store.acks(runId)).toMatchObject([{ clientOrderId: 'qr-1', status: 'REJECTED' }])
    expect(await store.pendingIntents(runId)).toEqual([])
  })

  it('should refuse entries once the disk is full, keep sending reduce-only orders and report it once', async () => {
    const { store, runId } = await openRun()
    const full = new StateFullError('disk full', {
      store: 'x',
      cause: Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }),
    })
    const failing: StateStore = Object.assign(Object.create(store) as StateStore, {
      journalIntent: () => Promise.reject(full),
      recordAck: () => Promise.reject(full),
    })
    const reports: unknown[] = []
    const journal = new RunJournal({ store: failing, runId, clientIdPrefix: 'qf', onFull: (e) => reports.push(e) })
    const { exchange, seen } = fakeVenue(store, runId)
    const venue = journal.wrap(exchange)
    await expect(venue.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.01 })).rejects.toBe(
      full,
    )
    expect(journal.full).toBe(true)
    await expect(
      venue.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.01 }),
    ).rejects.toBeInstanceOf(InvalidOrder)
    const stop = await venue.placeOrder({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      triggerPrice: 90,
      quantity: 0.01,
      reduceOnly: true,
      tag: 'stop',
    })
    await journal.flush()
    expect(stop.reduceOnly).toBe(true)
    expect(seen.map((s) => s.request.type)).toEqual(['STOP_MARKET'])
    expect(reports).toEqual([full])
  })

  it('should store an exit state only when it changed and drop it when the position is flat', async () => {
    const { store, runId } = await openRun()
    const journal = new RunJournal({ store, runId, clientIdPrefix: 'qe' })
    const state = { version: 1, symbol: 'BTCUSDT', side: 'LONG' as const, openedAt: 1, planLegs: [], stopLevel: 95 }
    journal.onExitState('BTCUSDT', state, 10)
    journal.onExitState('BTCUSDT', { ...state }, 11)
    journal.onExitState('BTCUSDT', { ...state, stopLevel: 97 }, 12)
    await journal.flush()
    const [stored] = await store.exitStates(runId)
    expect(stored).toMatchObject({ revision: 2, state: { stopLevel: 97 } })
    journal.onExitState('BTCUSDT', undefined, 13)
    await journal.flush()
    expect(await store.exitStates(runId)).toEqual([])
  })
})

describe('the learnt state of a sizer in the journal (the RL sizer Q-table)', () => {
  /** Buys on every 20th bar and sells 5 bars later (each round trip a closed trade). */
  const swing = definePlugin({
    name: 'test:swing',
    kind: 'agent',
    options: z.strictObject({}),
    create: () => ({
      onBar: (bar) => {
        const k = bar.index % 20
        if (k !== 0 && k !== 5) return undefined
        const action = k === 0 ? ('BUY' as const) : ('SELL' as const)
        return { agent: 'test:swing', symbol: bar.symbol, time: bar.openTime, action, confidence: 1 }
      },
    }),
  })
  /** fixedNotional that counts what it learnt (closed trades seen) and can be given a count back. */
  const learning = definePlugin({
    name: 'test:learning-sizer',
    kind: 'sizer',
    options: z.strictObject({}),
    create: () => {
      const base = fixedNotional({ notional: 500 })
      let learnt = 0
      return {
        size: (decision, ctx) => {
          if (decision.action === 'SELL') learnt++
          return base.size(decision, ctx)
        },
        learnedState: () => ({ learnt }),
        restoreLearnedState: (state: unknown) => {
          learnt = (state as { learnt: number }).learnt
        },
      }
    },
  })
  const SYMBOL = 'TESTUSDT'
  const paper = () =>
    createPaperExchange({
      balance: 10_000,
      instruments: { [SYMBOL]: { tickSize: 0.01, stepSize: 0.001, minNotional: 5 } },
    })

  it('should store a new version only when the state changed, and read the latest back', async () => {
    const { store, runId } = await openRun()
    const journal = new RunJournal({ store, runId, clientIdPrefix: 'q1' })
    journal.onLearnedState('s', { n: 1 }, 1)
    journal.onLearnedState('s', { n: 1 }, 2)
    journal.onLearnedState('s', { n: 2 }, 3)
    await journal.flush()
    expect(await loadLearnedState(store, runId, 's')).toEqual({ n: 2 })
    expect((await store.loadBlob(runId, learnedBlobName('s')))?.version).toBe(2)
    expect(await loadLearnedState(store, runId, 'other')).toBeUndefined()
  })

  it('should journal the sizer state after fills in a run, and hand it back to the sizer on restore', async () => {
    const { store, runId } = await openRun()
    const series = generateCandles({ bars: 200, seed: 5, symbol: SYMBOL, timeframeMs: 3_600_000 })
    const journal = new RunJournal({ store, runId, clientIdPrefix: 'q1' })
    const sizer = learning()
    const run = startLive({
      bars: replayBars([series]),
      paper: paper(),
      plugins: [swing(), sizer],
      mode: 'paper',
      clock: new SimulatedClock(0),
      journal,
    })
    const summary = await run.done
    expect(summary.trades.length).toBeGreaterThan(3)
    const stored = (await loadLearnedState(store, runId, 'test:learning-sizer')) as { learnt: number }
    expect(stored.learnt).toBe((sizer.learnedState?.() as { learnt: number }).learnt)
    expect(stored.learnt).toBeGreaterThan(3)
    const again = learning()
    expect(again.learnedState?.()).toEqual({ learnt: 0 })
    const resumed = startLive({
      bars: EMPTY,
      paper: paper(),
      plugins: [swing(), again],
      mode: 'paper',
      clock: new SimulatedClock(0),
      restore: { fills: [], exitStates: [], learned: stored },
    })
    await resumed.done
    expect(again.learnedState?.()).toEqual(stored)
  })
})
