/**
 * 1m klines of 50 USDT perpetuals (the first 50 of the real full exchangeInfo) streamed from the local
 * emulator, pushed in fast rounds (one round = one closed minute of every symbol, each followed by the
 * next minute's opening kline, as Binance sends them), at several round rates:
 *  - the SDK: one ccxt.pro client (`createEmulatorClient`: `createUsdmClient` with the throttle off) and
 *    `klineFeed` emitting closed candles;
 *  - the baseline, measured in the same run: a bare `ws` client subscribed to the same 50 streams,
 *    parsing the JSON and counting closed klines (`x: true`), nothing else.
 * The emulator runs in a child process (bench/kline-stream-venue.ts), as a remote venue would: the
 * consumer has this process's event loop to itself. Per rate: delivery lag of each closed candle (push of
 * its round -> emitted by the consumer), p50 / p99, and the backlog (candles pushed - candles emitted)
 * at each round's push: its maximum, and whether it grows (mean of the last third of the rounds more than
 * one round of candles above the mean of the first third). Push and emit times are epoch ms with sub-ms
 * precision (`performance.timeOrigin + performance.now()`); the two processes' origins differ by a
 * millisecond or more, so push times are moved onto the consumer's clock by an offset measured over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createEmulatorClient, klineFeed } from '@quantum/ccxt'
import WebSocket from 'ws'
import type { VenueReply, VenueRequest } from './kline-stream-venue.js'

/** What one consumer (SDK or bare) did at one round rate. */
export interface StreamPhase {
  /** Rounds per second asked for. */
  readonly targetRate: number
  /** Rounds per second the venue process actually pushed. */
  readonly pushedRate: number
  /** Rounds pushed. */
  readonly rounds: number
  /** Push of a candle's round -> the candle emitted, ms, median. */
  readonly p50Ms: number
  /** The same, 99th percentile. */
  readonly p99Ms: number
  /** Largest backlog at a round's push (candles pushed before it, not yet emitted). */
  readonly backlogMax: number
  /** Mean backlog over the first third of the rounds. */
  readonly backlogFirst: number
  /** Mean backlog over the last third of the rounds. */
  readonly backlogLast: number
  /** The backlog grew by more than one round of candles from the first third to the last. */
  readonly grows: boolean
  /** Every pushed candle was emitted within the drain time after the last round. */
  readonly drained: boolean
  /** CPU time of this (the consumer's) process per round, ms: 1000 / it bounds the sustainable rate. */
  readonly cpuMsPerRound: number
}

/** One round rate: the SDK path and the bare baseline. */
export interface StreamRate {
  readonly sdk: StreamPhase
  readonly bare: StreamPhase
}

/** The result of {@link benchKlineStream}. */
export interface KlineStreamResult {
  /** Symbols streamed. */
  readonly symbols: number
  /** klineFeed subscribed -> every stream subscribed on the venue, ms (ccxt throttle off). */
  readonly subscribeMs: number
  /** One entry per round rate. */
  readonly rates: readonly StreamRate[]
}

/** Options of {@link benchKlineStream}. */
export interface KlineStreamOptions {
  /**
   * Round rates to measure, rounds (closed minutes of all symbols) per second. The venue process pushes at
   * most ~200 rounds/s on a CI runner, so 1000 means "as fast as it can". @default [10, 50, 200, 1000]
   */
  readonly rates?: readonly number[]
  /** Length of each measured phase, s (at least 30 rounds; rates above 250 count as 250). @default 3 */
  readonly seconds?: number
  /** Number of symbols. @default 50 */
  readonly symbols?: number
}

const M = 60_000
const DRAIN_MS = 5000
const now = (): number => performance.timeOrigin + performance.now()
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length)
const percentile = (sorted: readonly number[], q: number): number =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!

