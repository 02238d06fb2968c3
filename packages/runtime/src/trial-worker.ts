/**
 * The worker thread of a trial pool: loads the config once, then runs one backtest per message with the
 * plugins of the message's point (and its data window) and answers with the scored outcome. Messages
 * are run one at a time in arrival order (the pool sends the next trial before this one ends, so the
 * thread never waits on the main thread); each data window is loaded once and reused by later trials.
 * @packageDocumentation
 */
import { parentPort, workerData } from 'node:worker_threads'
import { loadMarketData, runBacktest, scoreSummary } from '@quantum/core'
import type { BacktestResult, MarketData, ObjectiveName, QuantumConfig, TrialOutcome } from '@quantum/core'
import { loadQuantumConfig } from './load-config.js'
import type { DailyEquity, TrialRequest, TrialWorkerData } from './trial-pool.js'

/** What the worker answers to a {@link TrialRequest}. */
export interface TrialReply {
  readonly id: number
  readonly outcome: TrialOutcome
  readonly daily?: DailyEquity
}

const DAY_MS = 86_400_000

/** The equity at the last bar of each UTC day. */
export function dailyEquity(equity: BacktestResult['equity'], start: number): DailyEquity {
  const time: number[] = []
  const values: number[] = []
  for (let i = 0; i < equity.time.length; i++) {
    const day = Math.floor((equity.time[i] as number) / DAY_MS) * DAY_MS
    if (time[time.length - 1] === day) values[values.length - 1] = equity.equity[i] as number
    else {
      time.push(day)
      values.push(equity.equity[i] as number)
    }
  }
  return { start, time, equity: values }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Loaded windows kept per worker (a walk-forward uses two per window). */
const MARKET_CACHE_SIZE = 32

interface Loaded {
  readonly config: QuantumConfig
  readonly baseDir: string
  readonly objective: ObjectiveName | undefined
  /** Market data by window (`from:to`), oldest first. */
  readonly markets: Map<string, Promise<MarketData>>
}

/** The market data of a window, loaded on first use (a failed load is not kept). */
function marketFor(loaded: Loaded, data: QuantumConfig['data']): Promise<MarketData> {
  const key = `${String(data.from)}:${String(data.to)}`
  let market = loaded.markets.get(key)
  if (market === undefined) {
    market = loadMarketData(data, { baseDir: loaded.baseDir })
    market.catch(() => loaded.markets.delete(key))
    loaded.markets.set(key, market)
    if (loaded.markets.size > MARKET_CACHE_SIZE) loaded.markets.delete(loaded.markets.keys().next().value as string)
  }
  return market
}

async function runTrial(loaded: Loaded, request: TrialRequest): Promise<Omit<TrialReply, 'id'>> {
  const { config, baseDir } = loaded
  const search = config.optimize
  if (search === undefined) return { outcome: { status: 'failed', error: 'the config has no optimize section' } }
  let plugins: QuantumConfig['plugins']
  try {
    plugins = [...search.plugins(request.params)]
  } catch (error) {
    return { outcome: { status: 'failed', error: `optimize.plugins threw: ${message(error)}` } }
  }
  const data = { ...config.data, ...(request.window ?? {}) }
  const result = await runBacktest({ ...config, data, plugins }, { baseDir, market: await marketFor(loaded, data) })
  const outcome = scoreSummary(
    result.summary,
    loaded.objective ?? search.objective ?? 'sharpe',
    search.constraints ?? {},
  )
  return request.daily === true
    ? { outcome, daily: dailyEquity(result.equity, result.summary.startBalance) }
    : { outcome }
}

async function main(): Promise<void> {
  const port = parentPort
  if (port === null) throw new Error('trial-worker runs as a worker thread')
  const input = workerData as TrialWorkerData
  const loaded = await loadQuantumConfig(input.configFile, {
    cwd: input.cwd,
    ...(input.overrides === undefined ? {} : { overrides: input.overrides }),
    ...(input.jitiOptions === undefined ? {} : { jitiOptions: input.jitiOptions }),
  })
  const state: Loaded = { ...loaded, objective: input.objective, markets: new Map() }
  let queue = Promise.resolve()
  port.on('message', (request: TrialRequest) => {
    queue = queue
      .then(() => runTrial(state, request))
      .catch((error: unknown): Omit<TrialReply, 'id'> => ({ outcome: { status: 'failed', error: message(error) } }))
      .then((reply) => port.postMessage({ id: request.id, ...reply } satisfies TrialReply))
      .catch(() => undefined)
  })
  port.postMessage({ ready: true })
}

main().catch((error: unknown) => {
  parentPort?.postMessage({ fatal: message(error) })
})
