/**
 * The worker thread of a trial pool: loads the config once, then runs one backtest per message with the
 * plugins of the message's point (and its data window) and answers with the scored outcome.
 * @packageDocumentation
 */
import { parentPort, workerData } from 'node:worker_threads'
import { runBacktest, scoreSummary } from '@quantum/core'
import type { BacktestResult, ObjectiveName, QuantumConfig, TrialOutcome } from '@quantum/core'
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

async function runTrial(
  loaded: { config: QuantumConfig; baseDir: string; objective: ObjectiveName | undefined },
  request: TrialRequest,
): Promise<Omit<TrialReply, 'id'>> {
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
  const result = await runBacktest({ ...config, data, plugins }, { baseDir })
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
  port.on('message', (request: TrialRequest) => {
    runTrial({ ...loaded, objective: input.objective }, request)
      .catch((error: unknown): Omit<TrialReply, 'id'> => ({ outcome: { status: 'failed', error: message(error) } }))
      .then((reply) => port.postMessage({ id: request.id, ...reply } satisfies TrialReply))
      .catch(() => undefined)
  })
  port.postMessage({ ready: true })
}

main().catch((error: unknown) => {
  parentPort?.postMessage({ fatal: message(error) })
})
