/**
 * Market data into the emulator: closed bars (pushed or replayed on the emulator clock) and price
 * ticks go to the matching engine, the kline store and the market streams.
 * @packageDocumentation
 */
import { ConfigError, parseOrThrow, type Instrument } from '@quantum/core'
import { z } from 'zod'
import { ManualClock, type EmulatorClock } from './clock.js'
import { num } from './engine/format.js'
import { klineActivity } from './engine/market-book.js'
import { topOfBook, type Venue } from './engine/venue.js'
import { INTERVALS, type ResolvedEmulatorOptions } from './options.js'
import type { StreamServer } from './ws/stream-server.js'

/** A candle given to the emulator (closed bar). */
export interface EmulatorBar {
  /** Open time, epoch ms (a multiple of the interval). */
  readonly openTime: number
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
  /** Base-asset volume. @default 0 */
  readonly volume?: number
  /** Number of trades (kline field 8). @default modelled: one per 1 000 USDT of quote volume, see README */
  readonly trades?: number
  /** Base volume bought by takers (kline field 9), at most `volume`. @default modelled from the close's place in the range */
  readonly takerBuyVolume?: number
}

/** Options of {@link Emulator.pushBar}. */
export interface PushBarOptions {
  /** Kline interval of the bar; only bars of the emulator's `interval` reach the matching engine. @default the emulator's `interval` */
  readonly interval?: string
  /**
   * In-progress updates of the bar's candle (`x: false`) streamed before the closed one, as Binance
   * streams a forming candle: update `j` of `n` has the bar's open, a high and low moved `j/(n+1)` of the
   * way from the open toward the bar's (on the tick grid), a close in between and `j/(n+1)` of the volume.
   * Stream only: the engine and `klines` get the closed bar alone.
   * @default 0
   */
  readonly updates?: number
}

/** Options of {@link Emulator.replay}. */
export interface ReplayOptions {
  /** Emulator milliseconds per bar-time millisecond divisor: 60 replays a 1m bar every second of emulator time. @default 1 */
  readonly speed?: number
  /** Kline interval of the bars. @default the emulator's `interval` */
  readonly interval?: string
}

/** A running replay. */
export interface Replay {
  /** Bars pushed so far. */
  readonly pushed: number
  /** True once every bar was pushed. */
  readonly done: boolean
  /** Stops before the next bar. */
  stop(): void
}

const BarSchema = z
  .strictObject({
    openTime: z.number().int().nonnegative(),
    open: z.number().finite().positive(),
    high: z.number().finite().positive(),
    low: z.number().finite().positive(),
    close: z.number().finite().positive(),
    volume: z.number().finite().nonnegative().default(0),
    /** Number of trades in the bar (Binance's kline field 8); modelled when absent. */
    trades: z.number().int().nonnegative().optional(),
    /** Base volume bought by takers (kline field 9), at most `volume`; modelled when absent. */
    takerBuyVolume: z.number().finite().nonnegative().optional(),
  })
  .refine((b) => b.high >= Math.max(b.open, b.close, b.low) && b.low <= Math.min(b.open, b.close), {
    message: 'expected low <= open, close <= high',
    path: ['high'],
  })
  .refine((b) => b.takerBuyVolume === undefined || b.takerBuyVolume <= b.volume, {
    message: 'expected takerBuyVolume <= volume',
    path: ['takerBuyVolume'],
  })

/** One kline of the stream, numbers before formatting. */
type StreamKline = Required<Omit<EmulatorBar, 'trades' | 'takerBuyVolume'>> &
  Pick<EmulatorBar, 'trades' | 'takerBuyVolume'> & { readonly closed: boolean }

/** How a bar is pushed. @internal */
export interface PushHow {
  /** Kline interval of the bar. */
  readonly interval: string
  /** Move a manual clock to the bar's close (pushBar) or not (replay, which runs on the clock). */
  readonly moveClock: boolean
  /** In-progress updates streamed before the closed kline. @default 0 */
  readonly updates?: number
}

/** What the feed works with. @internal */
export interface MarketFeedDeps {
  readonly options: ResolvedEmulatorOptions
  readonly venue: Venue
  readonly streams: StreamServer
  readonly clock: EmulatorClock
  /** Server time. */
  readonly now: () => number
}

/** The emulator's market-data input. @internal */
export class MarketFeed {
  constructor(private readonly deps: MarketFeedDeps) {}

  /**
   * Streams `how.updates` in-progress updates of the bar's candle, then stores, matches and publishes
   * the closed bar, then streams the opening kline of the next interval (`x: false`, o=h=l=c=close,
   * volume 0), as Binance starts the next candle right after closing one.
   */
  push(symbol: string, input: EmulatorBar, how: PushHow): void {
    const bar = parseOrThrow(BarSchema, input, 'emulator bar')
    const updates = parseOrThrow(UpdatesSchema, how.updates ?? 0, { what: 'pushBar options', path: 'updates' })
    const i = this.checkSymbol(symbol)
    const ms = intervalMs(how.interval)
    for (let j = 1; j <= updates; j++) this.publishKline(i, how.interval, forming(bar, j / (updates + 1), i.tickSize))
    const closeTime = bar.openTime + ms - 1
    if (how.moveClock && this.deps.clock instanceof ManualClock && this.deps.clock.now() < closeTime + 1)
      this.deps.clock.set(closeTime + 1)
    this.deps.venue.market.add(i.symbol, how.interval, { ...bar, closeTime })
    if (how.interval === this.deps.options.interval) this.deps.venue.onBar(i.symbol, bar)
    this.publishKline(i, how.interval, { ...bar, closed: true })
    const c = bar.close
    this.publishKline(i, how.interval, {
      openTime: bar.openTime + ms,
      open: c,
      high: c,
      low: c,
      close: c,
      volume: 0,
      closed: false,
    })
    this.publishPrices(i.symbol, bar.close)
  }

