/**
 * The records of the durable state (runs, the order journal, fills, positions, trades, equity, risk
 * and exit state, the RL sizer's Q-table), each defined once as a zod schema. A {@link StateStore}
 * parses what it reads back with these, so a row written by a broken or foreign writer is refused
 * with a typed error instead of reaching the engine.
 * @packageDocumentation
 */
import { z } from 'zod'
import { DecisionSchema, FillSchema, OrderRequestSchema, OrderStatusSchema, PositionSchema } from '../schemas.js'

/** Epoch milliseconds, UTC. */
const epochMs = () => z.number().int().nonnegative()
const finite = () => z.number().finite()

/** How a run ended, or `running` while it runs (or after a crash, until it is resumed). */
export const RunStatusSchema = z.enum(['running', 'completed', 'stopped', 'failed'])
/** How a run ended, or `running`. */
export type RunStatus = z.infer<typeof RunStatusSchema>

/** One run of a config: what a restart of the same config resumes. */
export const RunRecordSchema = z.object({
  /** Unique id of the run (any string of 1-64 characters; the runtime picks it). */
  id: z.string().min(1).max(64),
  /**
   * Who the run trades for: the venue account, or `paper`. Several runtimes may share one database;
   * their runs, and the Q-tables they learn, are told apart by this key.
   */
  account: z.string().min(1).max(128),
  /** Name of the strategy (the config's `name`). */
  name: z.string(),
  /** Hash of the resolved config (hex); a restart resumes only a run of the same config. */
  configHash: z.string().min(1),
  mode: z.enum(['backtest', 'paper', 'testnet', 'live']),
  status: RunStatusSchema,
  startedAt: epochMs(),
  /** When the run ended; absent while it runs. */
  endedAt: epochMs().optional(),
})
/** One run of a config. */
export type RunRecord = z.infer<typeof RunRecordSchema>

/**
 * An order intent journaled **before** it is sent: after a crash, an intent with no acknowledgement is
 * looked up on the venue by its client order id, never sent a second time.
 */
export const IntentRecordSchema = z.object({
  runId: z.string(),
  /** The client order id the order is sent with (unique within the run). */
  clientOrderId: z.string().min(1).max(36),
  /** The order request as sent (with `clientOrderId` set). */
  request: OrderRequestSchema,
  /** The decision that caused it, with every agent's vote; absent for exits and protective orders. */
  decision: DecisionSchema.optional(),
  /** Why (e.g. `entry`, `stop`, `tp1`, `reverse`). */
  reason: z.string().optional(),
  /** When it was journaled (epoch ms, the run's clock). */
  time: epochMs(),
})
/** An order intent journaled before it is sent. */
export type IntentRecord = z.infer<typeof IntentRecordSchema>

/** The venue's answer to an intent (accepted, rejected) or a later change of its order's status. */
export const AckRecordSchema = z.object({
  runId: z.string(),
  clientOrderId: z.string().min(1).max(36),
  /** The venue's order id; absent when the order was rejected before it got one. */
  orderId: z.string().optional(),
  status: OrderStatusSchema,
  /** Why it was rejected, cancelled or expired. */
  reason: z.string().optional(),
  time: epochMs(),
})
/** The venue's answer to an intent. */
export type AckRecord = z.infer<typeof AckRecordSchema>

/** A fill of one of the run's orders (the exchange's {@link FillSchema} plus the run). */
export const FillRecordSchema = FillSchema.extend({ runId: z.string() })
/** A fill of one of the run's orders. */
export type FillRecord = z.infer<typeof FillRecordSchema>