/** The venue process, with request/reply over IPC. */
class Venue {
  private readonly waiting: ((reply: VenueReply) => void)[] = []

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: VenueReply) => this.waiting.shift()?.(reply))
  }

  /** Forks bench/kline-stream-venue.ts (with this process's `--import tsx`) and waits until it listens. */
  static async start(symbols: number): Promise<{ venue: Venue; ready: Extract<VenueReply, { type: 'ready' }> }> {
    const script = join(dirname(fileURLToPath(import.meta.url)), 'kline-stream-venue.ts')
    const child = fork(script, { env: { ...process.env, KLINE_BENCH_SYMBOLS: String(symbols) } })
    const venue = new Venue(child)
    const ready = await venue.next()
    if (ready.type !== 'ready') throw new Error(`kline bench venue: unexpected ${ready.type}`)
    return { venue, ready }
  }

  /** Sends a request and waits for its reply. */
  ask(request: VenueRequest): Promise<VenueReply> {
    const reply = this.next()
    this.child.send(request)
    return reply
  }

  /**
   * The venue process's clock minus this one's, ms: `performance.timeOrigin` differs between processes by
   * a millisecond or more, so push times are moved onto this clock. Best of 50 IPC pings (error <= RTT / 2).
   */
  async clockOffset(): Promise<number> {
    let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 }
    for (let i = 0; i < 50; i++) {
      const sent = now()
      const reply = await this.ask({ type: 'clock' })
      const back = now()
      if (reply.type === 'clock' && back - sent < best.rtt)
        best = { rtt: back - sent, offset: reply.at - (sent + back) / 2 }
    }
    return best.offset
  }

  /** Waits until `n` market streams are subscribed. */
  async subscribed(n: number): Promise<void> {
    for (;;) {
      const state = await this.ask({ type: 'state' })
      if (state.type === 'state' && state.subscriptions >= n) return
      await sleep(5)
    }
  }

  /** Waits until no market connection is left. */
  async disconnected(): Promise<void> {
    for (;;) {
      const state = await this.ask({ type: 'state' })
      if (state.type === 'state' && state.sockets === 0) return
      await sleep(5)
    }
  }

  /** Stops the emulator and the process. */
  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve))
    this.child.send({ type: 'close' } satisfies VenueRequest)
    await exited
  }

  private next(): Promise<VenueReply> {
    return new Promise((resolve) => this.waiting.push(resolve))
  }
}

/** Emit times of closed candles by open time, as a consumer reports them. */
class Emits {
  readonly byOpenTime = new Map<number, number[]>()
  count = 0

  /** One closed candle emitted now. */
  seen(openTime: number): void {
    const at = now()
    const list = this.byOpenTime.get(openTime)
    if (list === undefined) this.byOpenTime.set(openTime, [at])
    else list.push(at)
    this.count++
  }
}

/** Runs one phase on the venue and measures what `emits` saw of it. */
async function phase(
  venue: Venue,
  emits: Emits,
  run: { rate: number; rounds: number; perRound: number; t0: number; offset: number },
): Promise<StreamPhase> {
  const { rate, rounds, perRound, t0 } = run
  const cpu = process.cpuUsage()
  const reply = await venue.ask({ type: 'phase', rate, rounds })
  if (reply.type !== 'phase-done') throw new Error(`kline bench venue: unexpected ${reply.type}`)
  const done = { first: reply.first, pushedAt: reply.pushedAt.map((t) => t - run.offset) }
  const openTime = (k: number): number => t0 + (done.first + k) * M
  const got = (): number => done.pushedAt.reduce((n, _, k) => n + (emits.byOpenTime.get(openTime(k))?.length ?? 0), 0)
  const until = now() + DRAIN_MS
  while (got() < rounds * perRound && now() < until) await sleep(5)
  const used = process.cpuUsage(cpu)
  const lags: number[] = []
  const all: number[] = []
  done.pushedAt.forEach((at, k) => {
    for (const e of emits.byOpenTime.get(openTime(k)) ?? []) {
      lags.push(e - at)
      all.push(e)
    }
  })
  all.sort((a, b) => a - b)
  // backlog at round k's push: candles of rounds 0..k-1 minus those emitted before that moment
  let emitted = 0
  const backlog = done.pushedAt.map((at, k) => {
    while (emitted < all.length && all[emitted]! < at) emitted++
    return k * perRound - emitted
  })
  const third = Math.max(1, Math.floor(rounds / 3))
  const backlogFirst = mean(backlog.slice(0, third))
  const backlogLast = mean(backlog.slice(-third))
  lags.sort((a, b) => a - b)
  const span = done.pushedAt.at(-1)! - done.pushedAt[0]!
  return {
    targetRate: rate,
    pushedRate: span > 0 ? (rounds - 1) / (span / 1000) : rate,
    rounds,
    p50Ms: percentile(lags, 0.5),
    p99Ms: percentile(lags, 0.99),
    backlogMax: Math.max(...backlog),
    backlogFirst,
    backlogLast,
    grows: backlogLast - backlogFirst > perRound,
    drained: got() >= rounds * perRound,
    cpuMsPerRound: (used.user + used.system) / 1000 / rounds,
  }
}

/**
 * 50 symbols of 1m klines through klineFeed (one ccxt.pro client) against a bare `ws` client, at each
 * round rate: lag p50/p99 and backlog (max, growth). The baseline runs first, alone.
 */
