import { Observable, type MonoTypeOperatorFunction } from 'rxjs'
import type { EngineContext } from '../engine-context.js'
import { reportFailure } from '../plugin-driver.js'
import { applyExitActions } from '../submit.js'
import type { ExitActions, MarketBar } from '../../types.js'

/**
 * Per-bar market step: moves the simulated clock, lets the exchange process the bar (fills at the
 * open, triggers on the range, funding, liquidation, mark at close), runs the risk guards' `onBar`
 * (market state: prices, drawdown, the emergency stop's triggers), then every exit policy's `onBar`
 * (all are called; the first policy returning actions acts) and calls `afterBar` (equity, progress). Emits the bar on.
 * @example bars$.pipe(simulateBars(engine, recordEquity), runAgents(engine))
 */
export function simulateBars(
  engine: EngineContext,
  afterBar: (bar: MarketBar) => void,
): MonoTypeOperatorFunction<MarketBar> {
  const { exchange, clock, bus } = engine
  const guards = engine.plugins.risk.filter((p) => p.onBar !== undefined)
  const guardContexts = guards.map((p) => engine.contextOf(p))
  const guardRefs = guards.map((p) => ({ plugin: p.name, hook: 'onBar' }))
  const exits = engine.plugins.exits.filter((p) => p.onBar !== undefined)
  const contexts = exits.map((p) => engine.contextOf(p))
  const refs = exits.map((p) => ({ plugin: p.name, hook: 'onBar' }))
  return (source) =>
    new Observable<MarketBar>((subscriber) =>
      source.subscribe({
        next(bar) {
          clock.set(bar.openTime)
          exchange.onBar(bar.symbol, bar)
          // Risk guards that keep market state see the processed bar first, so a guard that trips
          // (the emergency stop) is in force for the exit policies and the entries of this same bar.
          for (let k = 0; k < guards.length; k++) {
            try {
              guards[k]!.onBar!(bar, guardContexts[k]!)
            } catch (cause) {
              reportFailure(bus, guardRefs[k]!, cause)
            }
          }
          // Every exit policy sees every bar (so each keeps its indicators current); only the first
          // one that answers with actions acts on this bar (first-exit-wins).
          let winner: ExitActions | undefined
          for (let k = 0; k < exits.length; k++) {
            const plugin = exits[k]!
            // Inline try/catch rather than guard(): this runs for every bar and exit policy.
            let actions: ExitActions | undefined
            try {
              actions = plugin.onBar!(bar, contexts[k]!)
            } catch (cause) {
              reportFailure(bus, refs[k]!, cause)
            }
            winner ??= actions
          }
          if (winner !== undefined) applyExitActions(engine, bar.symbol, winner)
          afterBar(bar)
          subscriber.next(bar)
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    )
}
