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
  /** Family slot the model serves (a tabular family). @default 'xgboost' */
  readonly family?: Extract<ModelFamily, 'xgboost' | 'lightgbm'>
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
 * Metadata of a GBDT model trained on raw (un-normalised) features: mean 0, std 1, so the agents'
 * normalisation leaves the float32 features unchanged.
 * @throws {ModelError} when the result does not validate (e.g. duplicate feature names).
 * @example await writeFile('m.meta.json', JSON.stringify(gbdtMetadata({ name: 'xgb', … })))
 */
export function gbdtMetadata(input: GbdtMetadataInput): ModelMetadata {
  const features = [...input.features]
  const metrics = Object.fromEntries(Object.entries(input.metrics ?? {}).filter(([, v]) => Number.isFinite(v)))
  const meta = {
    format: MODEL_METADATA_FORMAT,
    name: input.name,
    family: input.family ?? 'xgboost',
    version: input.version,
    createdAt: (input.createdAt ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    features,
    window: 1,
    input: { name: 'input', shape: ['batch', features.length] },
    outputs: { probabilities: 'probabilities', label: 'label' },
    classes: ['SELL', 'HOLD', 'BUY'],
    normalization: { mean: features.map(() => 0), std: features.map(() => 1) },
    training: { data: [...input.data], from: input.from, to: input.to, label: input.label, metrics },
  }
  return parseModelMetadata(meta, `${input.name}.meta.json`)
}
