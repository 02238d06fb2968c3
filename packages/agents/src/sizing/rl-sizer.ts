import { rename } from 'node:fs/promises'
import { DataError, TradeTracker, closeOpposite, definePlugin, sfc32 } from '@quantum/core'
import type {
  Decision,
  EngineEvent,
  OrderIntent,
  OrderSide,
  PluginContext,
  PluginFactory,
  SizerPlugin,
} from '@quantum/core'
import type { Subscription } from 'rxjs'
import { z } from 'zod'
import { isRegimeStore, type RegimeStore } from '../regime/regime-store.js'
import {
  QLearner,
  QTableFileSchema,
  actionGrid,
  loadQTable,
  readQTable,
  writeQTable,
  type QTableFile,
} from './q-learner.js'

const options = z
  .strictObject({
    /** Learning rate. @default 0.2 */
    alpha: z.number().min(0).max(1).default(0.2),
    /** Discount factor. @default 0.95 */
    gamma: z.number().min(0).max(1).default(0.95),
    /** Exploration probability (epsilon-greedy). @default 0.1 */
    epsilon: z.number().min(0).max(1).default(0.1),
    /** Smallest entry notional (USDT). @default 10 */
    minNotional: z.number().positive().default(10),
    /** Largest entry notional (USDT). @default 8000 */
    maxNotional: z.number().positive().default(8000),
    /** Notional levels of the action grid (geometric). @default 5 */
    notionalSteps: z.number().int().min(1).max(50).default(5),
    /** Smallest leverage. @default 15 */
    minLeverage: z.number().min(1).max(125).default(15),
    /** Largest leverage. @default 25 */
    maxLeverage: z.number().min(1).max(125).default(25),
    /** Leverage levels of the action grid (linear, whole). @default 3 */
    leverageSteps: z.number().int().min(1).max(20).default(3),
    /** Learn and explore; off = always the middle action, no exploration, no learning. @default true */
    autonomous: z.boolean().default(true),
    /** PRNG seed of the exploration (same seed, same run). @default 1 */
    seed: z.number().int().default(1),
    /** JSON file the Q-table is loaded from in `setup` and saved to in `dispose`. @default undefined (in memory) */
    qTablePath: z.string().min(1).optional(),
    /** A corrupt Q-table file: `fresh` = log a warning, move it aside (`.corrupt`) and start over; `throw` = a DataError. @default 'fresh' */
    onCorrupt: z.enum(['fresh', 'throw']).default('fresh'),
    /** Regimes from the Market State Classifier (state component); without it the regime is `unknown`. @default undefined */
    regimes: z.custom<RegimeStore>(isRegimeStore, { message: 'expected a store from createRegimeStore()' }).optional(),
    /** Closed trades whose net PnL gives the recent-performance bucket. @default 10 */
    performanceWindow: z.number().int().min(1).max(1000).default(10),
    /** Decision-confidence bucket edges: below the first `low`, below the second `mid`, else `high`. @default [0.65, 0.8] */
    confidenceEdges: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).default([0.65, 0.8]),
    /** Open shorts on SELL decisions (otherwise SELL only closes longs). @default true */
    allowShort: z.boolean().default(true),
  })
  .refine((o) => o.minNotional <= o.maxNotional, {
    message: 'minNotional must be <= maxNotional',
    path: ['minNotional'],
  })
  .refine((o) => o.minLeverage <= o.maxLeverage, {
    message: 'minLeverage must be <= maxLeverage',
    path: ['minLeverage'],
  })
  .refine((o) => o.confidenceEdges[0] <= o.confidenceEdges[1], {
    message: 'edges must increase',
    path: ['confidenceEdges'],
  })

/** Options of {@link rlPositionSizing} (input form). */
export type RlPositionSizingOptions = z.input<typeof options>
type Opts = z.output<typeof options>

interface Choice {
  readonly state: string
  readonly action: number
}

/**
 * What the sizer stores in a run's state store (`learnedState`): the Q-table, the action that opened
 * each open trade (learnt from when it closes) and the recent closed trades' net PnL (the performance
 * bucket), so that a restarted run learns on as if it had not stopped.
 */
const LearnedStateSchema = z.strictObject({
  table: QTableFileSchema,
  open: z.array(z.tuple([z.string(), z.strictObject({ state: z.string(), action: z.number().int().min(0) })])),
  recentPnl: z.array(z.number()),
})

