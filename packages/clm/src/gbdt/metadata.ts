/**
 * The `.meta.json` sidecar of an exported GBDT model, in the agents' `quantum-model@1` format, so the
 * model agents load the file like any other tabular model.
 * @packageDocumentation
 */
import { MODEL_METADATA_FORMAT, parseModelMetadata, type ModelFamily, type ModelMetadata } from '@quantum/agents'

/** What {@link gbdtMetadata} needs besides the model. */
export interface GbdtMetadataInput {
  /** Model name, e.g. `xgb`. */
  readonly name: string
  /** Version string. */
  readonly version: string
  /** Family slot the model serves. @default 'xgboost' */
  readonly family?: ModelFamily
  /** Bars per prediction (> 1: a window model reading `[batch, window, features]`). @default 1 */
  readonly window?: number
  /** Input normalisation the model was trained with. @default mean 0, std 1 (raw features) */
  readonly normalization?: { readonly mean: readonly number[]; readonly std: readonly number[] }
  /** Feature names in input order. */
  readonly features: readonly string[]
  /** Data sources the model was trained on. */
  readonly data: readonly string[]
  /** First and last training bar (ISO). */
  readonly from: string
  readonly to: string
  /** Label description. */
  readonly label: string
  /** Metrics to store (finite numbers only). */
  readonly metrics?: Readonly<Record<string, number>>
  /** Creation time. @default now */
  readonly createdAt?: Date
}

/**
 * Metadata of a trained model: by default a GBDT model trained on raw (un-normalised) features (mean 0,
 * std 1, so the agents' normalisation leaves the float32 features unchanged); a window model (N-HiTS,
 * PatchTST) gives its window and normalisation.
 * @throws {ModelError} when the result does not validate (e.g. duplicate feature names).
 * @example await writeFile('m.meta.json', JSON.stringify(gbdtMetadata({ name: 'xgb', … })))
 */
export function gbdtMetadata(input: GbdtMetadataInput): ModelMetadata {
  const features = [...input.features]
  const window = input.window ?? 1
  const metrics = Object.fromEntries(Object.entries(input.metrics ?? {}).filter(([, v]) => Number.isFinite(v)))
  const meta = {
    format: MODEL_METADATA_FORMAT,
    name: input.name,
    family: input.family ?? 'xgboost',
    version: input.version,
    createdAt: (input.createdAt ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    features,
    window,
    input: { name: 'input', shape: window === 1 ? ['batch', features.length] : ['batch', window, features.length] },
    outputs: window === 1 ? { probabilities: 'probabilities', label: 'label' } : { probabilities: 'probabilities' },
    classes: ['SELL', 'HOLD', 'BUY'],
    normalization: {
      mean: input.normalization?.mean.slice() ?? features.map(() => 0),
      std: input.normalization?.std.slice() ?? features.map(() => 1),
    },
    training: { data: [...input.data], from: input.from, to: input.to, label: input.label, metrics },
  }
  return parseModelMetadata(meta, `${input.name}.meta.json`)
}