  /** Pushes `bars` one by one on the emulator clock, each at its close time (divided by `speed`). */
  replay(symbol: string, bars: readonly EmulatorBar[], options: ReplayOptions = {}): Replay {
    const interval = options.interval ?? this.deps.options.interval
    const ms = intervalMs(interval)
    const speed = options.speed ?? 1
    const first = bars[0]
    const start = this.deps.clock.now()
    const state = { pushed: 0, done: bars.length === 0, cancel: () => {} }
    const next = (): void => {
      const bar = bars[state.pushed]
      if (bar === undefined || first === undefined) return void (state.done = true)
      const at = start + (bar.openTime + ms - first.openTime) / speed
      state.cancel = this.deps.clock.schedule(at, () => {
        this.push(symbol, bar, { interval, moveClock: false })
        state.pushed++
        next()
      })
    }
    next()
    return {
      get pushed() {
        return state.pushed
      },
      get done() {
        return state.done
      },
      stop: () => state.cancel(),
    }
  }

  /** The instrument of a listed symbol. @throws {ConfigError} for an unknown one. */
  checkSymbol(symbol: string): Instrument {
    const i = this.deps.venue.instruments.get(symbol)
    if (i === undefined) {
      throw new ConfigError('Unknown emulator symbol', [{ path: 'symbol', message: `${symbol} is not listed` }])
    }
    return i
  }

  /** Pushes one `kline` event on `<symbol>@kline_<interval>`. */
  private publishKline(i: Instrument, interval: string, k: StreamKline): void {
    const t = k.openTime
    const a = klineActivity(k)
    this.deps.streams.publish(`${i.symbol.toLowerCase()}@kline_${interval}`, {
      e: 'kline',
      E: this.deps.now(),
      s: i.symbol,
      k: {
        t,
        T: t + intervalMs(interval) - 1,
        s: i.symbol,
        i: interval,
        f: 0,
        L: 0,
        o: num(k.open),
        c: num(k.close),
        h: num(k.high),
        l: num(k.low),
        v: num(k.volume, 3),
        n: a.trades,
        x: k.closed,
        q: num(k.volume * k.close, 5),
        V: num(a.takerBuyVolume, 3),
        Q: num(a.takerBuyVolume * k.close, 5),
        B: '0',
      },
    })
  }

  /** Pushes `markPriceUpdate` and `bookTicker` for `symbol` at `price`. */
  publishPrices(symbol: string, price: number): void {
    const i = this.deps.venue.instrument(symbol)
    const s = symbol.toLowerCase()
    const E = this.deps.now()
    const mark = {
      e: 'markPriceUpdate',
      E,
      s: symbol,
      p: num(price),
      i: num(price),
      P: num(price),
      r: num(0.0001),
      T: nextFunding(E),
    }
    this.deps.streams.publish(`${s}@markPrice`, mark)
    this.deps.streams.publish(`${s}@markPrice@1s`, mark)
    const top = topOfBook(this.deps.venue, i, price)
    const book = {
      e: 'bookTicker',
      u: E,
      E,
      T: E,
      s: symbol,
      b: num(top.bid),
      B: num(top.bidQty),
      a: num(top.ask),
      A: num(top.askQty),
    }
    this.deps.streams.publish(`${s}@bookTicker`, book)
  }
}

const UpdatesSchema = z.number().int().min(0).max(1000)

/**
 * The candle of `bar` a fraction `f` (0..1) of the way through: high and low moved `f` of the way from
 * the open toward the bar's, inward on the tick grid (so they only grow), the close in between.
 */
function forming(bar: z.output<typeof BarSchema>, f: number, tick: number): StreamKline {
  const grid = (v: number, round: (x: number) => number): number => (tick > 0 ? round(v / tick) * tick : v)
  const { open } = bar
  const close = grid(open + (bar.close - open) * f, Math.round)
  return {
    openTime: bar.openTime,
    open,
    high: Math.max(grid(open + (bar.high - open) * f, Math.floor), open, close),
    low: Math.min(grid(open - (open - bar.low) * f, Math.ceil), open, close),
    close,
    volume: bar.volume * f,
    closed: false,
  }
}

/** Length of a kline interval, ms. @throws {ConfigError} for an unknown interval. */
export function intervalMs(interval: string): number {
  const ms = INTERVALS[interval]
  if (ms === undefined)
    parseOrThrow(z.enum(Object.keys(INTERVALS) as [string, ...string[]]), interval, 'kline interval')
  return ms!
}

function nextFunding(now: number): number {
  return Math.floor(now / 28_800_000) * 28_800_000 + 28_800_000
}
