import { z } from 'zod'
import { SearchSpecSchema } from './research/search-spec.js'
import type { PluginKind, QuantumPlugin, RunMode, RuntimeEnv } from './types.js'

const PLUGIN_KINDS: readonly PluginKind[] = ['agent', 'decision', 'sizer', 'risk', 'exit', 'observer', 'execution']
const HOOK_BY_KIND: Record<PluginKind, readonly string[]> = {
  agent: ['onBar'],
  decision: ['decide'],
  sizer: ['size'],
  risk: ['check'],
  exit: [],
  observer: ['onEvent'],
  execution: ['wrap'],
}

/** A time bound: an ISO-8601 date (`2024-01-01`, `2024-01-01T08:00:00Z`) or epoch milliseconds. */
export const TimeBoundSchema = z.union([
  z.number().int().nonnegative(),
  z.string().refine((s) => Number.isFinite(Date.parse(s)), 'expected an ISO-8601 date such as 2024-01-01'),
])

/** Checks that a value is a plugin instance (made by a plugin factory), with the hook its kind needs. */
export const PluginSchema = z.custom<QuantumPlugin>((value) => pluginProblem(value) === undefined, {
  error: (issue) => pluginProblem(issue.input) ?? 'invalid plugin',
})

function pluginProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) {
    return 'expected a plugin instance (did you pass the factory without calling it, e.g. emaCross instead of emaCross()?)'
  }
  const p = value as Record<string, unknown>
  if (typeof p.name !== 'string' || p.name === '') return 'plugin has no name'
  if (!PLUGIN_KINDS.includes(p.kind as PluginKind)) {
    return `plugin "${p.name}" has an unknown kind ${JSON.stringify(p.kind)} (expected one of ${PLUGIN_KINDS.join(', ')})`
  }
  const missing = HOOK_BY_KIND[p.kind as PluginKind].filter((hook) => typeof p[hook] !== 'function')
  if (missing.length > 0) return `plugin "${p.name}" (${String(p.kind)}) lacks hook ${missing.join(', ')}`
  if (p.kind === 'exit' && typeof p.onFill !== 'function' && typeof p.onBar !== 'function') {
    return `exit plugin "${p.name}" needs onFill or onBar`
  }
  return undefined
}

/** Where the market data comes from. Paths are relative to the config file. */
export const DataConfigSchema = z.strictObject({
  /** Candle files (`.csv` or `.csv.gz`, the format of Binance klines: open_time,open,high,low,close,volume). */
  candles: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /** Funding-rate files (`funding_time,funding_rate`), matched to symbols by file name. @default none */
  funding: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
  /**
   * Mark-price candles (`open_time,open,high,low,close,volume`, e.g. Binance's `markPriceKlines` as in
   * `shared/data/mark/BTCUSDT-1h-mark.csv`) of the same symbols and timeframe, matched by file name: the
   * paper exchange judges liquidation on them (as Binance does), and marks unrealised PnL and funding
   * at their close. Bars without a mark candle fall back to the trade price. @default none (trade prices)
   */
  mark: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  /**
   * Finer candles of the same symbols (e.g. `BTCUSDT-5m.csv.gz` under a 1h strategy), matched by file name:
   * the paper exchange fills stops, targets and limits against them inside each strategy bar, so the
   * order in which a bar reached a stop and a target is known instead of assumed (the worst-case rule
   * then applies per detail bar). Agents and exit policies still see the strategy bars. A strategy bar
   * with no detail candles falls back to itself. @default none
   */
  detail: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  /** Only these symbols (from the loaded files). @default all loaded */
  symbols: z
    .array(z.string().regex(/^[A-Z0-9]{2,30}$/))
    .min(1)
    .optional(),
  /** First candle open time to use (inclusive). @default the first candle */
  from: TimeBoundSchema.optional(),
  /** Last candle open time to use (exclusive). @default after the last candle */
  to: TimeBoundSchema.optional(),
  /** Keep a binary cache of parsed CSV so repeated runs skip parsing. @default true */
  cache: z.boolean().default(true),
})
/** Where the market data comes from. */
export type DataConfig = z.output<typeof DataConfigSchema>

