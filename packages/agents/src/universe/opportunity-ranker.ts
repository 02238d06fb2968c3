import { Atr, definePlugin, parseOrThrow } from '@quantum/core'
import type { Decision, MarketBar, PluginContext, Signal } from '@quantum/core'
import type { Subscription } from 'rxjs'
import { z } from 'zod'

const rankerOptions = z.strictObject({
  /** Bars of the rolling mean quote volume (close x volume). @default 20 */
  liquidityWindow: z.number().int().min(1).max(100_000).default(20),
  /** ATR length of the volatility measure (ATR% = ATR / close). @default 14 */
  atrPeriod: z.number().int().min(1).max(1000).default(14),
  /** Weights of signal strength, liquidity and volatility in the score. @default { strength: 0.4, liquidity: 0.4, volatility: 0.2 } */
  weights: z
    .strictObject({ strength: z.number().min(0), liquidity: z.number().min(0), volatility: z.number().min(0) })
    .default({ strength: 0.4, liquidity: 0.4, volatility: 0.2 }),
})

/** Options of {@link createOpportunityRanker} (input form). */
export type OpportunityRankerOptions = z.input<typeof rankerOptions>

/** One symbol's place in the ranking. */
export interface OpportunityScore {
  readonly symbol: string
  /** 0-based rank, best first. */
  readonly rank: number
  /** Weighted score in [0, 1]. */
  readonly score: number
  /** Latest BUY/SELL decision confidence (0 after a HOLD or before any decision). */
  readonly strength: number
  /** Rolling mean quote volume (USDT per bar). */
  readonly quoteVolume: number
  /** ATR as a fraction of the close. */
  readonly atrPct: number
}

/** Scores symbols by signal strength, liquidity and volatility. */
export interface OpportunityRanker {
  /** Feeds one bar of a symbol. */
  update(bar: MarketBar): void
  /** Feeds one decision (its confidence is the symbol's signal strength). */
  observe(decision: Decision): void
  /** Ranked symbols, best first; only symbols whose ATR and liquidity windows are full. */
  ranking(): readonly OpportunityScore[]
}

interface SymbolStats {
  readonly atr: Atr
  readonly volumes: number[]
  next: number
  sum: number
  atrPct: number
  strength: number
}

/**
 * Creates an OpportunityRanker: each symbol's score is `w.strength x strength + w.liquidity x
 * liquidity rank + w.volatility x volatility rank` (weights normalised to sum 1), where the ranks are
 * cross-sectional mid-rank percentiles in [0, 1] of the rolling mean quote volume and of ATR% (more movement =
 * more opportunity), and strength is the latest BUY/SELL decision's confidence. Ties keep symbol order.
 * @throws {ConfigError} for invalid options.
 * @example const ranker = createOpportunityRanker({ liquidityWindow: 96 })
 */
export function createOpportunityRanker(input: OpportunityRankerOptions = {}): OpportunityRanker {
  const opts = parseOrThrow(rankerOptions, input, 'options of createOpportunityRanker')
  const stats = new Map<string, SymbolStats>()
  const statsOf = (symbol: string): SymbolStats => {
    let s = stats.get(symbol)
    if (s === undefined)
      stats.set(symbol, (s = { atr: new Atr(opts.atrPeriod), volumes: [], next: 0, sum: 0, atrPct: NaN, strength: 0 }))
    return s
  }
  return {
    update: (bar) => {
      const s = statsOf(bar.symbol)
      const atr = s.atr.update(bar.high, bar.low, bar.close)
      s.atrPct = bar.close > 0 ? atr / bar.close : NaN
      const quote = bar.close * bar.volume
      if (s.volumes.length < opts.liquidityWindow) s.volumes.push(quote)
      else {
        s.sum -= s.volumes[s.next]!
        s.volumes[s.next] = quote
      }
      s.sum += quote
      s.next = (s.next + 1) % opts.liquidityWindow
    },
    observe: (decision) => {
      statsOf(decision.symbol).strength = decision.action === 'HOLD' ? 0 : decision.confidence
    },
    ranking: () => rank(stats, opts),
  }
}

function rank(stats: ReadonlyMap<string, SymbolStats>, opts: z.output<typeof rankerOptions>): OpportunityScore[] {
  const ready = [...stats.entries()]
    .filter(([, s]) => s.volumes.length === opts.liquidityWindow && Number.isFinite(s.atrPct))
    .map(([symbol, s]) => ({ symbol, strength: s.strength, quoteVolume: s.sum / s.volumes.length, atrPct: s.atrPct }))
  // Mid-rank percentile: ties share the mean of their ranks; a lone symbol scores 1.
  const pct = (values: number[], v: number): number =>
    values.length <= 1
      ? 1
      : (values.filter((x) => x < v).length + (values.filter((x) => x === v).length - 1) / 2) / (values.length - 1)
  const volumes = ready.map((r) => r.quoteVolume)
  const atrs = ready.map((r) => r.atrPct)
  const w = opts.weights
  const total = w.strength + w.liquidity + w.volatility || 1
  return ready
    .map((r) => ({
      ...r,
      score:
        (w.strength * r.strength + w.liquidity * pct(volumes, r.quoteVolume) + w.volatility * pct(atrs, r.atrPct)) /
        total,
    }))
    .sort((a, b) => b.score - a.score)
    .map((r, i) => ({ ...r, rank: i }))
}

/** True when `value` looks like an {@link OpportunityRanker} (used by option schemas). */
export function isOpportunityRanker(value: unknown): value is OpportunityRanker {
  const r = value as OpportunityRanker | null
  return typeof r === 'object' && r !== null && typeof r.update === 'function' && typeof r.ranking === 'function'
}

const options = z.strictObject({
  /** The ranker this plugin feeds (share it with `createUniverseOs`). */
  ranker: z.custom<OpportunityRanker>(isOpportunityRanker, {
    message: 'expected a ranker from createOpportunityRanker()',
  }),
})

/**
 * OpportunityRanker plugin: feeds every bar and every `decision` event to a shared ranker. An
 * **agent**-kind plugin that never signals (agents are the plugins that see every bar); it subscribes
 * to the bus in `setup` for decisions and unsubscribes in `dispose`.
 * @example
 * const ranker = createOpportunityRanker()
 * const plugins = [opportunityRanker({ ranker }), universeFilter({ universe: createUniverseOs({ ranker, topK: 5 }) })]
 */
export const opportunityRanker = definePlugin({
  name: 'agents:opportunity-ranker',
  kind: 'agent',
  options,
  create: ({ ranker }) => {
    let subscription: Subscription | undefined
    return {
      setup: (ctx: PluginContext) => {
        subscription = ctx.bus.events$.subscribe((e) => {
          if (e.type === 'decision') ranker.observe(e.decision)
        })
      },
      dispose: () => subscription?.unsubscribe(),
      onBar: (bar: MarketBar): Signal | undefined => {
        ranker.update(bar)
        return undefined
      },
    }
  },
})
