import { Observable, type MonoTypeOperatorFunction } from 'rxjs'
import type { EngineContext } from '../engine-context.js'
import { guard } from '../plugin-driver.js'
import { applyExitActions } from '../submit.js'
import type { MarketBar } from '../../types.js'

/**
 * Per-bar market step: moves the simulated clock, lets the exchange process the bar (fills at the
 * open, triggers on the range, funding, liquidation, mark at close), runs the exit policies' `onBar`
 * (the first policy returning actions wins) and calls `afterBar` (equity, progress). Emits the bar on.
 * @example bars$.pipe(simulateBars(engine, recordEquity), runAgents(engine))
 */
export function simulateBars(
  engine: EngineContext,
  afterBar: (bar: MarketBar) => void,
): MonoTypeOperatorFunction<MarketBar> {
  const { exchange, clock, bus } = engine
  const exits = engine.plugins.exits.filter((p) => p.onBar !== undefined)
  const contexts = exits.map((p) => engine.contextOf(p))
  return (source) =>
    new Observable<MarketBar>((subscriber) =>
      source.subscribe({
        next(bar) {
          clock.set(bar.openTime)
          exchange.onBar(bar.symbol, bar)
          if (exits.length > 0) {
            const position = exchange.account.getPosition(bar.symbol)
            for (let k = 0; k < exits.length; k++) {
              const plugin = exits[k]!
              const actions = guard(bus, plugin.name, 'onBar', () => plugin.onBar!(bar, position, contexts[k]!))
              if (actions !== undefined) {
                applyExitActions(engine, bar.symbol, actions)
                break
              }
            }
          }
          afterBar(bar)
          subscriber.next(bar)
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    )
}
