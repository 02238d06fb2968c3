import type { QuantumConfig } from '../config.js'
import { SimulatedClock } from '../engine/clock.js'
import { startLive } from '../engine/live/run-live.js'
import { replayBars } from '../engine/live/replay-bars.js'
import { silentLogger } from '../engine/logger.js'
import type { EngineOutput } from '../engine/run-engine.js'
import type { Decision } from '../schemas.js'
import type { EngineEvent, Logger, RiskStateEvent } from '../types.js'
import { loadMarketData } from './load-market-data.js'
import { paperExchangeFor, runResult, type BacktestRun } from './run-backtest.js'

/** Options of {@link runPaper}. */
export interface RunPaperOptions {
  /** Folder that relative data paths resolve against (the config file's folder). */
  readonly baseDir: string
  /** Replay pace; 0 = as fast as the engine goes, one bar per event-loop turn. @default 0 */
  readonly barsPerSecond?: number
  /** Structured logger. @default silent */
  readonly logger?: Logger
  /** Every engine event, as it happens. */
  readonly onEvent?: (event: EngineEvent) => void
  /** Grace period of the stop watchdog (ms of market time). @default 10000 */
  readonly protectionGraceMs?: number
}

const NOTABLE = 1000

/**
 * `--mode paper` on recorded data: the config's candles replayed as a live feed into the live engine
 * (`startLive`) against the paper exchange — orders go through the asynchronous command queue exactly as
 * they would to a venue, fills are simulated by the paper exchange's rules. The clock follows the
 * replayed bars. Returns the same result shape as a backtest (trades, fills, equity, ledger, summary).
 * Differences from the backtest of the same config come only from the live path: an order decided in
 * reaction to a fill reaches the exchange after the bar it reacted to (as on a venue), not within it.
 * @example const result = await runPaper(config, { baseDir: dirname(configFile) })
 */
export async function runPaper(config: QuantumConfig, options: RunPaperOptions): Promise<BacktestRun> {
  const started = performance.now()
  const market = await loadMarketData(config.data, { baseDir: options.baseDir })
  const exchange = await paperExchangeFor(config, { market, baseDir: options.baseDir })
  const total = market.series.reduce((n, s) => n + s.openTime.length, 0)
  const eqTime = new Float64Array(total)
  const eqValue = new Float64Array(total)
  let points = 0
  let exposed = 0
  const log = createEventLog(options.onEvent)
  const run = startLive({
    bars: replayBars(market.series, {
      ...(market.order === undefined ? {} : { order: market.order }),
      ...(options.barsPerSecond === undefined ? {} : { barsPerSecond: options.barsPerSecond }),
    }),
    exchange,
    plugins: config.plugins,
    mode: 'paper',
    clock: new SimulatedClock(0),
    logger: options.logger ?? silentLogger,
    onEvent: log.onEvent,
    ...(options.protectionGraceMs === undefined ? {} : { protectionGraceMs: options.protectionGraceMs }),
    afterBar: (bar) => {
      const equity = exchange.account.getEquity()
      if (points > 0 && eqTime[points - 1] === bar.openTime) eqValue[points - 1] = equity
      else {
        eqTime[points] = bar.openTime
        eqValue[points] = equity
        points++
        if (exchange.account.getPositions().length > 0) exposed++
      }
    },
  })
  const live = await run.done
  const output: EngineOutput = {
    trades: live.trades,
    fills: live.fills,
    equity: { time: eqTime.slice(0, points), equity: eqValue.slice(0, points) },
    exposure: points === 0 ? 0 : exposed / points,
    openAtEnd: exchange.account.getPositions().length > 0,
    notableEvents: log.notable,
    riskStates: log.riskStates,
    counts: { ...log.counts, bars: live.bars },
    decisions: log.decisions,
    durationMs: performance.now() - started,
  }
  return runResult({ name: config.name ?? 'paper', market, exchange, output })
}

/** Counts and keeps the events a run report shows (the live counterpart of the backtest engine's log). */
function createEventLog(forward: ((event: EngineEvent) => void) | undefined) {
  const notable: EngineEvent[] = []
  const riskStates: RiskStateEvent[] = []
  const counts = { pluginErrors: 0, ordersRejected: 0, riskEvents: 0 }
  const decisions = { total: 0, byAction: { BUY: 0, SELL: 0, HOLD: 0 }, recent: [] as Decision[] }
  const keep = (event: EngineEvent): void => {
    if (notable.length < NOTABLE) notable.push(event)
  }
  const onEvent = (event: EngineEvent): void => {
    forward?.(event)
    switch (event.type) {
      case 'decision':
        decisions.total++
        decisions.byAction[event.decision.action]++
        if (event.decision.action !== 'HOLD' && decisions.recent.push(event.decision) > 200) decisions.recent.shift()
        return
      case 'plugin-error':
        counts.pluginErrors++
        return keep(event)
      case 'order-rejected':
      case 'cancel-rejected':
        counts.ordersRejected++
        return keep(event)
      case 'risk':
        counts.riskEvents++
        return keep(event)
      case 'risk-state':
        if (riskStates.length < NOTABLE) riskStates.push(event)
        return keep(event)
      case 'unprotected':
      case 'liquidation':
        return keep(event)
      case 'fill':
      case 'funding':
      case 'intent':
      case 'order':
      case 'progress':
      case 'signal':
        return
    }
  }
  return { onEvent, notable, riskStates, counts, decisions }
}
