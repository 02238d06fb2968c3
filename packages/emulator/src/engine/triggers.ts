/**
 * The conditional orders the emulator holds itself, because the paper engine has no such types: STOP /
 * TAKE_PROFIT (a limit order once triggered) and TRAILING_STOP_MARKET (a stop that follows the best
 * price). Both are moved by the bars (and ticks) the emulator receives, after the engine has seen them.
 * @packageDocumentation
 * @internal
 */
import { quantize, type BarLike } from '@quantum/core'
import { firesAbove } from './algo-rules.js'
import type { AlgoOrder } from './types.js'

/** True when `bar` reached the trigger of a STOP / TAKE_PROFIT limit order. */
export function limitStopHit(algo: AlgoOrder, bar: BarLike): boolean {
  return firesAbove(algo.orderType, algo.side) ? bar.high >= algo.triggerPrice : bar.low <= algo.triggerPrice
}

/**
 * The stop level of an activated trailing stop: the best price moved back by `callbackRate` percent,
 * rounded half-up to the tick (a SELL stop sits under the highest price, a BUY stop over the lowest).
 */
export function trailLevel(algo: AlgoOrder, tickSize: number): number {
  const k = algo.side === 'SELL' ? 1 - algo.callbackRate / 100 : 1 + algo.callbackRate / 100
  return quantize(algo.trailBest * k, tickSize, 'half-up').value
}

/**
 * Feeds one bar to a trailing stop: activates it when the bar reaches `activatePrice` (at once without
 * one), then tracks the bar's favourable extreme. Returns the new stop level when it moved, else undefined.
 */
export function trailOnBar(algo: AlgoOrder, bar: BarLike, tickSize: number): number | undefined {
  const sell = algo.side === 'SELL'
  const best = sell ? bar.high : bar.low
  if (Number.isNaN(algo.trailBest)) {
    const a = algo.triggerPrice
    if (a !== 0 && (sell ? bar.high < a : bar.low > a)) return undefined
    algo.trailBest = best
  } else if (sell ? best > algo.trailBest : best < algo.trailBest) {
    algo.trailBest = best
  } else {
    return undefined
  }
  return trailLevel(algo, tickSize)
}
