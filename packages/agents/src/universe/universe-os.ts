import { definePlugin, parseOrThrow } from '@quantum/core'
import type { OrderIntent, PluginContext, RiskVerdict } from '@quantum/core'
import { z } from 'zod'
import { isOpportunityRanker, type OpportunityRanker, type OpportunityScore } from './opportunity-ranker.js'

const universeOptions = z.strictObject({
  /** The ranker the universe is chosen from. */
  ranker: z.custom<OpportunityRanker>(isOpportunityRanker, {
    message: 'expected a ranker from createOpportunityRanker()',
  }),
  /** Size of the tradable set. @default 10 */
  topK: z.number().int().min(1).max(10_000).default(10),
  /** Hysteresis: a member stays until its rank among eligible symbols falls below `topK + exitBuffer`. @default 2 */
  exitBuffer: z.number().int().min(0).max(10_000).default(2),
  /** Liquidity filter: minimum rolling mean quote volume (USDT per bar). @default 0 */
  minQuoteVolume: z.number().min(0).default(0),
  /** Volatility filter: maximum ATR% (fraction of the close). @default undefined (off) */
  maxAtrPct: z.number().positive().optional(),
})

/** Options of {@link createUniverseOs} (input form). */
export type UniverseOsOptions = z.input<typeof universeOptions>

/** The tradable set, refreshed at most once per clock time. */
export interface UniverseOs {
  /** Recomputes the set for `time` (no-op when already done for that time); returns the members. */
  refresh(time: number): ReadonlySet<string>
  /** True when `symbol` is tradable at `time` (refreshing first). */
  has(symbol: string, time: number): boolean
  /** The current members, without refreshing. */
  members(): ReadonlySet<string>
  /** The ranking used by the last refresh. */
  lastRanking(): readonly OpportunityScore[]
}

/**
 * Universe OS: the tradable set is the top `topK` eligible symbols of the ranker (eligible = passing the
 * liquidity and volatility filters), with rank hysteresis: a member leaves only when it drops out of the
 * first `topK + exitBuffer` eligible ranks or fails a filter, and a newcomer enters only into a free seat
 * at a rank below `topK`. Refreshed lazily (at most once per clock time) by its readers.
 * @throws {ConfigError} for invalid options.
 * @example const universe = createUniverseOs({ ranker, topK: 5, minQuoteVolume: 1e6 })
 */
export function createUniverseOs(input: UniverseOsOptions): UniverseOs {
  const opts = parseOrThrow(universeOptions, input, 'options of createUniverseOs')
  let members = new Set<string>()
  let lastTime = Number.NaN
  let ranking: readonly OpportunityScore[] = []
  const refresh = (time: number): ReadonlySet<string> => {
    if (time === lastTime) return members
    lastTime = time
    ranking = opts.ranker.ranking()
    const eligible = ranking.filter(
      (r) => r.quoteVolume >= opts.minQuoteVolume && (opts.maxAtrPct === undefined || r.atrPct <= opts.maxAtrPct),
    )
    const next = new Set(
      eligible.filter((r, i) => members.has(r.symbol) && i < opts.topK + opts.exitBuffer).map((r) => r.symbol),
    )
    for (let i = 0; i < eligible.length && i < opts.topK && next.size < opts.topK; i++) next.add(eligible[i]!.symbol)
    members = next
    return members
  }
  return {
    refresh,
    has: (symbol, time) => refresh(time).has(symbol),
    members: () => members,
    lastRanking: () => ranking,
  }
}

/** True when `value` looks like a {@link UniverseOs} (used by option schemas). */
export function isUniverseOs(value: unknown): value is UniverseOs {
  const u = value as UniverseOs | null
  return typeof u === 'object' && u !== null && typeof u.has === 'function' && typeof u.refresh === 'function'
}

const options = z.strictObject({
  /** The universe whose members may be entered. */
  universe: z.custom<UniverseOs>(isUniverseOs, { message: 'expected a universe from createUniverseOs()' }),
})

/**
 * Risk guard of the Universe OS: denies entries on symbols outside the tradable set; reduce-only
 * intents (exits, reversals' closing legs) always pass.
 * @example universeFilter({ universe: createUniverseOs({ ranker, topK: 5 }) })
 */
export const universeFilter = definePlugin({
  name: 'agents:universe-filter',
  kind: 'risk',
  options,
  create: ({ universe }) => ({
    check: (intent: OrderIntent, ctx: PluginContext): RiskVerdict => {
      if (intent.reduceOnly === true || universe.has(intent.symbol, ctx.clock.now())) return { action: 'approve' }
      const entry = universe.lastRanking().find((r) => r.symbol === intent.symbol)
      const where =
        entry === undefined ? 'not ranked yet' : `rank ${entry.rank + 1} of ${universe.lastRanking().length}`
      return { action: 'deny', reason: `${intent.symbol} is outside the universe (${where})` }
    },
  }),
})
