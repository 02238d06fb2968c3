/**
 * The limits of a risk policy, their zod schema (unknown keys and inconsistent limits are errors) and
 * the three presets: PERMISSIVE (testnet), STRICT (production) and FLOOR (the seed's old local limits).
 * @packageDocumentation
 */
import { z } from 'zod'
import { CircuitBreakersOptionsSchema } from '../breakers/circuit-breakers.js'
import { EmergencyStopOptionsSchema } from '../ess/emergency-stop.js'

const off = z.literal(false)
const fraction = z.number().gt(0).lt(1)

/** Where the risk HTTP API listens. */
export const RiskHttpOptionsSchema = z.strictObject({
  /** TCP port; 0 picks a free one. */
  port: z.number().int().min(0).max(65_535),
  /** Interface to bind; keep it local unless a proxy with auth is in front. @default '127.0.0.1' */
  host: z.string().min(1).default('127.0.0.1'),
})

/** Portfolio balance limits (see `portfolioBalance`). */
export const BalanceLimitsSchema = z.strictObject({
  /** Largest |long - short| / (long + short) of the gross book before entries that worsen it are denied. @default 0.6 */
  maxImbalance: z.number().min(0).max(1).default(0.6),
  /** Largest notional of one asset, as a multiple of equity (0.5: half the equity). @default 0.5 */
  maxAssetShare: z.number().gt(0).max(100).default(0.5),
  /** Gross book (USDT) below which the imbalance rule does not apply (a first position is always 100% one-sided). @default 2000 */
  minBook: z.number().min(0).default(2000),
  /** Propose reduce-only trims when the book drifts outside its caps (checked by the same guards). @default true */
  rebalance: z.boolean().default(true),
  /** How far (relative) a cap may be overshot by price moves before a trim is proposed, so trims are not churned. @default 0.1 */
  tolerance: z.number().min(0).max(1).default(0.1),
})

/** Every limit of a policy. `false` switches a rule off. */
export const PolicyLimitsSchema = z
  .strictObject({
    /** Largest USDT notional of one position. */
    maxPositionNotional: z.number().positive(),
    /** Highest leverage of an entry. */
    maxLeverage: z.number().positive().max(125),
    /** Largest USDT exposure of one symbol. */
    perSymbolExposure: z.number().positive(),
    /** Largest gross USDT exposure of all positions. */
    totalExposure: z.number().positive(),
    /** Share of the available balance kept free by the margin check. */
    marginBuffer: z.number().min(0).lt(1),
    /** Entry rate limit. */
    orderRate: z.union([
      z.strictObject({ max: z.number().int().positive(), windowMs: z.number().int().positive() }),
      off,
    ]),
    /** Entries denied beyond this loss since the UTC day's start (fraction of equity). */
    dailyDrawdownPct: z.union([fraction, off]),
    /** Entries denied while the open positions' loss is beyond this (fraction of equity). */
    openLossPct: z.union([fraction, off]),
    /** Correlation check between same-side positions. */
    correlation: z.union([
      z.strictObject({
        cap: z.number().gt(0).lte(1),
        window: z.number().int().min(3),
        minSamples: z.number().int().min(3),
      }),
      off,
    ]),
    /** Protective stop on every position, this fraction from its entry. */
    stopLossPct: z.union([fraction, off]),
    /** Circuit breakers. */
    breakers: z.union([CircuitBreakersOptionsSchema, off]),
    /** The Emergency Stop System. */
    ess: z.union([EmergencyStopOptionsSchema, off]),
    /** Portfolio balance (PBA). */
    balance: z.union([BalanceLimitsSchema, off]),
    /** The risk HTTP API (off by default; backtests need none). */
    http: z.union([RiskHttpOptionsSchema, off]),
  })
  .superRefine((l, ctx) => {
    if (l.perSymbolExposure > l.totalExposure) {
      ctx.addIssue({ code: 'custom', path: ['perSymbolExposure'], message: 'must not exceed totalExposure' })
    }
    if (l.maxPositionNotional > l.totalExposure) {
      ctx.addIssue({ code: 'custom', path: ['maxPositionNotional'], message: 'must not exceed totalExposure' })
    }
    if (l.correlation !== false && l.correlation.minSamples > l.correlation.window) {
      ctx.addIssue({
        code: 'custom',
        path: ['correlation', 'minSamples'],
        message: 'must not exceed correlation.window',
      })
    }
    const ess = l.ess
    if (ess !== false && l.dailyDrawdownPct !== false && ess.dailyDrawdownPct !== false) {
      if (ess.dailyDrawdownPct < l.dailyDrawdownPct) {
        ctx.addIssue({
          code: 'custom',
          path: ['ess', 'dailyDrawdownPct'],
          message: 'the emergency stop would trip before the entry limit dailyDrawdownPct applies',
        })
      }
    }
  })
