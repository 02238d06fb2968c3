/**
 * The exit variants and entry families the Exit Brain evidence compares (run.ts, all variants on fixed
 * windows; walk-forward.ts, a variant chosen in each in-sample window and tested on the next).
 */
import { createRegimeStore, emaCross, marketStateClassifier, randomEntries, rsiReversal } from '@quantum/agents'
import type { QuantumPlugin } from '@quantum/core'
import { createPositionBook, exitBrain, positionIntelligence, profitAmplifier, staticTpSl } from '@quantum/exit-brain'

/** An exit variant: a label and the exit plugins it adds to the shared entries. */
export interface Variant {
  readonly label: string
  readonly exits: () => QuantumPlugin[]
}

/** The static rule as the seed had it (market target); the same with a resting limit target (maker fee). */
export const BASELINE = 'static TP 5% / SL 2%'
export const BASELINE_LIMIT = 'static, limit target'

export const VARIANTS: readonly Variant[] = [
  { label: BASELINE, exits: () => [staticTpSl({ takeProfitPct: 0.05, stopLossPct: 0.02 })] },
  { label: BASELINE_LIMIT, exits: () => [staticTpSl({ takeProfitPct: 0.05, stopLossPct: 0.02, target: 'limit' })] },
  { label: 'conservative', exits: () => [exitBrain({ profile: 'conservative' })] },
  { label: 'balanced', exits: () => [exitBrain({ profile: 'balanced' })] },
  { label: 'aggressive', exits: () => [exitBrain({ profile: 'aggressive' })] },
  { label: 'adaptive', exits: () => [exitBrain({ profile: 'adaptive' })] },
  {
    label: 'adaptive + MSC regimes',
    exits: () => {
      const regimes = createRegimeStore()
      return [marketStateClassifier({ store: regimes }), exitBrain({ profile: 'adaptive', regimes })]
    },
  },
  {
    label: 'adaptive + PIL + PAL',
    exits: () => {
      const book = createPositionBook()
      return [exitBrain({ profile: 'adaptive' }), positionIntelligence({ book }), profitAmplifier({ book })]
    },
  },
  { label: 'no exit (reverse only)', exits: () => [] },
]

/** An entry family: the agent that makes the entries. */
export interface Entry {
  readonly key: string
  readonly label: string
  readonly agent: () => QuantumPlugin
  readonly text: string
}

export const ENTRIES: readonly Entry[] = [
  {
    key: 'trend',
    label: 'Trend entries (EMA cross 12/26)',
    agent: () => emaCross({ fast: 12, slow: 26 }),
    text: '`emaCross({ fast: 12, slow: 26 })`: its edge, if any, is in the long moves it catches',
  },
  {
    key: 'reversion',
    label: 'Mean-reversion entries (RSI 14, 30/70)',
    agent: () => rsiReversal({ period: 14, oversold: 30, overbought: 70 }),
    text: '`rsiReversal({ period: 14, oversold: 30, overbought: 70 })`: bets on short snap-backs',
  },
  {
    key: 'random',
    label: 'Random entries (control, seed 1)',
    agent: () => randomEntries({ probability: 0.05, seed: 1 }),
    text: '`randomEntries({ probability: 0.05, seed: 1 })`: no edge by construction, so the exit and the fees are all there is',
  },
]
