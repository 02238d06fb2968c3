import type { ProfileName } from './profiles.js'
import { PROFILE_ORDER } from './profiles.js'

/** Options of {@link createProfileSelector}. */
export interface ProfileSelectorOptions {
  /** Closed trades in the rolling window. @default 20 */
  readonly window?: number
  /** Margin a win rate must cross a threshold by before the profile changes (0.02 = 2 points). @default 0.02 */
  readonly hysteresis?: number
  /** Trades in the window before leaving the starting (conservative) profile. @default 5 */
  readonly minTrades?: number
  /** Consecutive losses that step the selected profile down one level (0 disables). @default 3 */
  readonly lossStreak?: number
  /** One rolling window over all symbols (`global`) or one per symbol. @default 'global' */
  readonly scope?: 'global' | 'symbol'
  /** Fixed profiles for some symbols (symbol characteristics); they bypass the selection. @default {} */
  readonly overrides?: Readonly<Record<string, ProfileName>>
}

/** Adaptive profile selection from the rolling win rate of closed trades. */
export interface ProfileSelector {
  /** Records a closed trade of `symbol` (a win when its net PnL is > 0). */
  record(trade: { readonly symbol: string; readonly pnl: number }): void
  /** The profile to use for the next entry of `symbol`. */
  select(symbol: string): ProfileName
  /** Win rate of the window that `symbol` uses (NaN before any trade). */
  winRate(symbol: string): number
}

/** Win-rate thresholds of the seed: above 52 % Balanced, above 60 % Aggressive. */
export const WIN_RATE_THRESHOLDS: Readonly<{ balanced: number; aggressive: number }> = Object.freeze({
  balanced: 0.52,
  aggressive: 0.6,
})

/** Threshold to exceed for each level (index into PROFILE_ORDER); level 0 has none. */
const LEVEL_THRESHOLD = [Number.NEGATIVE_INFINITY, WIN_RATE_THRESHOLDS.balanced, WIN_RATE_THRESHOLDS.aggressive]

interface Track {
  readonly results: boolean[]
  wins: number
  level: number
  losses: number
}

/**
 * Moves `level` by the hysteresis rule: up while `rate > threshold(next) + h`, down while
 * `rate <= threshold(level) − h`; inside the band the level stays.
 */
function nextLevel(level: number, rate: number, h: number): number {
  let next = level
  while (next < PROFILE_ORDER.length - 1 && rate > (LEVEL_THRESHOLD[next + 1] ?? Infinity) + h) next++
  while (next > 0 && rate <= (LEVEL_THRESHOLD[next] ?? -Infinity) - h) next--
  return next
}

/**
 * Creates a profile selector: rolling win rate over the last `window` closed trades, the seed's
 * thresholds (> 60 % Aggressive, > 52 % Balanced, else Conservative) with a hysteresis band of
 * ± `hysteresis` around each threshold (a level is entered above `t + h` and left at or below `t − h`),
 * then one level down after `lossStreak` consecutive losses (until the next win), and per-symbol overrides.
 * @example
 * const selector = createProfileSelector({ window: 20, hysteresis: 0.02 })
 * selector.record({ symbol: 'BTCUSDT', pnl: 12.5 })
 * selector.select('BTCUSDT') // 'conservative' until minTrades trades
 */
export function createProfileSelector(options: ProfileSelectorOptions = {}): ProfileSelector {
  const { window = 20, hysteresis = 0.02, minTrades = 5, lossStreak = 3, scope = 'global', overrides = {} } = options
  const tracks = new Map<string, Track>()
  const trackOf = (symbol: string): Track => {
    const key = scope === 'global' ? '*' : symbol
    let track = tracks.get(key)
    if (track === undefined) tracks.set(key, (track = { results: [], wins: 0, level: 0, losses: 0 }))
    return track
  }
  return {
    record: ({ symbol, pnl }) => {
      const track = trackOf(symbol)
      const win = pnl > 0
      track.results.push(win)
      if (win) track.wins++
      if (track.results.length > window && track.results.shift() === true) track.wins--
      track.losses = win ? 0 : track.losses + 1
      if (track.results.length >= Math.min(minTrades, window)) {
        track.level = nextLevel(track.level, track.wins / track.results.length, hysteresis)
      }
    },
    select: (symbol) => {
      const fixed = overrides[symbol]
      if (fixed !== undefined) return fixed
      const track = trackOf(symbol)
      const stepDown = lossStreak > 0 && track.losses >= lossStreak ? 1 : 0
      return PROFILE_ORDER[Math.max(0, track.level - stepDown)] ?? 'conservative'
    },
    winRate: (symbol) => {
      const track = trackOf(symbol)
      return track.results.length === 0 ? Number.NaN : track.wins / track.results.length
    },
  }
}
