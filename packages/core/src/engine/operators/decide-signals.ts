import { Observable, type OperatorFunction } from 'rxjs'
import type { EngineContext } from '../engine-context.js'
import type { ExchangePort } from '../../types.js'
import { guard } from '../plugin-driver.js'
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
  return (source) =>
    new Observable<Decision>((subscriber) =>
      source.subscribe({
        next({ bar, signals }) {
          const decision =
            plugin === undefined
              ? equalWeightVote(signals, bar.close)
              : guard(bus, { plugin: plugin.name, hook: 'decide' }, () => plugin.decide(signals, bar, ctx!))
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
  const score: Record<SignalAction, number> = { BUY: 0, SELL: 0, HOLD: 0 }
  for (const s of signals) score[s.action] += s.confidence / signals.length
  const first = signals[0] as Signal
  let action: SignalAction = 'HOLD'
  if (score.BUY > score.SELL && score.BUY > score.HOLD) action = 'BUY'
  else if (score.SELL > score.BUY && score.SELL > score.HOLD) action = 'SELL'
  return { symbol: first.symbol, time: first.time, action, confidence: score[action], votes: [...signals], price }
}