export async function benchKlineStream(options: KlineStreamOptions = {}): Promise<KlineStreamResult> {
  const rates = options.rates ?? [10, 50, 200, 1000]
  const seconds = options.seconds ?? 3
  const { venue, ready } = await Venue.start(options.symbols ?? 50)
  const offset = await venue.clockOffset()
  const perRound = ready.symbols.length
  const streams = ready.symbols.map((s) => `${s.toLowerCase()}@kline_1m`)
  const runs = (emits: Emits): Promise<StreamPhase[]> =>
    rates.reduce<Promise<StreamPhase[]>>(async (acc, rate) => {
      const out = await acc
      const rounds = Math.max(30, Math.round(Math.min(rate, 250) * seconds))
      return [...out, await phase(venue, emits, { rate, rounds, perRound, t0: ready.t0, offset })]
    }, Promise.resolve([]))
  try {
    // The baseline: JSON.parse and the closed flag, on one connection.
    const bareEmits = new Emits()
    const ws = new WebSocket(ready.wsUrl)
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString('utf8')) as { k?: { t: number; x: boolean } }
      if (msg.k?.x === true) bareEmits.seen(msg.k.t)
    })
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: streams, id: 1 }))
    await venue.subscribed(streams.length)
    await phase(venue, bareEmits, { rate: 50, rounds: 30, perRound, t0: ready.t0, offset }) // warm-up
    const bare = await runs(bareEmits)
    ws.close()
    await venue.disconnected()

    // The SDK: one ccxt.pro client as the runtime builds it, klineFeed over every symbol. ccxt's throttle
    // is off: with it (the runtime's default) the 50 SUBSCRIBE messages alone take ~12 s, as ccxt paces
    // WebSocket messages for Binance's 10 per second limit; streaming itself is not throttled.
    const client = await createEmulatorClient({ ...ready, credentials: { key: ready.key, secret: ready.secret } })
    const markets = await client.loadMarkets()
    const symbols = new Map(Object.values(markets).map((m) => [m.id, m.symbol]))
    const sdkEmits = new Emits()
    const feed = klineFeed({ client, symbols, timeframe: '1m' })
    const subscribing = performance.now()
    const sub = feed.subscribe((bar) => sdkEmits.seen(bar.openTime))
    try {
      await venue.subscribed(streams.length)
      const subscribeMs = performance.now() - subscribing
      await phase(venue, sdkEmits, { rate: 50, rounds: 30, perRound, t0: ready.t0, offset }) // warm-up
      const sdk = await runs(sdkEmits)
      return { symbols: perRound, subscribeMs, rates: sdk.map((s, i) => ({ sdk: s, bare: bare[i]! })) }
    } finally {
      sub.unsubscribe()
      await client.close()
    }
  } finally {
    await venue.close()
  }
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')

/** The bench's printed rows, `[name, value, ratio or note]`: per rate lag and backlog, then the target. */
export function klineStreamRows(k: KlineStreamResult): [string, string, string][] {
  const rows: [string, string, string][] = []
  const n = k.symbols
  rows.push([`kline stream, ${n} symbols: subscribe`, `${k.subscribeMs.toFixed(0)} ms`, 'ccxt throttle off'])
  const trend = (p: StreamPhase): string =>
    `${p.backlogFirst.toFixed(0)} -> ${p.backlogLast.toFixed(0)}${p.grows ? ' GROWS' : ''}${p.drained ? '' : ' NOT DRAINED'}`
  for (const { sdk, bare } of k.rates) {
    rows.push([
      `kline stream @ ${sdk.targetRate} rounds/s (${fmt(sdk.pushedRate)} pushed): lag p50/p99`,
      `${sdk.p50Ms.toFixed(2)} / ${sdk.p99Ms.toFixed(2)} ms`,
      `${(sdk.p50Ms / bare.p50Ms).toFixed(1)}x a bare ws client (${bare.p50Ms.toFixed(2)} / ${bare.p99Ms.toFixed(2)} ms)`,
    ])
    rows.push([
      '  backlog: max, mean first -> last third',
      `${fmt(sdk.backlogMax)}, ${trend(sdk)}`,
      `bare ${fmt(bare.backlogMax)}, ${trend(bare)}; CPU/round ${sdk.cpuMsPerRound.toFixed(2)} vs ${bare.cpuMsPerRound.toFixed(2)} ms`,
    ])
  }
  const growing = k.rates.find((r) => r.sdk.grows || !r.sdk.drained)
  const limit = growing?.sdk.pushedRate ?? Number.POSITIVE_INFINITY
  const steady = k.rates.filter((r) => r.sdk.pushedRate < limit && !r.sdk.grows && r.sdk.drained)
  const top = k.rates.reduce((a, b) => (b.sdk.pushedRate > a.sdk.pushedRate ? b : a), k.rates[0]!)
  const ceiling = `consumer CPU ${top.sdk.cpuMsPerRound.toFixed(2)} ms/round at ${fmt(top.sdk.pushedRate)}/s: saturated near ~${fmt(1000 / top.sdk.cpuMsPerRound)} rounds/s (bare ~${fmt(1000 / top.bare.cpuMsPerRound)})`
  rows.push([
    `target: ${n} symbols of 1m klines, no growing backlog`,
    steady.length > 0 ? `met up to ${fmt(Math.max(...steady.map((r) => r.sdk.pushedRate)))} rounds/s` : 'NOT MET',
    growing === undefined
      ? `no growth at any rate the venue could push (real time: 1 round a minute); ${ceiling}`
      : `the backlog grows at ${fmt(growing.sdk.pushedRate)} rounds/s pushed (asked ${growing.sdk.targetRate}); ${ceiling}`,
  ])
  return rows
}
