/**
 * `createEmulator` / `startEmulator`: a local Binance USD-M futures server (REST + WebSocket on one
 * port, 127.0.0.1) backed by the paper exchange's matching engine.
 * @packageDocumentation
 */
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { NotSupportedError, type Balance, type PaperExchange, type Position } from '@quantum/core'
import { ManualClock, type EmulatorClock } from './clock.js'
import { algoJson, orderJson } from './engine/format.js'
import { Venue, type BookShape } from './engine/venue.js'
import { FaultController } from './faults.js'
import { createRestHandler, type RequestRecord } from './http/server.js'
import {
  resolveEmulatorOptions,
  type ApiKeyPair,
  type EmulatorOptions,
  type ResolvedEmulatorOptions,
} from './options.js'
import { MarketFeed, type EmulatorBar, type PushBarOptions, type Replay, type ReplayOptions } from './market-feed.js'
import { ListenKeys } from './ws/listen-keys.js'
import { StreamServer, type SocketKind } from './ws/stream-server.js'

/** A snapshot of the emulated account, for assertions. */
export interface EmulatorState {
  /** Server time (clock plus skew), epoch ms. */
  readonly serverTime: number
  readonly balance: Balance
  /** Non-flat positions. */
  readonly positions: readonly Position[]
  /** Open regular orders, as `GET /fapi/v1/openOrders` shows them. */
  readonly openOrders: readonly Record<string, unknown>[]
  /** Working algo orders, as `GET /fapi/v1/openAlgoOrders` shows them. */
  readonly openAlgoOrders: readonly Record<string, unknown>[]
  /** Number of executions so far. */
  readonly trades: number
  /** Valid listenKeys. */
  readonly listenKeys: readonly string[]
  /** Open WebSocket connections. */
  readonly sockets: { readonly market: number; readonly private: number }
  /** Market streams some connection is subscribed to (e.g. `btcusdt@kline_1m`), sorted. */
  readonly subscriptions: readonly string[]
}

/** The fault controller plus the WebSocket drop switch. */
export class EmulatorFaults extends FaultController {
  /** @internal */
  constructor(
    seed: number,
    private readonly streams: StreamServer,
  ) {
    super(seed)
  }

  /** Terminates WebSocket connections at once (no close frame); returns how many. @default kind 'all' */
  dropConnections(kind: SocketKind = 'all'): number {
    return this.streams.drop(kind)
  }

  /**
   * Silences the open WebSocket connections (they stay open and answer pings, but no more data comes):
   * a stream that died without closing its socket. New connections are served. Returns how many.
   * @default kind 'all'
   */
  stallConnections(kind: SocketKind = 'all'): number {
    return this.streams.stall(kind)
  }
}

/**
 * A running local Binance USD-M futures emulator. Create it with {@link startEmulator}.
 * REST answers at {@link Emulator.restUrl}, WebSockets at {@link Emulator.wsUrl} (same port).
 */
export class Emulator {
  /** The emulator's clock (a {@link ManualClock} with `clock: 'manual'`). */
  readonly clock: EmulatorClock
  /** Fault injection (`inject`, `clear`, `dropConnections`, `stallConnections`, `history`). */
  readonly faults: EmulatorFaults
  /** The first API key pair (the one most tests use). */
  readonly credentials: ApiKeyPair
  /** Recent REST requests (newest last, at most 1000). */
  readonly requests: RequestRecord[] = []
  private readonly options: ResolvedEmulatorOptions
  private readonly venue: Venue
  private readonly streams: StreamServer
  private readonly listenKeys: ListenKeys
  private readonly server: Server
  private readonly held = new Set<ServerResponse>()
  private readonly feed: MarketFeed
  private address: AddressInfo | undefined

  /**
   * Validates the options and builds the emulator (not listening yet: see {@link Emulator.listen}).
   * @throws {ConfigError} for invalid options, listing every issue.
   */
  constructor(options: EmulatorOptions = {}) {
    this.options = resolveEmulatorOptions(options)
    this.clock = this.options.clock
    this.credentials = this.options.apiKeys[0]!
    this.venue = new Venue(this.options, () => this.now())
    this.listenKeys = new ListenKeys(this.clock, this.options.listenKeyTtlMs, (key) =>
      this.streams.expire(key, this.now()),
    )
    this.streams = new StreamServer(this.listenKeys)
    this.faults = new EmulatorFaults(this.options.seed, this.streams)
    this.venue.onUserEvent((e) => this.streams.publishUser(e))
    this.feed = new MarketFeed({
      options: this.options,
      venue: this.venue,
      streams: this.streams,
      clock: this.clock,
      now: () => this.now(),
    })
    const deps = {
      options: this.options,
      venue: this.venue,
      faults: this.faults,
      listenKeys: this.listenKeys,
      now: () => this.now(),
      log: this.requests,
      held: this.held,
    }
    this.server = createServer({ keepAliveTimeout: 5000 }, createRestHandler(deps))
    this.server.on('upgrade', (req, socket, head) => this.streams.handleUpgrade(req, socket, head))
  }

