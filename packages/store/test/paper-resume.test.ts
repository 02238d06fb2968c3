/**
 * A paper run with a state store, stopped half-way and resumed, ends with the account and trades of the
 * same run uninterrupted: the stored paper account (wallet, ledger, position, working stop and target),
 * fills and sizer state are put back before the second half.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  RunJournal,
  definePlugin,
  fixedNotional,
  generateCandles,
  loadPaperAccount,
  runPaper,
  type LivePaperFeed,
  type MarketBar,
  type QuantumConfig,
} from '@quantum/core'
import { from } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { openSqliteStore } from '../src/index.js'

const SYMBOL = 'BTCUSDT'
const series = generateCandles({ bars: 400, seed: 3, symbol: SYMBOL, timeframeMs: 60_000, sigma: 0.004 })
const bars: MarketBar[] = Array.from(series.openTime, (openTime, index) => ({
  symbol: SYMBOL,
  index,
  openTime,
  open: series.open[index]!,
  high: series.high[index]!,
  low: series.low[index]!,
  close: series.close[index]!,
  volume: series.volume[index]!,
}))

/** BUY on every 25th bar. */
const every25 = definePlugin({
  name: 'test:every-25',
  kind: 'agent',
  options: z.strictObject({}),
  create: () => ({
    onBar: (bar) =>
      bar.index % 25 === 0
        ? { agent: 'test:every-25', symbol: bar.symbol, time: bar.openTime, action: 'BUY' as const, confidence: 1 }
        : undefined,
  }),
})

/** A stop 1.5 % below and a target 2 % above every entry; everything cancelled once flat. */
const bracket = definePlugin({
  name: 'test:bracket',
  kind: 'exit',
  options: z.strictObject({}),
  create: () => ({
    onFill: (fill, position) => {
      if (position.side === 'FLAT') return { cancelAll: true }
      if (fill.reduceOnly) return undefined
      const base = { symbol: fill.symbol, side: 'SELL', quantity: position.quantity, reduceOnly: true } as const
      return {
        cancelAll: true,
        place: [
          { ...base, type: 'STOP_MARKET', triggerPrice: position.entryPrice * 0.985, tag: 'stop' },
          { ...base, type: 'TAKE_PROFIT_MARKET', triggerPrice: position.entryPrice * 1.02, tag: 'target' },
        ],
      }
    },
  }),
})

const config = {
  name: 'paper-resume',
  mode: 'paper',
  data: { candles: [], symbols: [SYMBOL] },
  exchange: { balance: 10_000, leverage: 2 },
  plugins: [every25(), fixedNotional({ notional: 2000 }), bracket()],
  output: { dir: 'runs' },
} as unknown as QuantumConfig

const feedOf = (live: readonly MarketBar[], history: readonly MarketBar[] = []): LivePaperFeed => ({
  bars: from(live.map((b) => ({ ...b }))),
  symbols: [SYMBOL],
  timeframe: '1m',
  source: 'test bars',
  history,
})

describe('a paper run resumed from the state store', () => {
  it('should continue from the stored account (balance, position, working stop and target) and end as the run uninterrupted', async () => {
    const whole = await runPaper(config, { baseDir: '.', feed: feedOf(bars) })
    expect(whole.trades.length).toBeGreaterThan(4)

    const store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'quantum-paper-')), 'state.db'))
    try {
      const runId = 'paper-1'
      await store.startRun({
        id: runId,
        account: 'paper',
        name: 'paper-resume',
        configHash: 'h',
        mode: 'paper',
        status: 'running',
        startedAt: 1,
      })
      // Stop two bars after an entry whose trade lasts longer: a position, its stop and target are open.
      const indexOf = (time: number): number => (time - series.openTime[0]!) / 60_000
      const long = whole.trades.find(
        (t) => indexOf(t.exitTime) - indexOf(t.entryTime) >= 4 && indexOf(t.entryTime) > 50,
      )
      expect(long).toBeDefined()
      const cut = indexOf(long!.entryTime) + 2
      const first = await runPaper(config, {
        baseDir: '.',
        feed: feedOf(bars.slice(0, cut)),
        journal: new RunJournal({ store, runId, clientIdPrefix: 'p1' }),
      })
      const account = (await loadPaperAccount(store, runId)) as {
        positions: unknown[]
        orders: { type: string }[]
        ledger: { wallet: number }
      }
      expect(account.positions).toHaveLength(1)
      expect(account.orders.map((o) => o.type).sort()).toEqual(['STOP_MARKET', 'TAKE_PROFIT_MARKET'])
      expect(account.ledger.wallet).toBe(first.ledger.endBalance)

      const fills = (await store.fills(runId)).map(({ runId: _r, ...fill }) => fill)
      const second = await runPaper(config, {
        baseDir: '.',
        feed: feedOf(bars.slice(cut), bars.slice(0, cut)),
        journal: new RunJournal({ store, runId, clientIdPrefix: 'p2' }),
        restore: { account, fills, exitStates: [] },
      })
      // Trades are those of the uninterrupted run; the ledger ends at the same wallet (to the cent).
      const shape = (t: { side: string; entryTime: number; exitTime: number; netPnl: number }) => ({
        side: t.side,
        entryTime: t.entryTime,
        exitTime: t.exitTime,
        netPnl: Math.round(t.netPnl * 100) / 100,
      })
      expect(second.trades.map(shape)).toEqual(whole.trades.map(shape))
      expect(second.ledger.endBalance).toBeCloseTo(whole.ledger.endBalance, 2)
      expect(second.ledger.fees).toBeCloseTo(whole.ledger.fees, 2)
      expect(second.fills.length).toBe(whole.fills.length) // the restored fills and the new ones
      expect((await store.trades(runId)).length).toBe(whole.trades.length)
    } finally {
      await store.close()
    }
  })
})
