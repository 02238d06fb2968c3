import { Adx, Atr, Ema, definePlugin } from '@quantum/core'
import type { MarketBar, PluginContext, Signal } from '@quantum/core'
import { z } from 'zod'
import { isRegimeStore, type MarketRegime, type RegimeStore } from './regime-store.js'

const options = z.strictObject({
  /** The store the current regimes are written to (read it from sizers, rankers, reports). */
  store: z.custom<RegimeStore>(isRegimeStore, { message: 'expected a store from createRegimeStore()' }),
  /** ADX length. @default 14 */
  adxPeriod: z.number().int().min(2).max(500).default(14),
  /** ADX at or above which the market trends. @default 25 */
  adxTrend: z.number().min(0).max(100).default(25),
  /** EMA length whose slope gives the trend's direction. @default 50 */
  emaPeriod: z.number().int().min(2).max(2000).default(50),
  /** Bars over which the EMA slope is measured. @default 10 */
  slopeBars: z.number().int().min(1).max(500).default(10),
  /** Minimum |EMA slope| for a trend, in ATRs per bar. @default 0.05 */
  minSlope: z.number().min(0).default(0.05),
  /** ATR length. @default 14 */
  atrPeriod: z.number().int().min(1).max(500).default(14),
  /** Rolling window (bars) of ATR% values the current one is compared with. @default 100 */
  volWindow: z.number().int().min(10).max(10_000).default(100),
  /** High volatility when ATR% >= this multiple of the window's median ATR%. @default 1.5 */
  highVolRatio: z.number().gt(1).default(1.5),
  /** Also high volatility when ATR% (a fraction of the close) reaches this absolute level. @default undefined (off) */
  highVolAtrPct: z.number().positive().optional(),
})

/** Options of {@link marketStateClassifier} (input form). */
export type MarketStateClassifierOptions = z.input<typeof options>
type Opts = z.output<typeof options>

/** Streaming per-symbol classifier state. */
class SymbolRegime {
  private readonly adx: Adx
  private readonly atr: Atr
  private readonly ema: Ema
  private readonly emaHistory: number[] = []
  private readonly atrPct: number[] = []
  private readonly sortedAtrPct: number[] = []
  private next = 0

  constructor(private readonly opts: Opts) {
    this.adx = new Adx(opts.adxPeriod)
    this.atr = new Atr(opts.atrPeriod)
    this.ema = new Ema(opts.emaPeriod)
  }

  /** Feeds one bar; returns its regime, `undefined` while warming up. */
  update(bar: MarketBar): MarketRegime | undefined {
    const adx = this.adx.update(bar.high, bar.low, bar.close)
    const atr = this.atr.update(bar.high, bar.low, bar.close)
    const ema = this.ema.update(bar.close)
    if (!Number.isNaN(ema)) {
      this.emaHistory.push(ema)
      if (this.emaHistory.length > this.opts.slopeBars + 1) this.emaHistory.shift()
    }
    if (Number.isNaN(atr) || !(bar.close > 0)) return undefined
    const pct = atr / bar.close
    const median = this.pushAtrPct(pct)
    if (Number.isNaN(adx) || Number.isNaN(median) || this.emaHistory.length <= this.opts.slopeBars) return undefined
    const { highVolAtrPct, highVolRatio, adxTrend, minSlope, slopeBars } = this.opts
    if (pct >= highVolRatio * median || (highVolAtrPct !== undefined && pct >= highVolAtrPct)) return 'high-volatility'
    const slope = atr > 0 ? (ema - this.emaHistory[0]!) / (slopeBars * atr) : 0
    if (adx >= adxTrend && Math.abs(slope) >= minSlope) return slope > 0 ? 'trend-up' : 'trend-down'
    return 'range'
  }

  /** Adds an ATR% to the ring of the last `volWindow`; returns the median of the values before it (NaN until full). */
  private pushAtrPct(pct: number): number {
    const ring = this.atrPct
    const sorted = this.sortedAtrPct
    const full = ring.length === this.opts.volWindow
    const median = full ? medianOfSorted(sorted) : Number.NaN
    // A sorted copy kept up to date by binary search (remove the oldest, insert the newest): sorting
    // the whole window on every bar cost more than the rest of the classifier together.
    if (full) {
      sorted.splice(lowerBound(sorted, ring[this.next]!), 1)
      ring[this.next] = pct
    } else ring.push(pct)
    sorted.splice(lowerBound(sorted, pct), 0, pct)
    this.next = (this.next + 1) % this.opts.volWindow
    return median
  }
}

function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid]! < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

function medianOfSorted(sorted: readonly number[]): number {
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * MSC, the Market State Classifier: classifies each symbol's regime on every bar as `trend-up`,
 * `trend-down`, `range` or `high-volatility` and writes it to a shared {@link RegimeStore}.
 *
 * Rule per bar: `high-volatility` when ATR% (ATR / close) is at least `highVolRatio` x the median ATR%
 * of the previous `volWindow` bars (or reaches `highVolAtrPct`); otherwise a trend when ADX >=
 * `adxTrend` and the EMA's slope over `slopeBars` is at least `minSlope` ATRs per bar (up or down by
 * its sign); otherwise `range`. No regime (store left unset) during the warm-up.
 *
 * It is an **agent**-kind plugin that never returns a signal: agents are the only plugins that see
 * every bar (observers see engine events, which carry no bars), and agents run before the decision,
 * sizing and risk stages of the same bar, so readers always see the regime of the current bar.
 * @example
 * const regimes = createRegimeStore()
 * marketStateClassifier({ store: regimes, adxTrend: 25 })
 */
export const marketStateClassifier = definePlugin({
  name: 'agents:market-state-classifier',
  kind: 'agent',
  options,
  create: (opts) => {
    const states = new Map<string, SymbolRegime>()
    return {
      warmup: Math.max(2 * opts.adxPeriod, opts.emaPeriod + opts.slopeBars, opts.atrPeriod + opts.volWindow + 1),
      onBar: (bar: MarketBar, ctx: PluginContext): Signal | undefined => {
        let state = states.get(bar.symbol)
        if (state === undefined) states.set(bar.symbol, (state = new SymbolRegime(opts)))
        const regime = state.update(bar)
        if (regime === undefined) return undefined
        const before = opts.store.get(bar.symbol)
        opts.store.set(bar.symbol, { regime, time: bar.openTime })
        if (before !== regime) ctx.logger.debug('regime change', { symbol: bar.symbol, from: before, to: regime })
        return undefined
      },
    }
  },
})