/** Learning bookkeeping: which action opened each symbol's trade, and the closed trades' PnL. */
class Experience {
  readonly tracker = new TradeTracker()
  readonly pending = new Map<string, Choice>()
  readonly open = new Map<string, Choice>()
  /** Net PnL of closed trades before a restart (from the state store), older than the tracker's. */
  restoredPnl: number[] = []

  constructor(
    private readonly opts: Opts,
    private readonly learner: QLearner,
  ) {}

  /** The state key `regime|performance|confidence` of a decision. */
  stateOf(symbol: string, confidence: number): string {
    return `${this.opts.regimes?.get(symbol) ?? 'unknown'}|${this.performance()}|${this.confidenceBucket(confidence)}`
  }

  /** Accounts an engine event; learns when a trade the sizer opened closes. */
  onEvent(event: EngineEvent): void {
    if (event.type === 'funding') this.tracker.onFunding(event.funding)
    if (event.type !== 'fill' && event.type !== 'liquidation') return
    const symbol = event.fill.symbol
    const closed = this.tracker.trades.length
    this.tracker.onFill(event.fill, event.position)
    for (const trade of this.tracker.trades.slice(closed)) {
      const choice = this.open.get(trade.symbol)
      this.open.delete(trade.symbol)
      if (choice === undefined) continue
      const next = `${this.opts.regimes?.get(trade.symbol) ?? 'unknown'}|${this.performance()}|${choice.state.split('|')[2]}`
      this.learner.update({ state: choice.state, action: choice.action, reward: trade.netPnl, next })
    }
    const pending = this.pending.get(symbol)
    if (pending !== undefined && this.tracker.isOpen(symbol) && !this.open.has(symbol)) {
      this.open.set(symbol, pending)
      this.pending.delete(symbol)
    }
  }

  /** Net PnL of the last `performanceWindow` closed trades, oldest first. */
  recentPnl(): number[] {
    const window = this.opts.performanceWindow
    return [...this.restoredPnl.slice(-window), ...this.tracker.trades.slice(-window).map((t) => t.netPnl)].slice(
      -window,
    )
  }

  private performance(): 'neutral' | 'winning' | 'losing' {
    const recent = this.recentPnl()
    const pnl = recent.reduce((a, t) => a + t, 0)
    return recent.length === 0 || pnl === 0 ? 'neutral' : pnl > 0 ? 'winning' : 'losing'
  }

  private confidenceBucket(confidence: number): 'low' | 'mid' | 'high' {
    const [low, mid] = this.opts.confidenceEdges
    return confidence < low ? 'low' : confidence < mid ? 'mid' : 'high'
  }
}

/** The RL sizer as a plugin: a sizer whose Q-table can be replaced while it runs. */
export interface RlPositionSizer extends SizerPlugin {
  /**
   * Replaces the Q-table with the file at `path` (e.g. a version promoted in the CLM registry, or a
   * rollback): the file is read and checked first, then swapped in at once between two decisions, so
   * the next `size` call answers from it and no call is left without an answer. Open trades keep the
   * action they were opened with and are learnt from when they close; an autonomous sizer learns on
   * from the new table. A sizer with `autonomous: false` stores the table but keeps proposing the
   * middle action. The runtime's model watcher calls it on a promotion (family `rlV2` / `rlV3`).
   * @throws {DataError} when the file cannot be read, is not a Q-table, or was made for another action
   * grid; the running table stays.
   */
  swapModel(path: string): Promise<void>
  /** The Q-table the sizer answers from now (a copy). */
  qTable(): QTableFile
}

/**
 * RL Position Sizing: tabular Q-learning picks the entry's (notional, leverage) from a grid inside
 * $10-$8000 and 15x-25x. State = (market regime from a {@link RegimeStore}, recent performance bucket
 * from the last `performanceWindow` closed trades' net PnL, decision-confidence bucket); reward = the
 * net realised PnL (after fees and funding) of the trade the action opened, learnt on its closing fill
 * (`Q += alpha (r + gamma max Q(s') - Q)`, s' = the regime and performance after the close with the
 * opening confidence bucket); epsilon-greedy with a seeded PRNG. `autonomous: false` always proposes
 * the middle action and never explores or learns.
 *
 * Its output is only a proposal: the risk guards that follow cap or deny it (size and leverage).
 * Like `fixedNotional`, a decision against the open position first closes it (reduce-only), then opens.
 * @example rlPositionSizing({ seed: 7, regimes, qTablePath: '.quantum/rl-sizer.json' })
 */
