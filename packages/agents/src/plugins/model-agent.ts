/**
 * ONNX model agents: the generic {@link modelAgent} and the seed's four presets (XGBoost, LightGBM,
 * N-HiTS, PatchTST). Each emits one signal per bar once warmed up: action = the most probable class,
 * confidence = its probability, `probabilities` filled, `meta` with the model name and version.
 *
 * **Every mode, one path**: the kernel hands the agent blocks of the bars it has received
 * (`onBlock`: 1,024 bars in backtests, the bars of one tick on a venue feed or a replay) before they
 * reach `onBar`. The agent streams each bar into its symbol's features, copies the bar's input window
 * before the next bar is pushed (so bar `i` reads bars `<= i` only), runs the block's predictions in
 * batches (`batchRows` per `session.run`) and answers `onBar` from the results. Backtests pad every
 * batch to full size, because ONNX Runtime's results can differ in the last float bit with the batch
 * size: a bar's answer then does not depend on where the data ends (`quantum-run check-bias`). Outside the kernel,
 * `onBarAsync(bar)` runs the same path for the bars of one tick. A bar that reaches `onBar` without
 * either gets no opinion (`undefined`, never a stale answer), is counted and logged once.
 *
 * **Bad input**: bars whose feature window holds NaN (warm-up) get no inference and no signal; a model
 * output that is NaN, infinite or does not sum to 1 gives a HOLD signal with confidence 0 and
 * `meta.reason` (counted in `diagnostics()`, logged), never a trade. Load problems throw `ModelError`
 * from `setup`.
 * @packageDocumentation
 */
import { definePlugin } from '@quantum/core'
import type { PluginFactory } from '@quantum/core'
import { z } from 'zod'
import { STANDARD_FEATURES } from '../features/standard-features.js'
import { MODEL_FAMILIES, type ModelFamily } from '../models/model-metadata.js'
import { ModelRegistry } from '../models/model-registry.js'
import { SEQUENCE_WINDOW, TABULAR_FAMILIES, defaultWindowOf } from '../models/model-session.js'
import { createModelAgentHooks, type ModelAgentPlugin } from './model-agent-core.js'

const common = {
  /** Path of the `.onnx` model; its metadata is the sidecar `<model>.meta.json`. */
  model: z.string().min(1),
  /** Feature names in input order (from STANDARD_FEATURES); must equal the model's metadata. @default STANDARD_FEATURES */
  features: z
    .array(z.enum(STANDARD_FEATURES))
    .min(1)
    .default(() => [...STANDARD_FEATURES]),
  /** Below this top-class probability the signal is HOLD (confidence = P(HOLD)). @default 0 */
  minConfidence: z.number().min(0).max(1).default(0),
  /** Predictions per `session.run` within a block. @default 4096 (window 1) or 256 (sequence models) */
  batchRows: z.number().int().positive().max(65_536).optional(),
  /** Registry sharing sessions between agents. @default one registry per engine run (`modelRegistryFor(ctx)`) */
  registry: z.custom<ModelRegistry>((v) => v instanceof ModelRegistry, 'expected a ModelRegistry').optional(),
}

const tabularOptions = z.strictObject(common)
const sequenceOptions = z.strictObject({
  ...common,
  /** Rows (bars) per prediction; must equal the model's metadata. @default 120 */
  window: z.number().int().min(2).max(10_000).default(SEQUENCE_WINDOW),
})

const genericOptions = z
  .strictObject({
    ...common,
    /** Plugin name `<package>:<kebab-name>`, used in signals and logs. @default 'agents:model' */
    name: z
      .string()
      .regex(/^[a-z0-9-]+:[a-z0-9-]+$/, 'expected <package>:<kebab-name>')
      .default('agents:model'),
    /** Model family (must equal the metadata's `family`). */
    family: z.enum(MODEL_FAMILIES),
    /** Rows per prediction. @default 1 for xgboost, lightgbm and mlp; 120 for nhits and patchtst */
    window: z.number().int().min(1).max(10_000).optional(),
  })
  .refine((o) => !TABULAR_FAMILIES.includes(o.family) || o.window === undefined || o.window === 1, {
    message: 'tabular families (xgboost, lightgbm) read one row: window must be 1',
    path: ['window'],
  })

/** Options of the tabular presets ({@link xgboostAgent}, {@link lightgbmAgent}). */
export type TabularModelAgentOptions = z.input<typeof tabularOptions>
/** Options of the sequence presets ({@link nhitsAgent}, {@link patchtstAgent}). */
export type SequenceModelAgentOptions = z.input<typeof sequenceOptions>
/** Options of {@link modelAgent}. */
export type ModelAgentOptions = z.input<typeof genericOptions>

type Common = z.output<z.ZodObject<typeof common>>

function hooksFor(name: string, family: ModelFamily, o: Common & { window?: number | undefined }) {
  return createModelAgentHooks({
    name,
    family,
    model: o.model,
    features: o.features,
    window: o.window ?? defaultWindowOf(family),
    minConfidence: o.minConfidence,
    batchRows: o.batchRows,
    registry: o.registry,
  })
}

function tabular(
  name: `agents:${string}`,
  family: ModelFamily,
): PluginFactory<TabularModelAgentOptions, ModelAgentPlugin> {
  const factory = definePlugin({
    name,
    kind: 'agent',
    options: tabularOptions,
    create: (o) => hooksFor(name, family, o),
  })
  return factory as unknown as PluginFactory<TabularModelAgentOptions, ModelAgentPlugin>
}

function sequence(
  name: `agents:${string}`,
  family: ModelFamily,
): PluginFactory<SequenceModelAgentOptions, ModelAgentPlugin> {
  const factory = definePlugin({
    name,
    kind: 'agent',
    options: sequenceOptions,
    create: (o) => hooksFor(name, family, o),
  })
  return factory as unknown as PluginFactory<SequenceModelAgentOptions, ModelAgentPlugin>
}

/**
 * XGBoost agent (`agents:xgboost`, tabular: one feature row per prediction).
 * @example xgboostAgent({ model: 'models/xgb.onnx' })
 */
export const xgboostAgent = tabular('agents:xgboost', 'xgboost')

/**
 * LightGBM agent (`agents:lightgbm`, tabular: one feature row per prediction).
 * @example lightgbmAgent({ model: 'models/lgbm.onnx', minConfidence: 0.4 })
 */
export const lightgbmAgent = tabular('agents:lightgbm', 'lightgbm')

/**
 * N-HiTS agent (`agents:nhits`, sequence model over the last 120 feature rows).
 * @example nhitsAgent({ model: 'models/nhits.onnx' })
 */
export const nhitsAgent = sequence('agents:nhits', 'nhits')

/**
 * PatchTST agent (`agents:patchtst`, sequence model over the last 120 feature rows).
 * @example patchtstAgent({ model: 'models/patchtst.onnx' })
 */
export const patchtstAgent = sequence('agents:patchtst', 'patchtst')

/**
 * A model agent for any supported family, under a name of your choice.
 * @throws {ConfigError} for invalid options.
 * @example modelAgent({ name: 'my:mlp', model: 'models/mlp.onnx', family: 'mlp' })
 */
export function modelAgent(options: ModelAgentOptions): ModelAgentPlugin {
  const name = (typeof options.name === 'string' ? options.name : 'agents:model') as `${string}:${string}`
  const factory = definePlugin({
    name,
    kind: 'agent',
    options: genericOptions,
    create: (o) => hooksFor(o.name, o.family, o),
  })
  return factory(options) as unknown as ModelAgentPlugin
}
