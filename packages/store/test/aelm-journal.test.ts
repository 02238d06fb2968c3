/**
 * AELM's own orders are journaled: each slice of a sliced entry is an intent, with its own client id
 * derived from the parent's, durable before it is sent; the parent is answered (never looked up as a
 * lost order after a restart), and every id is recognised as the run's own.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  RunJournal,
  SimulatedClock,
  aelm,
  childClientId,
  fixedNotional,
  paperBookTicker,
  startLive,
  type Order,
  type OrderRequest,
} from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { createPaperExchange } from '../../core/src/exchange/paper-exchange.js'
import { SYMBOL, buyAt, feed } from '../../core/test/fixtures/live/feed.js'
import { openSqliteStore } from '../src/index.js'

describe('AELM slices in the run journal', () => {
  it('should journal each slice as an intent with a client id derived from the parent, before it is sent', async () => {
    const store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'quantum-aelm-')), 'state.db'))
    try {
      const runId = 'aelm-1'
      await store.startRun({
        id: runId,
        account: 'paper',
        name: 'aelm',
        configHash: 'h',
        mode: 'paper',
        status: 'running',
        startedAt: 1,
      })
      const journal = new RunJournal({ store, runId, clientIdPrefix: 'qabc' })
      const exchange = createPaperExchange({
        balance: 100_000,
        instruments: { [SYMBOL]: { tickSize: 0.01, stepSize: 0.001, minNotional: 5 } },
      })
      // When an order reaches the exchange: was its intent already durable in the store?
      const sent: { clientOrderId: string; journaledBefore: boolean }[] = []
      const place = exchange.placeOrder.bind(exchange)
      exchange.placeOrder = async (request: OrderRequest): Promise<Order> => {
        const intents = await store.intents(runId)
        const id = request.clientOrderId ?? ''
        sent.push({ clientOrderId: id, journaledBefore: intents.some((i) => i.clientOrderId === id) })
        return place(request)
      }
      const clock = new SimulatedClock(0)
      const book = paperBookTicker(exchange.account, { spreadBps: 2, depthNotional: 1_000_000, now: () => clock.now() })
      const run = startLive({
        bars: feed([100, 100, 100, 100, 100, 100, 101, 102]),
        paper: exchange,
        sink: 'queue',
        plugins: [
          buyAt({ at: 2 }),
          fixedNotional({ notional: 30_000 }),
          aelm({ book, slicing: { mode: 'twap', aboveNotional: 10_000, maxSlices: 3, intervalMs: 0 } }),
        ],
        mode: 'paper',
        clock,
        journal,
      })
      const summary = await run.done
      await journal.flush()

      const parent = 'qabc-1'
      const children = [1, 2, 3].map((n) => childClientId(parent, n))
      expect(children).toEqual(['qabc-1-a1', 'qabc-1-a2', 'qabc-1-a3'])
      // What reached the exchange: the three slices, each journaled before it was sent; never the parent.
      expect(sent).toEqual(children.map((clientOrderId) => ({ clientOrderId, journaledBefore: true })))
      const intents = await store.intents(runId)
      expect(intents.map((i) => i.clientOrderId)).toEqual([parent, ...children])
      for (const intent of intents) {
        expect(journal.owns(intent.clientOrderId)).toBe(true)
        // Each slice carries the decision that caused the entry (with the agent's vote).
        expect(intent.decision).toMatchObject({ symbol: SYMBOL, action: 'BUY' })
      }
      const slices = intents.slice(1).map((i) => i.request.quantity ?? 0)
      expect(slices.reduce((a, b) => a + b, 0)).toBeCloseTo(300, 9)
      // Every intent has an answer: a restart looks none of them up as lost.
      expect(await store.pendingIntents(runId)).toEqual([])
      const acks = await store.acks(runId)
      expect(acks.find((a) => a.clientOrderId === parent)).toMatchObject({
        status: 'NEW',
        reason: expect.stringContaining('qabc-1-a1'),
      })
      for (const id of children) expect(acks.some((a) => a.clientOrderId === id && a.orderId !== undefined)).toBe(true)
      // The fills are the slices', journaled under their own client ids.
      const fills = await store.fills(runId)
      expect(fills.map((f) => f.clientOrderId).sort()).toEqual(children)
      expect(summary.fills.filter((f) => !f.reduceOnly)).toHaveLength(3)
    } finally {
      await store.close()
    }
  })

  it('should refuse slices once the run is stopping, sending none of them', async () => {
    const store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'quantum-aelm-')), 'state.db'))
    try {
      const runId = 'aelm-2'
      await store.startRun({
        id: runId,
        account: 'paper',
        name: 'aelm',
        configHash: 'h',
        mode: 'paper',
        status: 'running',
        startedAt: 1,
      })
      const journal = new RunJournal({ store, runId, clientIdPrefix: 'qdef' })
      journal.stopEntries()
      const exchange = createPaperExchange({
        balance: 100_000,
        instruments: { [SYMBOL]: { tickSize: 0.01, stepSize: 0.001, minNotional: 5 } },
      })
      const placed: string[] = []
      const place = exchange.placeOrder.bind(exchange)
      exchange.placeOrder = (request: OrderRequest): Promise<Order> => {
        placed.push(request.clientOrderId ?? '')
        return place(request)
      }
      const request = { symbol: SYMBOL, side: 'BUY', type: 'MARKET', quantity: 1, clientOrderId: 'qdef-1-a1' } as const
      await expect(journal.place(exchange, request)).rejects.toThrow(/stopping/)
      expect(placed).toEqual([])
      expect(await store.intents(runId)).toEqual([])
    } finally {
      await store.close()
    }
  })
})