/** One closed round trip (the run folder's `trades.csv` row). */
export const TradeRecordSchema = z.object({
  /** 1-based sequence number within the run. */
  id: z.number().int().positive(),
  symbol: z.string(),
  side: z.enum(['LONG', 'SHORT']),
  entryTime: epochMs(),
  exitTime: epochMs(),
  entryPrice: finite(),
  exitPrice: finite(),
  quantity: finite(),
  grossPnl: finite(),
  fees: finite(),
  funding: finite(),
  netPnl: finite(),
  exitReason: z.string(),
  /** Entry slippage against the decision price (bps), when AELM recorded it. */
  entrySlippageBps: z.number().optional(),
})
/** One closed round trip. */
export type StoredTrade = z.infer<typeof TradeRecordSchema>

/** Equity at one time (the run folder's equity curve). */
export const EquityPointSchema = z.object({ time: epochMs(), equity: finite() })
/** Equity at one time. */
export type EquityPoint = z.infer<typeof EquityPointSchema>

/**
 * The latest state of one risk component (the emergency stop, a circuit breaker, a drawdown guard):
 * enough to put it back as it was after a restart. `data` is the component's own document.
 */
export const RiskStateRecordSchema = z.object({
  /** The component, e.g. `ess` or `breaker:consecutive-losses`. */
  source: z.string().min(1),
  /** Its state, e.g. `TRIPPED`, `ARMED`, `OPEN`. */
  state: z.string(),
  tradingState: z.enum(['active', 'reducing', 'halted']),
  reason: z.string().optional(),
  time: epochMs(),
  /** Whatever else the component needs to resume (counters, peaks, trip time). */
  data: z.record(z.string(), z.unknown()).default({}),
})
/** The latest state of one risk component. */
export type RiskStateRecord = z.infer<typeof RiskStateRecordSchema>

/** Version of the {@link ExitStateSchema} document format written by this build. */
export const EXIT_STATE_VERSION = 1

/**
 * Everything the exit side knows about one open position (Exit Brain plan, stop manager, PAL, PIL),
 * kept as one versioned document per position so that a restart re-attaches it instead of treating
 * the position as an orphan with no break-even or trailing.
 */
export const ExitStateSchema = z.object({
  /** Format version of this document ({@link EXIT_STATE_VERSION} when written by this build). */
  version: z.number().int().positive(),
  symbol: z.string(),
  side: z.enum(['LONG', 'SHORT']),
  /** When the position was opened (epoch ms). */
  openedAt: epochMs(),
  /** The exit plan's legs (take-profit ladder), each with its price, fraction and whether it has filled. */
  planLegs: z.array(
    z.object({
      tag: z.string(),
      price: finite(),
      fraction: z.number().min(0).max(1),
      filled: z.boolean().default(false),
    }),
  ),
  /** Current protective stop level; absent before the stop is placed. */
  stopLevel: finite().optional(),
  /** Best price since entry that the trailing stop follows; absent before trailing starts. */
  trailingAnchor: finite().optional(),
  /** Whether the stop has been moved to break-even. */
  breakEven: z.boolean().default(false),
  /** Adds made by the Profit Amplification Layer, in order. */
  palAdds: z.array(z.object({ time: epochMs(), price: finite(), quantity: finite() })).default([]),
  /** The class the Position Intelligence Layer gave the position, e.g. `WINNER`. */
  pilClass: z.string().optional(),
  /** Anything else a policy needs to resume (its own keys). */
  extra: z.record(z.string(), z.unknown()).default({}),
})
/** The exit state of one open position. */
export type ExitState = z.infer<typeof ExitStateSchema>
/** The exit state as callers write it (defaulted fields may be left out). */
export type ExitStateInput = z.input<typeof ExitStateSchema>

/** An exit state as stored: the document plus the revision the store gave it. */
export interface StoredExitState {
  readonly runId: string
  /** Increases by one on every save of this position's document (1 for the first). */
  readonly revision: number
  readonly updatedAt: number
  readonly state: ExitState
}

/** The stored open position of a run (a snapshot of the exchange's {@link PositionSchema}). */
export const PositionRecordSchema = PositionSchema.extend({ runId: z.string(), updatedAt: epochMs() })
/** A stored open position. */
export type PositionRecord = z.infer<typeof PositionRecordSchema>