/** Every limit of a policy, resolved. */
export type PolicyLimits = z.output<typeof PolicyLimitsSchema>

/** The names of the presets. */
export const POLICY_NAMES = ['PERMISSIVE', 'STRICT', 'FLOOR'] as const
/** A preset's name. */
export type PolicyName = (typeof POLICY_NAMES)[number]

/** The presets' limits (the numbers of the spec and the seed; see docs/guides/risk-safety.md). */
export const POLICY_PRESETS: Readonly<Record<PolicyName, z.input<typeof PolicyLimitsSchema>>> = Object.freeze({
  /** Testnet: max position $10,000, max leverage 30x; the ESS watches only error bursts (and manual trips). */
  PERMISSIVE: {
    maxPositionNotional: 10_000,
    maxLeverage: 30,
    perSymbolExposure: 10_000,
    totalExposure: 30_000,
    marginBuffer: 0,
    orderRate: { max: 60, windowMs: 60_000 },
    dailyDrawdownPct: false,
    openLossPct: false,
    correlation: false,
    stopLossPct: false,
    breakers: false,
    ess: {
      dailyDrawdownPct: false,
      openLossPct: false,
      errorBurst: { count: 20, windowMs: 300_000 },
      staleBars: false,
    },
    balance: false,
    http: false,
  },
  /** Production: real-time balance checks, daily drawdown limit, open-loss monitoring, breakers, correlation. */
  STRICT: {
    maxPositionNotional: 5_000,
    maxLeverage: 10,
    perSymbolExposure: 5_000,
    totalExposure: 15_000,
    marginBuffer: 0.1,
    orderRate: { max: 10, windowMs: 60_000 },
    dailyDrawdownPct: 0.05,
    openLossPct: 0.03,
    correlation: { cap: 0.8, window: 72, minSamples: 24 },
    stopLossPct: false,
    breakers: {},
    ess: { dailyDrawdownPct: 0.05, openLossPct: 0.1, errorBurst: { count: 10, windowMs: 300_000 }, staleBars: 3 },
    balance: { maxImbalance: 0.6, maxAssetShare: 0.5, minBook: 2000, rebalance: true, tolerance: 0.1 },
    http: false,
  },
  /** The seed's old local limits: MAX_POSITION_SIZE 1000 USD, MAX_LEVERAGE 10, STOP_LOSS 2%. */
  FLOOR: {
    maxPositionNotional: 1_000,
    maxLeverage: 10,
    perSymbolExposure: 1_000,
    totalExposure: 3_000,
    marginBuffer: 0,
    orderRate: false,
    dailyDrawdownPct: false,
    openLossPct: false,
    correlation: false,
    stopLossPct: 0.02,
    breakers: false,
    ess: { dailyDrawdownPct: false, openLossPct: false, errorBurst: false, staleBars: false },
    balance: false,
    http: false,
  },
})

/** Overrides of a preset: any limit; nested objects (`ess`, `breakers`, ...) merge one level deep. */
export const PolicyOverridesSchema = z.strictObject({
  maxPositionNotional: z.number().optional(),
  maxLeverage: z.number().optional(),
  perSymbolExposure: z.number().optional(),
  totalExposure: z.number().optional(),
  marginBuffer: z.number().optional(),
  orderRate: z.union([z.record(z.string(), z.unknown()), off]).optional(),
  dailyDrawdownPct: z.union([z.number(), off]).optional(),
  openLossPct: z.union([z.number(), off]).optional(),
  correlation: z.union([z.record(z.string(), z.unknown()), off]).optional(),
  stopLossPct: z.union([z.number(), off]).optional(),
  breakers: z.union([z.record(z.string(), z.unknown()), off]).optional(),
  ess: z.union([z.record(z.string(), z.unknown()), off]).optional(),
  balance: z.union([z.record(z.string(), z.unknown()), off]).optional(),
  http: z.union([z.record(z.string(), z.unknown()), off]).optional(),
})
/** Overrides of a preset, as written. */
export type PolicyOverrides = Partial<{
  [K in keyof z.input<typeof PolicyLimitsSchema>]: K extends
    'ess' | 'breakers' | 'balance' | 'correlation' | 'orderRate' | 'http'
    ? Exclude<z.input<typeof PolicyLimitsSchema>[K], undefined> extends infer V
      ? V extends false
        ? false
        : Partial<Exclude<V, false>> | false
      : never
    : z.input<typeof PolicyLimitsSchema>[K]
}>