export const rlPositionSizing = definePlugin({
  name: 'agents:rl-position-sizing',
  kind: 'sizer',
  options,
  create: (opts) => {
    const learner = new QLearner({
      actions: actionGrid(opts),
      alpha: opts.alpha,
      gamma: opts.gamma,
      epsilon: opts.epsilon,
      random: sfc32(opts.seed),
    })
    const experience = new Experience(opts, learner)
    let subscription: Subscription | undefined
    let logger: PluginContext['logger'] | undefined
    return {
      setup: async (ctx: PluginContext) => {
        logger = ctx.logger
        if (opts.autonomous && opts.qTablePath !== undefined) await loadTable(opts, learner, ctx)
        if (opts.autonomous) subscription = ctx.bus.events$.subscribe((e) => experience.onEvent(e))
      },
      dispose: async () => {
        subscription?.unsubscribe()
        if (opts.autonomous && opts.qTablePath !== undefined) await writeQTable(opts.qTablePath, learner.toJSON())
      },
      size: (decision: Decision, ctx: PluginContext): OrderIntent[] =>
        propose(decision, ctx, { opts, learner, experience }),
      swapModel: async (path: string): Promise<void> => {
        const file = await loadQTable(path)
        const before = learner.updates
        learner.load(file, path) // checks the grid first; synchronous, so no decision sees half a table
        logger?.info('rl sizer q-table swapped in', { path, updates: file.updates, previousUpdates: before })
      },
      qTable: (): QTableFile => learner.toJSON(),
      // Stored after fills by a run with a state store; put back when it resumes (over the file's table).
      learnedState: () =>
        opts.autonomous
          ? { table: learner.toJSON(), open: [...experience.open], recentPnl: experience.recentPnl() }
          : undefined,
      restoreLearnedState: (state: unknown, ctx: PluginContext): void => {
        if (!opts.autonomous) return
        const parsed = LearnedStateSchema.safeParse(state)
        if (!parsed.success)
          throw new DataError('state store (rl sizer)', [
            { kind: 'parse', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') },
          ])
        learner.load(parsed.data.table, 'state store (rl sizer)')
        experience.open.clear()
        for (const [symbol, choice] of parsed.data.open) experience.open.set(symbol, choice)
        experience.restoredPnl = parsed.data.recentPnl
        ctx.logger.info('rl sizer state restored from the run', {
          updates: learner.updates,
          openTrades: experience.open.size,
        })
      },
    }
  },
}) as unknown as PluginFactory<RlPositionSizingOptions, RlPositionSizer>

/** The intents for a decision: close an opposite position, then open with the chosen action. */
function propose(
  decision: Decision,
  ctx: PluginContext,
  { opts, learner, experience }: { opts: Opts; learner: QLearner; experience: Experience },
): OrderIntent[] {
  const position = ctx.account.getPosition(decision.symbol)
  const want = decision.action === 'BUY' ? 'LONG' : decision.action === 'SELL' ? 'SHORT' : 'FLAT'
  if (want === 'FLAT' || position.side === want) return []
  const side: OrderSide = want === 'LONG' ? 'BUY' : 'SELL'
  const { symbol } = decision
  const intents: OrderIntent[] = closeOpposite(position, side)
  if (want === 'SHORT' && !opts.allowShort) return intents
  const state = experience.stateOf(symbol, decision.confidence)
  const action = opts.autonomous ? learner.choose(state, true) : learner.middle
  if (opts.autonomous) experience.pending.set(symbol, { state, action })
  const { notional, leverage } = learner.actions[action]!
  // Never below the venue's minimum notional (a $10 action on ETHUSDT, minimum 20, would be refused).
  const floor = ctx.exchange.instrument(symbol).minNotional
  intents.push({
    symbol,
    side,
    type: 'MARKET',
    quoteQuantity: Math.max(notional, floor),
    leverage,
    tag: 'entry',
    reason: `entry (rl ${state} #${action})`,
  })
  return intents
}

/** Loads the persisted table into `learner`; a corrupt file is moved aside with a warning, or throws. */
async function loadTable(opts: Opts, learner: QLearner, ctx: PluginContext): Promise<void> {
  const path = opts.qTablePath!
  try {
    const file = readQTable(path)
    if (file !== undefined) learner.load(file, path)
    ctx.logger.info('rl sizer q-table', { path, loaded: file !== undefined, updates: learner.updates })
  } catch (error) {
    if (opts.onCorrupt === 'throw' || !(error instanceof DataError)) throw error
    await rename(path, `${path}.corrupt`).catch(() => undefined)
    ctx.logger.warn('corrupt rl q-table: starting from a fresh table', {
      path,
      movedTo: `${path}.corrupt`,
      error: error.message,
    })
  }
}
