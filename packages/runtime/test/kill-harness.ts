/**
 * The kill -9 harness: `quantum-run --mode testnet --state <db>` on the local emulator (with seeded
 * faults), killed with SIGKILL at seeded random points — at random times, right after an intent is
 * journaled and before it is sent, right after a fill is journaled and before its stop — and restarted
 * each time. After every restart and at the end it checks: no client order id sent twice, no position
 * without a stop past the grace period, and at the end the store's fills equal the venue's userTrades.
 * Used by `kill-restart.test.ts` (a few kills, CI) and `bench/kill-restart.ts` (100 kills).
 * @packageDocumentation
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startEmulator } from '@quantum/emulator'
import { openStateStore } from '@quantum/store'

const here = dirname(fileURLToPath(import.meta.url))
const CLI = resolve(here, '../bin/quantum-run.js')
const CONFIG = resolve(here, 'fixtures/kill.config.ts')
const KEY = 'kill-harness-key-0001'
const SECRET = 'kill-harness-secret-0001'

/** Options of {@link runKillHarness}. */
export interface KillHarnessOptions {
  readonly kills: number
  /** Seed of the kill points and of the emulator's faults. @default 1 */
  readonly seed?: number
  /** Milliseconds between two pushed 1m bars. @default 1000 */
  readonly barEveryMs?: number
  /** How long a position may stay without a stop after a restart is ready. @default 8000 */
  readonly graceMs?: number
  /** Progress lines. @default none */
  readonly log?: (line: string) => void
  /**
   * Lockstep (a deterministic feed): the harness pushes the next 1m bar only once the run is up and
   * quiet (no request to the venue for `quietMs`), so no bar is missed while a process is down, and
   * kills fall between bars (SIGKILL) or right after a journaled fill (the crash point). The final
   * trade list then equals an uninterrupted run's (`kills: 0`) on the same seed. @default off (bars on a
   * wall-clock timer, kills at random times, also right after a journaled intent)
   */
  readonly lockstep?: { readonly bars: number; readonly quietMs?: number }
  /** Inject 5 % HTTP 503 on order requests. @default true */
  readonly faults?: boolean
}

/** One venue execution, without ids (for comparing runs). */
export interface VenueExecution {
  readonly side: string
  readonly qty: number
  readonly price: number
  /** The order type as placed (`MARKET`, `STOP_MARKET`, `TAKE_PROFIT_MARKET`, ...). */
  readonly type: string
}

/** One kill and the restart after it. */
export interface KillRecord {
  readonly kind: 'random' | 'after-intent' | 'after-fill'
  /** Whether the process was killed (a crash point that was never reached is killed at random after all). */
  readonly killed: boolean
  /** Restart (spawn) to ready for the first live bar, ms. */
  readonly restartToReadyMs: number
}