  /** Binds the server (127.0.0.1, port 0 = a free port, by default). */
  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(this.options.port, this.options.host, () => resolve())
    })
    this.address = this.server.address() as AddressInfo
    return this
  }

  /** The TCP port. @throws {NotSupportedError} before {@link Emulator.listen}. */
  get port(): number {
    if (this.address === undefined) throw new NotSupportedError('The emulator is not listening yet: call listen()')
    return this.address.port
  }

  /** Base URL of the REST API, e.g. `http://127.0.0.1:40123` (paths are `/fapi/v1/...`). */
  get restUrl(): string {
    return `http://${this.options.host}:${this.port}`
  }

  /** WebSocket base for ccxt's `urls.api.ws.future`, e.g. `ws://127.0.0.1:40123/ws`. */
  get wsUrl(): string {
    return `ws://${this.options.host}:${this.port}/ws`
  }

  /** Server time: the clock plus any injected clock skew, epoch ms. */
  now(): number {
    return this.clock.now() + this.faults.skewMs()
  }

  /** The paper exchange used as matching engine (read its state; trade through REST). */
  get engine(): PaperExchange {
    return this.venue.paper
  }

  /**
   * Feeds one closed bar: stored for `klines`, given to the matching engine (fills and triggers by the
   * paper rules), pushed as `kline` (x=true), `markPriceUpdate` and `bookTicker` events, followed by the
   * opening kline of the next interval (x=false, o=h=l=c=close, volume 0), as Binance streams it. With
   * `updates: n`, n in-progress updates of the bar's candle (x=false) are streamed first. A manual clock
   * is moved forward to the bar's close when it is behind.
   * @throws {ConfigError} for an invalid bar, interval, symbol or `updates`.
   */
  pushBar(symbol: string, bar: EmulatorBar, options: PushBarOptions = {}): void {
    this.feed.push(symbol, bar, {
      interval: options.interval ?? this.options.interval,
      moveClock: true,
      updates: options.updates ?? 0,
    })
  }

  /**
   * Shapes `symbol`'s top of book (REST `ticker/bookTicker` and the `bookTicker` stream): bid and ask
   * `spreadBps` apart around the last price (0: one tick) with `qty` on each side. @default one tick, quantity 1
   * @throws {ConfigError} for an unknown symbol.
   */
  setBook(symbol: string, shape: BookShape): void {
    this.feed.checkSymbol(symbol)
    this.venue.books.set(symbol, shape)
  }

  /**
   * Moves `symbol`'s market to `price` now (a zero-range bar for the engine; no kline stored).
   * @throws {ConfigError} for an unknown symbol.
   */
  tick(symbol: string, price: number): void {
    this.feed.checkSymbol(symbol)
    this.venue.tick(symbol, price)
    this.feed.publishPrices(symbol, price)
  }

  /**
   * Advances a manual clock by `ms`, running what falls due (replayed bars, delayed and partial fills,
   * listenKey expiry).
   * @throws {NotSupportedError} with a real clock.
   */
  advance(ms: number): void {
    if (!(this.clock instanceof ManualClock)) throw new NotSupportedError('advance() needs clock: "manual"')
    this.clock.advance(ms)
  }

  /** Pushes `bars` one by one on the emulator clock, each at its close time (divided by `speed`). */
  replay(symbol: string, bars: readonly EmulatorBar[], options: ReplayOptions = {}): Replay {
    return this.feed.replay(symbol, bars, options)
  }

  /** A snapshot of the account, orders and connections. */
  state(): EmulatorState {
    const v = this.venue
    return {
      serverTime: this.now(),
      balance: v.paper.account.getBalance(),
      positions: v.paper.account.getPositions(),
      openOrders: v.openOrders().map((o) => orderJson(o, v.instrument(o.symbol))),
      openAlgoOrders: v.openAlgos().map((a) => algoJson(a, v.instrument(a.symbol))),
      trades: v.trades.length,
      listenKeys: this.listenKeys.list(),
      sockets: this.streams.counts(),
      subscriptions: this.streams.subscriptions(),
    }
  }

  /** Stops the server: held (timed-out) requests and every connection are destroyed, timers cancelled. */
  async close(): Promise<void> {
    for (const res of this.held) res.destroy()
    this.held.clear()
    this.streams.close()
    this.listenKeys.dispose()
    this.clock.dispose()
    if (!this.server.listening) return
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.server.closeAllConnections()
    await closed
  }
}

/**
 * Builds an emulator without binding it (call {@link Emulator.listen}).
 * @throws {ConfigError} for invalid options, listing every issue by path.
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  return new Emulator(options)
}

/**
 * Builds and starts an emulator on 127.0.0.1 (a free port by default).
 * @throws {ConfigError} for invalid options.
 * @example
 * const emulator = await startEmulator({ clock: 'manual', balance: 10_000 })
 * emulator.pushBar('BTCUSDT', { openTime: emulator.clock.now(), open: 60000, high: 60100, low: 59900, close: 60050 })
 * // point ccxt at emulator.restUrl / emulator.wsUrl (see the README), trade, then:
 * await emulator.close()
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return createEmulator(options).listen()
}