/** Custom trading rules for one symbol (e.g. a synthetic one); 0 steps disable rounding. */
export const InstrumentOverrideSchema = z.strictObject({
  tickSize: z.number().nonnegative().optional(),
  stepSize: z.number().nonnegative().optional(),
  minQty: z.number().nonnegative().optional(),
  minNotional: z.number().nonnegative().optional(),
})

/** Slippage applied to taker fills, in basis points of the price (adverse direction). */
export const SlippageConfigSchema = z.union([
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('bps'), bps: z.number().nonnegative().max(10_000) }),
])

/** The paper exchange's settings (Binance USD-M defaults). */
export const ExchangeConfigSchema = z.strictObject({
  /** Starting USDT balance. @default 10000 */
  balance: z.number().positive().default(10_000),
  /** Maker fee rate. @default 0.0002 (0.02%) */
  makerFee: z.number().min(-0.001).max(0.01).default(0.0002),
  /** Taker fee rate. @default 0.0005 (0.05%) */
  takerFee: z.number().min(0).max(0.01).default(0.0005),
  /** Default leverage of new positions. @default 1 */
  leverage: z.number().positive().max(125).default(1),
  /** Slippage model for taker fills. @default { type: 'none' } */
  slippage: SlippageConfigSchema.default({ type: 'none' }),
  /**
   * Where a stop triggered inside a bar fills: `none` at its trigger; `range` a `fraction` of the way
   * from the trigger to the bar's low (sell stop) or high (buy stop), e.g. 0.25 for a cascade that runs
   * through the stops. See the paper exchange README. @default { type: 'none' }
   */
  stopSlippage: z
    .union([
      z.strictObject({ type: z.literal('none') }),
      z.strictObject({ type: z.literal('range'), fraction: z.number().min(0).max(1) }),
    ])
    .default({ type: 'none' }),
  /** A Binance `GET /fapi/v1/exchangeInfo` JSON file for precision rules. @default the bundled sample */
  exchangeInfo: z.string().min(1).optional(),
  /**
   * `exchange`: round and check orders by the instruments' rules (tick, step, min notional);
   * `none`: no rounding and no minimums for any symbol (fractional research backtests).
   * @default 'exchange'
   */
  precision: z.enum(['exchange', 'none']).default('exchange'),
  /** Per-symbol overrides of (or additions to) the instruments. @default none */
  instruments: z.record(z.string().regex(/^[A-Z0-9]{2,30}$/), InstrumentOverrideSchema).optional(),
})
/** The paper exchange's settings. */
export type ExchangeConfig = z.output<typeof ExchangeConfigSchema>

/** Where and what a run writes. */
export const OutputConfigSchema = z.strictObject({
  /** Folder that receives one sub-folder per run (relative to the current directory). @default 'runs' */
  dir: z.string().min(1).default('runs'),
  /** Write the self-contained `report.html`. @default true */
  report: z.boolean().default(true),
})

/** One model family in the `clm` block. */
export const ClmFamilySchema = z.strictObject({
  /** Retraining cadence in hours. @default the seed's: xgboost/lightgbm 6, nhits/patchtst 12, rlV2 24, rlV3 4 */
  hours: z
    .number()
    .positive()
    .max(24 * 366)
    .optional(),
  /**
   * Plugins (by name) that serve this family; a promotion hot-swaps their model (the RL sizer: its
   * Q-table). @default [`agents:rl-position-sizing`] for `rlV2` / `rlV3`, else [`agents:<family>`]
   */
  agents: z.array(z.string().regex(/^[a-z0-9-]+:[a-z0-9-]+$/, 'expected <package>:<kebab-name>')).optional(),
  /** Set false to stop scheduling the family (its production model still serves). @default true */
  enabled: z.boolean().default(true),
})