/** What the harness found. */
export interface KillHarnessResult {
  readonly kills: readonly KillRecord[]
  /** Client order ids the venue saw more than once. */
  readonly duplicateOrders: number
  /** Venue executions missing from the store. */
  readonly lostFills: number
  /** Store fills the venue does not have. */
  readonly extraFills: number
  /** Checks (after a restart, past the grace period) that found a position without a stop. */
  readonly unprotectedChecks: number
  readonly venueFills: number
  readonly storeTrades: number
  readonly orders: number
  /** Exit code of the final graceful stop (SIGTERM). */
  readonly finalExitCode: number | null
  readonly finalStopMs: number
  /** The venue's executions in time order (side, quantity, price, order type). */
  readonly executions: readonly VenueExecution[]
  /** Details for a failing check: the duplicated client ids (with the venue's order types), the lost fill ids, the folder. */
  readonly details: { readonly duplicates: string[]; readonly lost: string[]; readonly dir: string }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Runs the harness; resolves with its figures (it asserts nothing itself). */
export async function runKillHarness(options: KillHarnessOptions): Promise<KillHarnessResult> {
  const seed = options.seed ?? 1
  const random = mulberry32(seed)
  const log = options.log ?? (() => undefined)
  const grace = options.graceMs ?? 8000
  const emulator = await startEmulator({ balance: 100_000, seed, apiKeys: [{ key: KEY, secret: SECRET }] })
  // Seeded faults: a few slow or failing order requests the adapter retries idempotently.
  if (options.faults !== false) emulator.faults.inject({ kind: 'http-503', path: '/fapi/v1/order', probability: 0.05 })
  const cwd = await mkdtemp(join(tmpdir(), 'quantum-kill-'))
  const db = join(cwd, 'state.db')
  // A deterministic price walk: 30 closed minutes of history, then one 1m bar every `barEveryMs` (or, in
  // lockstep, whenever the run is quiet). Lockstep bars lie in the past (closed by the wall clock, so a
  // restart's warm-up holds every bar pushed so far) on a 6-minute grid (the same decisions every run).
  const lockstep = options.lockstep
  const live = lockstep?.bars ?? 0
  const start =
    lockstep === undefined
      ? Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000
      : Math.floor(Date.now() / 360_000) * 360_000 - (30 + live + 6) * 60_000
  const walk = mulberry32(seed + 1)
  let k = 0
  let price = 60_000
  const pushBar = (): void => {
    const open = price
    price = Math.max(1000, price * (1 + (walk() - 0.5) * 0.01))
    const high = Math.max(open, price) * (1 + walk() * 0.002)
    const low = Math.min(open, price) * (1 - walk() * 0.002)
    emulator.pushBar('BTCUSDT', { openTime: start + k * 60_000, open, high, low, close: price, volume: 5 })
    k++
  }
  for (let i = 0; i < 30; i++) pushBar() // warm-up history
  const feeder = lockstep === undefined ? setInterval(pushBar, options.barEveryMs ?? 1000) : undefined
  const env = {
    ...process.env,
    QUANTUM_BINANCE_TESTNET_API_KEY: KEY,
    QUANTUM_BINANCE_TESTNET_API_SECRET: SECRET,
    QUANTUM_BINANCE_REST_URL: emulator.restUrl,
    QUANTUM_BINANCE_WS_URL: emulator.wsUrl,
    NO_COLOR: '1',
  }
  const { createUsdmClient } = await import('@quantum/ccxt')
  const client = await createUsdmClient({
    mode: 'testnet',
    credentials: { apiKey: KEY, secret: SECRET, toString: () => 'harness' },
    transport: { restUrl: emulator.restUrl, wsUrl: emulator.wsUrl },
  })
  await client.loadMarkets()

  const spawnRun = (extra: Record<string, string> = {}): { child: ChildProcess; ready: Promise<number> } => {
    const t0 = performance.now()
    const child = spawn(
      process.execPath,
      [
        CLI,
        CONFIG,
        ...['--mode', 'testnet', '--state', db, '--warmup', lockstep === undefined ? '20' : '1000'],
        ...['--out', 'run', '--no-typecheck', '--json'],
      ],
      { cwd, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let text = ''
    const ready = new Promise<number>((resolveReady, reject) => {
      const onData = (chunk: Buffer): void => {
        text += chunk.toString()
        if (/ready for the first live bar/.test(text)) resolveReady(performance.now() - t0)
      }
      child.stderr?.on('data', onData)
      child.once('exit', (code, signal) =>
        reject(new Error(`exited ${code ?? signal} before ready: ${text.slice(-2000)}`)),
      )
    })
    ready.catch(() => undefined)
    return { child, ready }
  }
  const exited = (child: ChildProcess): Promise<number | null> =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve(child.exitCode)
      : new Promise((r) => child.once('exit', (code) => r(code)))

  /** Every open position has a working reduce-only stop (an algo STOP_MARKET on the closing side). */
  const unprotected = (): number => {
    const st = emulator.state()
    let n = 0
    for (const p of st.positions) {
      const closing = p.side === 'LONG' ? 'SELL' : 'BUY'
      const ok = st.openAlgoOrders.some(
        (o) =>
          o['symbol'] === p.symbol && o['side'] === closing && String(o['orderType'] ?? o['type']) === 'STOP_MARKET',
      )
      if (!ok) n++
    }
    return n
  }

  const kills: KillRecord[] = []
  let unprotectedChecks = 0
  let finalExitCode: number | null = null
  let finalStopMs = 0
  try {
    let run = spawnRun()
    await run.ready
    if (lockstep !== undefined) {
      const stepped = await lockstepRun({
        kills: options.kills,
        bars: live,
        quietMs: lockstep.quietMs ?? 400,
        grace,
        random,
        log,
        run,
        spawnRun,
        exited,
        pushBar,
        unprotected,
        requests: () => [emulator.requests.length, emulator.requests.at(-1)],
      })
      run = stepped.run
      kills.push(...stepped.kills)
      unprotectedChecks += stepped.unprotectedChecks
    }
    for (let i = 0; i < (lockstep === undefined ? options.kills : 0); i++) {
      // A kill at a random time, then a restart; every other restart arms a crash point in the new process.
      await sleep(300 + random() * 3000)
      run.child.kill('SIGKILL')
      await exited(run.child)
      const r = random()
      const kind: KillRecord['kind'] = r < 0.25 ? 'after-intent' : r < 0.5 ? 'after-fill' : 'random'
      const armed: Record<string, string> =
        kind === 'after-intent'
          ? { QUANTUM_CRASH_AFTER_INTENT: String(1 + Math.floor(random() * 2)) }
          : kind === 'after-fill'
            ? { QUANTUM_CRASH_AFTER_FILL: String(1 + Math.floor(random() * 2)) }
            : {}
      run = spawnRun(armed)
      let readyMs = await run.ready.catch(() => Number.NaN)
      let crashed = false
      if (kind !== 'random') {
        // The armed process kills itself at its point, or (not reached in time) goes on as the current run.
        crashed = await Promise.race([exited(run.child).then(() => true), sleep(6000).then(() => false)])
        if (crashed) {
          run = spawnRun()
          readyMs = await run.ready.catch(() => Number.NaN)
        }
      }
      await sleep(grace)
      if (run.child.exitCode === null && run.child.signalCode === null && unprotected() > 0) unprotectedChecks++
      kills.push({ kind, killed: kind === 'random' || crashed, restartToReadyMs: readyMs })
      log(
        `kill ${i + 1}/${options.kills}: random kill${kind === 'random' ? '' : crashed ? ` + crash ${kind}` : ` (${kind} not reached)`}; restart->ready ${readyMs.toFixed(0)} ms; unprotected checks ${unprotectedChecks}`,
      )
    }
    // The end: a graceful stop.
    await sleep(1500)
    const t0 = performance.now()
    run.child.kill('SIGTERM')
    finalExitCode = await exited(run.child)
    finalStopMs = performance.now() - t0
  } finally {
    if (feeder !== undefined) clearInterval(feeder)
  }

  // Figures: orders by client id (regular and algo), venue executions against the store's fills.
  const since = Date.now() - 6 * 86_400_000
  const history = client as unknown as {
    fetchOrders(symbol: string, since?: number, limit?: number, params?: object): Promise<unknown[]>
  }
  const regular = (await history.fetchOrders('BTC/USDT:USDT', since, 1000)) as { clientOrderId?: string }[]
  const algo = (await history.fetchOrders('BTC/USDT:USDT', since, 1000, { trigger: true }).catch(() => [])) as {
    clientOrderId?: string
  }[]
  const counts = new Map<string, number>()
  const kinds = new Map<string, string[]>()
  for (const [list, o] of [...regular.map((o) => ['regular', o] as const), ...algo.map((o) => ['algo', o] as const)]) {
    const id = o.clientOrderId ?? ''
    if (id === '') continue
    // A triggered algo order (stop, target) becomes a regular order with the same client id: one order.
    const key = `${list}:${id}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
    kinds.set(key, [
      ...(kinds.get(key) ?? []),
      `${list}:${String((o as { id?: unknown }).id)}:${String((o as { status?: unknown }).status)}`,
    ])
  }
  const duplicateOrders = [...counts.values()].filter((c) => c > 1).length
  const venueTrades = (await client.fetchMyTrades('BTC/USDT:USDT', since, 1000)) as {
    id?: string
    order?: string
    side?: string
    amount?: number
    price?: number
    timestamp?: number
    info?: Record<string, unknown>
  }[]
  const typeOf = (orderId: unknown): string => {
    const order = regular.find((o) => String((o as { id?: unknown }).id) === String(orderId))
    const info = (order as { info?: Record<string, string | undefined> } | undefined)?.info ?? {}
    return info['origType'] ?? info['type'] ?? '?'
  }
  const executions = [...venueTrades]
    .sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0) || Number(a.id) - Number(b.id))
    .map((t) => ({ side: String(t.side), qty: Number(t.amount), price: Number(t.price), type: typeOf(t.order) }))
  // Each lost execution with the order it belongs to (client id, type as placed), for the report.
  const describeTrade = (t: (typeof venueTrades)[number]): string => {
    const order = regular.find((o) => String((o as { id?: unknown }).id) === String(t.order))
    const info = (order as { info?: Record<string, unknown> } | undefined)?.info ?? {}
    return `${String(t.id)} order ${String(t.order)} ${String(order?.clientOrderId)} ${String(info['origType'] ?? info['type'])} at ${String(t.info?.['time'])}`
  }
  const store = await openStateStore(db, { createIfMissing: false })
  const [latest] = await store.listRuns({ limit: 1 })
  const storeFills = latest === undefined ? [] : await store.fills(latest.id)
  const storeTrades = latest === undefined ? 0 : (await store.trades(latest.id)).length
  await store.close()
  await client.close()
  await emulator.close()
  const venueIds = new Set(venueTrades.map((t) => String(t.id)))
  const storeIds = new Set(storeFills.map((f) => f.id))
  return {
    kills,
    duplicateOrders,
    lostFills: [...venueIds].filter((id) => !storeIds.has(id)).length,
    extraFills: [...storeIds].filter((id) => !venueIds.has(id)).length,
    unprotectedChecks,
    venueFills: venueIds.size,
    storeTrades,
    orders: new Set([...counts.keys()].map((k) => k.slice(k.indexOf(':') + 1))).size,
    finalExitCode,
    finalStopMs,
    executions,
    details: {
      duplicates: [...counts].filter(([, c]) => c > 1).map(([id]) => `${id} ${kinds.get(id)?.join(' ')}`),
      lost: venueTrades.filter((t) => !storeIds.has(String(t.id))).map(describeTrade),
      dir: cwd,
    },
  }
}

type Spawned = { child: ChildProcess; ready: Promise<number> }

/** The lockstep feed of {@link runKillHarness}: bars pushed when the run is quiet, kills between them. */
async function lockstepRun(input: {
  kills: number
  bars: number
  quietMs: number
  grace: number
  random: () => number
  log: (line: string) => void
  run: Spawned
  spawnRun: (extra?: Record<string, string>) => Spawned
  exited: (child: ChildProcess) => Promise<number | null>
  pushBar: () => void
  unprotected: () => number
  requests: () => readonly unknown[]
}): Promise<{ run: Spawned; kills: KillRecord[]; unprotectedChecks: number }> {
  const { random, log, spawnRun, exited } = input
  let run = input.run
  let readyAt = performance.now()
  const kills: KillRecord[] = []
  let unprotectedChecks = 0
  const alive = (): boolean => run.child.exitCode === null && run.child.signalCode === null
  const restart = async (extra: Record<string, string> = {}): Promise<number> => {
    run = spawnRun(extra)
    const ms = await run.ready.catch(() => Number.NaN)
    readyAt = performance.now()
    return ms
  }
  /** Waits until the run is up and made no request for `quietMs` (an armed process that crashed is restarted). */
  const quiet = async (): Promise<void> => {
    let last = input.requests()
    let since = performance.now()
    for (;;) {
      await sleep(50)
      if (!alive()) {
        const ms = await restart()
        kills.push({ kind: 'after-fill', killed: true, restartToReadyMs: ms })
        log(`crash point after a fill reached; restart->ready ${ms.toFixed(0)} ms`)
        last = input.requests()
        since = performance.now()
        continue
      }
      const now = input.requests()
      if (now[0] !== last[0] || now[1] !== last[1]) {
        last = now
        since = performance.now()
      } else if (performance.now() - since >= input.quietMs) return
    }
  }
  // Kill points: distinct bars, spread over the run (not the first two or the last one).
  const points = new Set<number>()
  while (points.size < Math.min(input.kills, Math.max(0, input.bars - 3)))
    points.add(2 + Math.floor(random() * (input.bars - 3)))
  for (let b = 0; b < input.bars; b++) {
    await quiet()
    if (performance.now() - readyAt > input.grace && input.unprotected() > 0) unprotectedChecks++
    if (points.has(b)) {
      run.child.kill('SIGKILL')
      await exited(run.child)
      // Half the restarts arm the crash point right after the next journaled fill (before its stop).
      const armed = random() < 0.5
      const ms = await restart(armed ? { QUANTUM_CRASH_AFTER_FILL: '1' } : {})
      kills.push({ kind: 'random', killed: true, restartToReadyMs: ms })
      log(`bar ${b}: kill between bars; restart->ready ${ms.toFixed(0)} ms${armed ? ' (armed after-fill)' : ''}`)
      await quiet()
    }
    input.pushBar()
  }
  await quiet()
  if (input.unprotected() > 0) unprotectedChecks++
  return { run, kills, unprotectedChecks }
}
