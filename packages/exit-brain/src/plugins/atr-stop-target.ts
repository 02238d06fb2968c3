import { Atr, definePlugin } from '@quantum/core'
import type { ExitActions, Fill, MarketBar, PluginContext, Position } from '@quantum/core'
import { z } from 'zod'
import { bracketOrders, rebracket, workingExitIds } from '../bracket.js'

const options = z.strictObject({
  /** ATR period (Wilder). @default 14 */
  period: z.number().int().min(1).max(1000).default(14),
  /** Stop distance in ATRs from the entry price. @default 2 */
  stopAtr: z.number().positive().default(2),
  /** Take-profit distance in ATRs from the entry price. @default 3 */
  targetAtr: z.number().positive().default(3),
})

/**
 * Protective exit: when a position opens (or grows), places a reduce-only STOP_MARKET at
 * `entry ∓ stopAtr·ATR` and a TAKE_PROFIT_MARKET at `entry ± targetAtr·ATR`, with the ATR of the last
 * closed bar before the fill (the signal bar); a position that grows gets a new bracket, its new stop
 * accepted before the old one is cancelled. When the position goes flat, the other leg is cancelled.
 * Before the ATR is known the working exits are kept and the engine's protection ladder protects the
 * position on a venue.
 * @example atrStopTarget({ period: 14, stopAtr: 2, targetAtr: 3 })
 */
export const atrStopTarget = definePlugin({
  name: 'exit-brain:atr-stop-target',
  kind: 'exit',
  options,
  create: (opts) => {
    const atrs = new Map<string, Atr>()
    let lastSymbol = ''
    let lastAtr: Atr | undefined
    const atrOf = (symbol: string): Atr => {
      if (symbol === lastSymbol && lastAtr !== undefined) return lastAtr
      let atr = atrs.get(symbol)
      if (atr === undefined) atrs.set(symbol, (atr = new Atr(opts.period)))
      lastSymbol = symbol
      lastAtr = atr
      return atr
    }
    return {
      onBar: (bar: MarketBar): ExitActions | undefined => {
        atrOf(bar.symbol).update(bar.high, bar.low, bar.close)
        return undefined
      },
      onFill: (fill: Fill, position: Position, ctx: PluginContext): ExitActions | undefined => {
        const working = workingExitIds(ctx, fill.symbol)
        if (position.side === 'FLAT') return working.length > 0 ? { cancel: working } : undefined
        if (fill.reduceOnly) return undefined
        const atr = atrOf(fill.symbol).value
        if (!Number.isFinite(atr)) {
          ctx.logger.warn('no ATR yet: no new stop/target (working exits kept)', { symbol: fill.symbol })
          return undefined
        }
        return rebracket(
          ctx,
          fill.symbol,
          bracketOrders(position, { stop: opts.stopAtr * atr, target: opts.targetAtr * atr }),
        )
      },
    }
  },
})