/** Continuous learning: where the model registry lives, the families and their cadence, hot swaps. */
export const ClmConfigSchema = z.strictObject({
  /** The state store holding the registry: an SQLite file or a `postgres://` URL. @default '.quantum/state.db' */
  state: z.string().min(1).default('.quantum/state.db'),
  /** Families by name (`xgboost`, `lightgbm`, `nhits`, `patchtst`, `rlV2`, `rlV3` or your own). @default none */
  families: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'letters, digits and dashes'), ClmFamilySchema).default({}),
  /** How often a running runtime looks for a promotion or rollback, ms. @default 30000 */
  watchMs: z.number().int().min(100).max(3_600_000).default(30_000),
  /** Folder where promoted models are written for the agents. @default '.quantum/models' */
  modelsDir: z.string().min(1).default('.quantum/models'),
})
/** The `clm` block after validation. */
export type ClmConfig = z.output<typeof ClmConfigSchema>

/** The whole `quantum.config.ts`, validated by `quantum-run` (unknown keys are errors). */
export const QuantumConfigSchema = z.strictObject({
  /** A name for reports and the run folder. @default the config folder's name */
  name: z.string().min(1).optional(),
  /** How to run. Only `backtest` exists in this release. @default 'backtest' */
  mode: z.enum(['backtest', 'paper', 'testnet', 'live']).default('backtest'),
  data: DataConfigSchema,
  exchange: ExchangeConfigSchema.default(() => ExchangeConfigSchema.parse({})),
  /** Agents, decision, sizer, risk guards, exits and observers, in order. */
  plugins: z.array(PluginSchema).min(1),
  output: OutputConfigSchema.default(() => OutputConfigSchema.parse({})),
  /** A parameter search over the plugins (`quantum-run optimize`, `walk-forward`); see `defineSearch`. @default none */
  optimize: SearchSpecSchema.optional(),
  /** Continuous learning: the model registry, families and cadence, hot swaps on promotion. @default none */
  clm: ClmConfigSchema.optional(),
  /**
   * Where paper, testnet and live runs keep their durable state (journal, positions, exit state): an
   * SQLite file (relative to the current directory) or a `postgres://` URL. `--state` overrides it.
   * Backtests use it only when given. @default '.quantum/state.db' for paper, testnet and live
   */
  state: z.string().min(1).optional(),
  /**
   * The OS scheduling class of the thread that makes decisions (Linux; needs root or `CAP_SYS_NICE`).
   * `realtime`: round-robin real-time priority 1, so a bar is served before every normal thread (a
   * training job, a backtest, a neighbour) on a machine with few cores; `auto`: that in testnet and live
   * runs when the OS allows it, normal scheduling otherwise; `normal`: never raised. Backtests always
   * run under normal scheduling. @default 'auto'
   */
  scheduling: z.enum(['auto', 'realtime', 'normal']).default('auto'),
})

/** A config as written by users (defaults optional). */
export type QuantumConfigInput = z.input<typeof QuantumConfigSchema>
/** A config after validation, with every default filled in. */
export type QuantumConfig = z.output<typeof QuantumConfigSchema>

/** What `defineConfig` accepts: an object, a promise of one, or a function of the environment. */
export type QuantumConfigExport =
  | QuantumConfigInput
  | Promise<QuantumConfigInput>
  | ((env: RuntimeEnv) => QuantumConfigInput | Promise<QuantumConfigInput>)

/**
 * Types a `quantum.config.ts`; returns its input unchanged (validation happens in `quantum-run`).
 * @example
 * export default defineConfig({
 *   data: { candles: './data/BTCUSDT-1h.csv' },
 *   plugins: [emaCross(), atrStopTarget(), maxLeverage({ max: 5 })],
 * })
 */
export function defineConfig(config: QuantumConfigInput): QuantumConfigInput
export function defineConfig(config: Promise<QuantumConfigInput>): Promise<QuantumConfigInput>
export function defineConfig(
  config: (env: RuntimeEnv) => QuantumConfigInput | Promise<QuantumConfigInput>,
): (env: RuntimeEnv) => QuantumConfigInput | Promise<QuantumConfigInput>
export function defineConfig(config: QuantumConfigExport): QuantumConfigExport {
  return config
}

/** Resolves a config export (object, promise or function) for a run mode. */
export async function resolveConfigExport(exported: unknown, mode: RunMode): Promise<unknown> {
  const value = typeof exported === 'function' ? (exported as (env: RuntimeEnv) => unknown)({ mode }) : exported
  return await value
}
