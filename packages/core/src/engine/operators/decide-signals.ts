import { Observable, type OperatorFunction } from 'rxjs'
import type { EngineContext } from '../engine-context.js'
import type { ExchangePort, MarketBar } from '../../types.js'
import { checkDecision } from '../plugin-output.js'
import type { AgentRound } from './run-agents.js'
import type { Decision, Signal, SignalAction } from '../../schemas.js'

/**
 * Turns each round of signals into a decision with the configured decision plugin (or, without one,
 * an equal-weight confidence vote), emits a `decision` event, and passes on BUY/SELL decisions only.
 * @example rounds$.pipe(decideSignals(engine), sizeDecisions(engine))
 */
export function decideSignals(engine: EngineContext<ExchangePort>): OperatorFunction<AgentRound, Decision> {
  const { bus } = engine
  const plugin = engine.plugins.decision
  const ctx = plugin === undefined ? undefined : engine.contextOf(plugin)
  const ref = { plugin: plugin?.name ?? '', hook: 'decide' }
  const { health } = engine
  /** The decision plugin's verdict, checked; a failure (or an isolated plugin) decides nothing. */
  const callDecide = (bar: MarketBar, signals: readonly Signal[]): Decision | undefined => {
    if (health.version !== 0 && health.isIsolated(ref.plugin)) return undefined
    const started = health.timed ? health.now() : 0
    let output: unknown
    try {
      if (health.interrupts) health.enter(ref, true)
      output = plugin!.decide(signals, bar, ctx!)
      if (health.interrupts) health.leave()
    } catch (cause) {
      health.fail(ref, cause)
      return undefined
    }
    if (health.timed && !health.within(ref, started)) return undefined
    const invalid = checkDecision(ref.plugin, ref.hook, output)
    if (invalid !== undefined) return void health.fail(ref, invalid)
    health.ok(ref.plugin)
    return output as Decision | undefined
  }
  return (source) =>
    new Observable<Decision>((subscriber) =>
      source.subscribe({
        next({ bar, signals }) {
          const decision = plugin === undefined ? equalWeightVote(signals, bar.close) : callDecide(bar, signals)
          if (decision === undefined) return
          bus.emit({ type: 'decision', decision })
          if (decision.action !== 'HOLD') subscriber.next(decision)
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    )
}

/**
 * The default decision rule: each action scores the sum of its signals' confidences divided by the
 * number of signals; the best score wins, HOLD on a tie.
 */
export function equalWeightVote(signals: readonly Signal[], price: number): Decision {
  // Three running sums rather than a score record: this runs on every bar with signals.
  let buy = 0
  let sell = 0
  let hold = 0
  for (const s of signals) {
    const share = s.confidence / signals.length
    if (s.action === 'BUY') buy += share
    else if (s.action === 'SELL') sell += share
    else hold += share
  }
  const first = signals[0] as Signal
  let action: SignalAction = 'HOLD'
  if (buy > sell && buy > hold) action = 'BUY'
  else if (sell > buy && sell > hold) action = 'SELL'
  const confidence = action === 'BUY' ? buy : action === 'SELL' ? sell : hold
  return { symbol: first.symbol, time: first.time, action, confidence, votes: [...signals], price }
}
