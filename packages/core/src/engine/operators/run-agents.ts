import { Observable, type OperatorFunction } from 'rxjs'
import type { EngineContext } from '../engine-context.js'
import type { ExchangePort } from '../../types.js'
import { checkSignal } from '../plugin-output.js'
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
 * A throwing agent, or one whose output is not a valid signal (`null`, an unknown action, a confidence
 * outside [0, 1]), becomes a `plugin-error` event (a `PluginError` naming the field) and is skipped for
 * that bar. In live modes each call is timed against the hook budget; isolated agents are not called.
 * @example bars$.pipe(runAgents(engine), decideSignals(engine))
 */
export function runAgents(engine: EngineContext<ExchangePort>): OperatorFunction<MarketBar, AgentRound> {
  const { health } = engine
  const agents = engine.plugins.agents
  const contexts = agents.map((a) => engine.contextOf(a))
  const refs = agents.map((a) => ({ plugin: a.name, hook: 'onBar' }))
  const timed = health.timed
  const interrupts = health.interrupts
  let version = -1
  let active: boolean[] = []
  return (source) =>
    new Observable<AgentRound>((subscriber) =>
      source.subscribe({
        next(bar) {
          if (version !== health.version) {
            version = health.version
            active = agents.map((a) => !health.isIsolated(a.name))
          }
          let signals: Signal[] | undefined
          for (let k = 0; k < agents.length; k++) {
            if (!active[k]) continue
            const agent = agents[k]!
            const started = timed ? health.now() : 0
            // Inline try/catch rather than guard(): this runs for every bar and agent.
            let output: unknown
            try {
              if (interrupts) health.enter(refs[k]!, true)
              output = agent.onBar(bar, contexts[k]!)
              if (interrupts) health.leave()
            } catch (cause) {
              health.fail(refs[k]!, cause)
              if (timed) health.within(refs[k]!, started)
              continue
            }
            if (timed && !health.within(refs[k]!, started)) continue
            if (output === undefined) {
              health.ok(refs[k]!.plugin)
              continue
            }
            const invalid = checkSignal(refs[k]!.plugin, 'onBar', output)
            if (invalid !== undefined) {
              health.fail(refs[k]!, invalid)
              continue
            }
            health.ok(refs[k]!.plugin)
            const signal = output as Signal
            engine.bus.emit({ type: 'signal', signal })
            ;(signals ??= []).push(signal)
          }
          if (signals !== undefined) subscriber.next({ bar, signals })
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    )
}
