/**
 * The venue side of bench/kline-stream.ts, in its own process (as a remote exchange would be): the
 * emulator with the first `KLINE_BENCH_SYMBOLS` USDT perpetuals of the real full exchangeInfo, pushing
 * rounds of closed 1m klines when the parent asks, over IPC.
 * Messages in: `{ type: 'phase', rate, rounds }`, `{ type: 'state' }`, `{ type: 'clock' }`, `{ type: 'close' }`.
 * Messages out: `{ type: 'ready', … }`, `{ type: 'state', subscriptions, sockets }`,
 * `{ type: 'phase-done', first, pushedAt }` (round push times, epoch ms with sub-ms precision).
 */
import { fullExchangeInfo, startEmulator, usdtPerpetuals } from '@quantum/emulator'

/** A request from the bench. */
export type VenueRequest =
  { type: 'phase'; rate: number; rounds: number } | { type: 'state' } | { type: 'clock' } | { type: 'close' }

/** A reply to the bench. */
export type VenueReply =
  | { type: 'ready'; restUrl: string; wsUrl: string; key: string; secret: string; symbols: string[]; t0: number }
  | { type: 'state'; subscriptions: number; sockets: number }
  | { type: 'phase-done'; first: number; pushedAt: number[] }
  | { type: 'clock'; at: number }

const T0 = Date.UTC(2026, 0, 1)
const M = 60_000

const now = (): number => performance.timeOrigin + performance.now()
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
const send = (reply: VenueReply): void => void process.send?.(reply)

async function main(): Promise<void> {
  const info = fullExchangeInfo()
  const symbols = usdtPerpetuals(info).slice(0, Number(process.env.KLINE_BENCH_SYMBOLS ?? 50))
  const emulator = await startEmulator({ exchangeInfo: info, symbols, balance: 1_000_000 })
  let round = 0
  const push = (): void => {
    const k = round++
    for (let s = 0; s < symbols.length; s++) {
      const price = 100 + s + (k % 50) * 0.01
      const bar = { openTime: T0 + k * M, open: price, high: price + 0.05, low: price - 0.05, close: price + 0.01 }
      emulator.pushBar(symbols[s]!, { ...bar, volume: 10 })
    }
  }
  const phase = async (rate: number, rounds: number): Promise<void> => {
    const first = round
    const pushedAt: number[] = []
    const start = performance.now()
    for (let k = 0; k < rounds; k++) {
      await sleep(start + (k * 1000) / rate - performance.now())
      pushedAt.push(now())
      push()
    }
    send({ type: 'phase-done', first, pushedAt })
  }
  process.on('message', (msg: VenueRequest) => {
    if (msg.type === 'phase') void phase(msg.rate, msg.rounds)
    else if (msg.type === 'clock') send({ type: 'clock', at: now() })
    else if (msg.type === 'state') {
      const state = emulator.state()
      send({ type: 'state', subscriptions: state.subscriptions.length, sockets: state.sockets.market })
    } else void emulator.close().then(() => process.exit(0))
  })
  const { key, secret } = emulator.credentials
  send({ type: 'ready', restUrl: emulator.restUrl, wsUrl: emulator.wsUrl, key, secret, symbols, t0: T0 })
}

void main()
