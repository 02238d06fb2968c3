import { Observable, type OperatorFunction } from 'rxjs'
import type { EngineContext } from '../engine-context.js'
import type { ExchangePort } from '../../types.js'
import { reportFailure } from '../plugin-driver.js'
import type { Signal } from '../../schemas.js'
import type { MarketBar } from '../../types.js'

/** The signals all agents gave on one bar (never empty). */
export interface AgentRound {
  readonly bar: MarketBar
  readonly signals: readonly Signal[]
}

/**
 * Runs every agent on every bar (parallel semantics: each sees the same bar) and emits the bar's
 * signals only when at least one agent had an opinion, so the stages after it run on sparse events.
 * A throwing agent becomes a `plugin-error` event and is skipped for that bar.
 * @example bars$.pipe(runAgents(engine), decideSignals(engine))
 */
export function runAgents(engine: EngineContext<ExchangePort>): OperatorFunction<MarketBar, AgentRound> {
  const { bus } = engine
  const agents = engine.plugins.agents
  const contexts = agents.map((a) => engine.contextOf(a))
  const refs = agents.map((a) => ({ plugin: a.name, hook: 'onBar' }))
  return (source) =>
    new Observable<AgentRound>((subscriber) =>
      source.subscribe({
        next(bar) {
          let signals: Signal[] | undefined
          for (let k = 0; k < agents.length; k++) {
            const agent = agents[k]!
            // Inline try/catch rather than guard(): this runs for every bar and agent.
            let signal: Signal | undefined
            try {
              signal = agent.onBar(bar, contexts[k]!)
            } catch (cause) {
              reportFailure(bus, refs[k]!, cause)
            }
            if (signal === undefined) continue
            bus.emit({ type: 'signal', signal })
            ;(signals ??= []).push(signal)
          }
          if (signals !== undefined) subscriber.next({ bar, signals })
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    )
}
