/**
 * The model registry's data and port: versions with their lifecycle stage, lineage and
 * content-addressed files. The state store implements the port (tables added by the `models`
 * migration); `@quantum/clm` keeps a file-backed one and the lifecycle rules on top.
 * @packageDocumentation
 */
import { z } from 'zod'

/** Lifecycle stages: TRAINING -> CANDIDATE (automatic) -> PRODUCTION (manual) -> ARCHIVED. */
export const MODEL_STAGES = ['TRAINING', 'CANDIDATE', 'PRODUCTION', 'ARCHIVED', 'REJECTED', 'FAILED'] as const

/** One lifecycle stage. */
export type ModelStage = (typeof MODEL_STAGES)[number]

/** Zod schema of what a version came from (lineage). */
export const LineageSchema = z.object({
  /** First and last bar of the training data (ISO). */
  dataFrom: z.string(),
  dataTo: z.string(),
  /** Data sources (files or venue/symbol/timeframe). */
  data: z.array(z.string()),
  /** Feature names in input order. */
  features: z.array(z.string()),
  /** Label description. */
  label: z.string(),
  /** Trainer and its parameters. */
  trainer: z.string(),
  params: z.record(z.string(), z.unknown()),
  /** Version of the code that trained it (package version and, when known, git commit). */
  codeVersion: z.string(),
  /** The production version of the family when this one was trained, if any. */
  parent: z.string().optional(),
})

/** What a version came from. */
export type Lineage = z.output<typeof LineageSchema>

/** Zod schema of one registry entry. */
export const ModelVersionSchema = z.object({
  id: z.string().min(1),
  family: z.string().min(1),
  stage: z.enum(MODEL_STAGES),
  createdAt: z.string(),
  updatedAt: z.string(),
  lineage: LineageSchema,
  /** SHA-256 of the model and metadata files (content-addressed objects). */
  files: z
    .object({ model: z.string().regex(/^[0-9a-f]{64}$/), metadata: z.string().regex(/^[0-9a-f]{64}$/) })
    .optional(),
  /** Headline metrics (evaluation). */
  metrics: z.record(z.string(), z.number()).optional(),
  /** Why the version is REJECTED or FAILED. */
  reasons: z.array(z.string()).optional(),
  /** Every stage change, oldest first. */
  history: z.array(z.object({ stage: z.enum(MODEL_STAGES), at: z.string(), note: z.string().optional() })),
})

/** One model version in the registry. */
export type ModelVersion = z.output<typeof ModelVersionSchema>

/** A patch of a version's mutable fields. */
export type VersionPatch = Partial<Pick<ModelVersion, 'files' | 'metrics' | 'reasons'>>

/** One stage change of {@link ModelRegistryPort.transition}. */
export interface StageChange {
  readonly id: string
  readonly stage: ModelStage
  readonly note?: string
}

/**
 * Storage of model versions and their files. Implementations keep every write atomic: a crash leaves
 * either the old or the new state, never a mix.
 */
export interface ModelRegistryPort {
  /** Every version (of `family` when given), oldest first. */
  list(family?: string): Promise<ModelVersion[]>
  /** One version. @throws {ModelError} when `id` is unknown. */
  get(id: string): Promise<ModelVersion>
  /** Adds a version in stage TRAINING. @throws {ModelError} when `id` exists. */
  create(input: { readonly family: string; readonly lineage: Lineage; readonly id?: string }): Promise<ModelVersion>
  /** Changes fields of a version. @throws {ModelError} when `id` is unknown. */
  update(id: string, patch: VersionPatch): Promise<ModelVersion>
  /**
   * Applies stage changes atomically (all or none), each appended to the version's history.
   * @throws {ModelError} on an unknown id.
   */
  transition(changes: readonly StageChange[]): Promise<void>
  /** Stores bytes by content; returns their SHA-256 (hex). */
  putObject(bytes: Uint8Array): Promise<string>
  /** The bytes of an object. @throws {ModelError} when it is gone or its content does not match its hash. */
  getObject(hash: string): Promise<Uint8Array>
}

/** A model version id: family, a compact UTC time and a random suffix, e.g. `xgboost-20260101T000000Z-1a2b3c4d`. */
export function modelVersionId(family: string, at: string, suffix: string): string {
  return `${family}-${at.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${suffix}`
}
