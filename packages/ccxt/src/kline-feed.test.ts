import { ConfigError, type MarketBar } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { fetchClosedBars, klineFeed, type OhlcvClient } from './kline-feed.js'

const M = 60_000
const row = (t: number, close = 100 + t / M): number[] => [t, close, close + 1, close - 1, close, 10]

/** A client whose watchOHLCV answers from a script (an Error entry rejects), then waits forever. */
function scripted(watches: (unknown[] | Error)[], history: number[][] = []) {
  const fetched: (number | undefined)[] = []
  const client: OhlcvClient = {
    watchOHLCV: () => {
      const next = watches.shift()
      if (next instanceof Error) return Promise.reject(next)
      return next === undefined ? new Promise(() => undefined) : Promise.resolve(next)
    },
    fetchOHLCV: (_s, _tf, since) => {
      fetched.push(since)
      return Promise.resolve(history.filter((r) => r[0]! >= (since ?? 0)))
    },
  }
  return { client, fetched }
}

async function collect(client: OhlcvClient, ms = 20): Promise<MarketBar[]> {
  const bars: MarketBar[] = []
  const symbols = new Map([['BTCUSDT', 'BTC/USDT:USDT']])
  const sub = klineFeed({ client, symbols, timeframe: '1m', retryMs: 1 }).subscribe((b) => bars.push({ ...b }))
  await new Promise((resolve) => setTimeout(resolve, ms))
  sub.unsubscribe()
  return bars
}

describe('klineFeed', () => {
  it('should emit a candle once the next one has started, once, with its final values', async () => {
    const { client, fetched } = scripted([
      [row(0, 100)],
      [row(0, 101)],
      [row(0, 102), row(M, 103)],
      [row(M, 104)],
      [row(2 * M, 105)],
    ])
    const bars = await collect(client)
    expect(bars.map((b) => [b.openTime, b.close, b.index])).toEqual([
      [0, 102, 0],
      [M, 104, 1],
    ])
    expect(bars[0]).toMatchObject({ symbol: 'BTCUSDT', high: 103, low: 101, volume: 10 })
    expect(fetched).toEqual([]) // a new candle after the pending one is no gap: no REST call
  })

  it('should backfill candles missed across a reconnect from REST, in order', async () => {
    const history = [0, 1, 2, 3, 4, 5].map((k) => row(k * M))
    const { client, fetched } = scripted([[row(0)], [row(M)], [row(5 * M)]], history)
    const bars = await collect(client)
    expect(fetched).toEqual([M])
    expect(bars.map((b) => b.openTime / M)).toEqual([0, 1, 2, 3, 4])
  })

  it('should backfill open times the stream skips within one update', async () => {
    const history = [0, 1, 2, 3, 4, 5].map((k) => row(k * M))
    const { client, fetched } = scripted([[row(0)], [row(M)], [row(2 * M), row(4 * M)], [row(5 * M)]], history)
    const bars = await collect(client)
    expect(fetched).toEqual([M])
    expect(bars.map((b) => b.openTime / M)).toEqual([0, 1, 2, 3, 4])
  })

  it('should watch again after an error and take the pending candle final values from REST', async () => {
    // the candle at M was last seen in progress (close 50); its final update was lost with the socket
    const history = [row(0), row(M, 111), row(2 * M, 112)]
    const { client, fetched } = scripted(
      [[row(0)], [row(M, 50)], new Error('socket closed'), [row(2 * M, 112), row(3 * M)]],
      history,
    )
    const bars = await collect(client)
    expect(fetched).toEqual([M])
    expect(bars.map((b) => [b.openTime / M, b.close])).toEqual([
      [0, 100],
      [1, 111],
      [2, 112],
    ])
  })

  it('should drop malformed rows and keep going', async () => {
    const errors: unknown[] = []
    const { client } = scripted([[row(0), ['x', 1, 2, 3, 4, 5]], [row(M)]])
    const bars: MarketBar[] = []
    const sub = klineFeed({
      client,
      symbols: new Map([['BTCUSDT', 'BTC/USDT:USDT']]),
      timeframe: '1m',
      onError: (e) => errors.push(e),
    }).subscribe((b) => bars.push(b))
    await new Promise((resolve) => setTimeout(resolve, 20))
    sub.unsubscribe()
    expect(bars.map((b) => b.openTime)).toEqual([0])
    expect(String(errors[0])).toContain('malformed')
  })

  it('should refuse an unknown timeframe', () => {
    expect(() => klineFeed({ client: scripted([]).client, symbols: new Map(), timeframe: '7m' })).toThrow(ConfigError)
    expect(() => klineFeed({ client: scripted([]).client, symbols: new Map(), timeframe: '7m' })).toThrow(/7m/)
  })

  it('should continue after a warm-up history: indexes run on, candles closed since are backfilled', async () => {
    const history = [0, 1, 2, 3, 4, 5].map((k) => row(k * M))
    const { client, fetched } = scripted([[row(4 * M), row(5 * M)], [row(6 * M)]], history)
    const bars: MarketBar[] = []
    const sub = klineFeed({
      client,
      symbols: new Map([['BTCUSDT', 'BTC/USDT:USDT']]),
      timeframe: '1m',
      after: new Map([['BTCUSDT', { openTime: 2 * M, index: 9 }]]),
    }).subscribe((b) => bars.push({ ...b }))
    await new Promise((resolve) => setTimeout(resolve, 20))
    sub.unsubscribe()
    expect(fetched).toEqual([3 * M])
    expect(bars.map((b) => [b.openTime / M, b.index])).toEqual([
      [3, 10],
      [4, 11],
      [5, 12],
    ])
  })
})

describe('fetchClosedBars', () => {
  it('should return the latest closed candles per symbol, oldest first and indexed from 0, without the open one', async () => {
    const calls: [number | undefined, number | undefined][] = []
    const client: Pick<OhlcvClient, 'fetchOHLCV'> = {
      fetchOHLCV: (_s, _tf, since, limit) => {
        calls.push([since, limit])
        // The venue answers with the candle still open (10) and in reverse order.
        return Promise.resolve([10, 9, 8, 7, 6].map((k) => row(k * M)))
      },
    }
    const now = 10 * M + 30_000
    const bars = await fetchClosedBars({
      client,
      symbols: new Map([['BTCUSDT', 'BTC/USDT:USDT']]),
      timeframe: '1m',
      count: 3,
      now,
    })
    expect(calls).toEqual([[7 * M, 4]])
    expect(bars.get('BTCUSDT')?.map((b) => [b.openTime / M, b.index, b.symbol])).toEqual([
      [7, 0, 'BTCUSDT'],
      [8, 1, 'BTCUSDT'],
      [9, 2, 'BTCUSDT'],
    ])
  })
})
