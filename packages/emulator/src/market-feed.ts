/**
 * Market data into the emulator: closed bars (pushed or replayed on the emulator clock) and price
 * ticks go to the matching engine, the kline store and the market streams.
 * @packageDocumentation
 */
import { ConfigError, parseOrThrow, type Instrument } from '@quantum/core'
import { z } from 'zod'
import { ManualClock, type EmulatorClock } from './clock.js'
import { num } from './engine/format.js'
import type { Venue } from './engine/venue.js'
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
}

/** Options of {@link Emulator.pushBar}. */
export interface PushBarOptions {
  /** Kline interval of the bar; only bars of the emulator's `interval` reach the matching engine. @default the emulator's `interval` */
  readonly interval?: string
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
  })
  .refine((b) => b.high >= Math.max(b.open, b.close, b.low) && b.low <= Math.min(b.open, b.close), {
    message: 'expected low <= open, close <= high',
    path: ['high'],
  })

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

  /** Stores, matches and publishes one closed bar. */
  push(symbol: string, input: EmulatorBar, how: { interval: string; moveClock: boolean }): void {
    const bar = parseOrThrow(BarSchema, input, 'emulator bar')
    const i = this.checkSymbol(symbol)
    const ms = intervalMs(how.interval)
    const closeTime = bar.openTime + ms - 1
    if (how.moveClock && this.deps.clock instanceof ManualClock && this.deps.clock.now() < closeTime + 1)
      this.deps.clock.set(closeTime + 1)
    this.deps.venue.market.add(i.symbol, how.interval, { ...bar, closeTime })
    if (how.interval === this.deps.options.interval) this.deps.venue.onBar(i.symbol, bar)
    const s = i.symbol.toLowerCase()
    const E = this.deps.now()
    const k = {
      t: bar.openTime,
      T: closeTime,
      s: i.symbol,
      i: how.interval,
      f: 0,
      L: 0,
      o: num(bar.open),
      c: num(bar.close),
      h: num(bar.high),
      l: num(bar.low),
      v: num(bar.volume, 3),
      n: 0,
      x: true,
      q: num(bar.volume * bar.close, 5),
      V: '0',
      Q: '0',
      B: '0',
    }
    this.deps.streams.publish(`${s}@kline_${how.interval}`, { e: 'kline', E, s: i.symbol, k })
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
    const book = {
      e: 'bookTicker',
      u: E,
      E,
      T: E,
      s: symbol,
      b: num(price),
      B: '1',
      a: num(price + i.tickSize),
      A: '1',
    }
    this.deps.streams.publish(`${s}@bookTicker`, book)
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
