import { readFile } from 'node:fs/promises'
import { ModelError, zodIssues, type ValidationIssue } from '@quantum/core'
import { z } from 'zod'

/** The metadata format tag every `<model>.meta.json` carries. */
export const MODEL_METADATA_FORMAT = 'quantum-model@1'

/** Model families the SDK knows how to run. */
export const MODEL_FAMILIES = ['xgboost', 'lightgbm', 'nhits', 'patchtst', 'mlp'] as const

/** The three labels a model's probability output covers (in any order, given by `classes`). */
export const MODEL_CLASSES = ['SELL', 'HOLD', 'BUY'] as const

/** One model family. */
export type ModelFamily = (typeof MODEL_FAMILIES)[number]

/** One class label. */
export type ModelClass = (typeof MODEL_CLASSES)[number]

const isoDateTime = z.iso.datetime({ offset: true })
const isoDateOrDateTime = z.union([z.iso.date(), isoDateTime])
const finite = z.number().refine(Number.isFinite, 'must be a finite number')

const InputSchema = z.object({
  name: z.string().min(1),
  shape: z
    .array(z.union([z.literal('batch'), z.number().int().positive()]))
    .min(2)
    .max(3),
})

const TrainingSchema = z.object({
  data: z.array(z.string().min(1)).min(1),
  from: isoDateOrDateTime,
  to: isoDateOrDateTime,
  label: z.string().min(1),
  metrics: z.record(z.string(), finite).optional(),
})

const BaseSchema = z.object({
  format: z.literal(MODEL_METADATA_FORMAT),
  name: z.string().min(1),
  family: z.enum(MODEL_FAMILIES),
  version: z.string().min(1),
  createdAt: isoDateTime,
  features: z.array(z.string().min(1)).min(1),
  window: z.number().int().positive(),
  input: InputSchema,
  outputs: z.object({ probabilities: z.string().min(1), label: z.string().min(1).optional() }),
  classes: z.tuple([z.enum(MODEL_CLASSES), z.enum(MODEL_CLASSES), z.enum(MODEL_CLASSES)]),
  normalization: z.object({
    mean: z.array(finite),
    std: z.array(finite.refine((v) => v > 0, 'must be > 0')),
  }),
  training: TrainingSchema,
})

type Base = z.infer<typeof BaseSchema>
type Ctx = z.core.$RefinementCtx<Base>

function checkClasses(m: Base, ctx: Ctx): void {
  if (new Set(m.classes).size !== 3) {
    ctx.addIssue({ code: 'custom', path: ['classes'], message: 'must hold SELL, HOLD and BUY exactly once each' })
  }
}

function checkFeatures(m: Base, ctx: Ctx): void {
  const seen = new Set<string>()
  m.features.forEach((f, i) => {
    if (seen.has(f)) ctx.addIssue({ code: 'custom', path: ['features', i], message: `duplicate feature "${f}"` })
    seen.add(f)
  })
  for (const key of ['mean', 'std'] as const) {
    if (m.normalization[key].length !== m.features.length) {
      const message = `has ${m.normalization[key].length} values, expected ${m.features.length} (one per feature)`
      ctx.addIssue({ code: 'custom', path: ['normalization', key], message })
    }
  }
}

function checkShape(m: Base, ctx: Ctx): void {
  const { shape } = m.input
  const expected: (number | 'batch')[] =
    m.window === 1 ? ['batch', m.features.length] : ['batch', m.window, m.features.length]
  if (shape.length !== expected.length) {
    const message = `must have ${expected.length} dimensions for window ${m.window}: [${expected.join(', ')}]`
    ctx.addIssue({ code: 'custom', path: ['input', 'shape'], message })
    return
  }
  shape.forEach((dim, i) => {
    const want = expected[i]!
    if (i === 0 || dim === want) return
    ctx.addIssue({
      code: 'custom',
      path: ['input', 'shape', i],
      message: `is ${String(dim)}, expected ${String(want)}`,
    })
  })
}

function checkFamily(m: Base, ctx: Ctx): void {
  if ((m.family === 'xgboost' || m.family === 'lightgbm') && m.window !== 1) {
    ctx.addIssue({ code: 'custom', path: ['window'], message: `must be 1 for a ${m.family} (tabular) model` })
  }
  if (Date.parse(m.training.from) > Date.parse(m.training.to)) {
    ctx.addIssue({ code: 'custom', path: ['training', 'to'], message: 'is before training.from' })
  }
}

/**
 * Zod schema of a model's sidecar metadata file `<model>.meta.json` (format `quantum-model@1`).
 * Cross-field rules: `classes` is a permutation of SELL/HOLD/BUY, `normalization.mean/std` have one
 * value per feature (std > 0), `input.shape` is `['batch', F]` for window 1 and `['batch', window, F]`
 * otherwise, tree families have window 1, and `training.from <= training.to`.
 * @example
 * const meta = ModelMetadataSchema.parse(JSON.parse(text))
 */
export const ModelMetadataSchema = BaseSchema.superRefine((m, ctx) => {
  checkClasses(m, ctx)
  checkFeatures(m, ctx)
  checkShape(m, ctx)
  checkFamily(m, ctx)
})

/** Validated contents of a `<model>.meta.json` file. */
export type ModelMetadata = z.output<typeof ModelMetadataSchema>

/** The input dimension list of {@link ModelMetadata}: `'batch'` or a fixed size per axis. */
export type ModelInputShape = ModelMetadata['input']['shape']

function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => `  - ${i.path === '' ? '(root)' : i.path}: ${i.message}`).join('\n')
}

/**
 * Validates already-parsed metadata; `source` names the file in the error.
 * @throws {ModelError} naming `source` and every bad field.
 * @example const meta = parseModelMetadata(JSON.parse(text), 'models/xgb.meta.json')
 */
export function parseModelMetadata(value: unknown, source: string): ModelMetadata {
  const result = ModelMetadataSchema.safeParse(value)
  if (result.success) return result.data
  const issues = zodIssues(result.error)
  throw new ModelError(source, `invalid metadata (${issues.length} issue(s)):\n${formatIssues(issues)}`)
}

/**
 * The sidecar metadata path of a model file: `model.onnx` -> `model.meta.json`.
 * @example metadataPathFor('models/xgb.onnx') // 'models/xgb.meta.json'
 */
export function metadataPathFor(modelPath: string): string {
  return `${modelPath.replace(/\.onnx$/i, '')}.meta.json`
}

/**
 * Reads and validates a `<model>.meta.json` file.
 * @throws {ModelError} when the file is missing, is not JSON, or fails validation (every bad field is named).
 * @example
 * const meta = await readModelMetadata('examples/ensemble/models/xgb.meta.json')
 * meta.features // ['ret_1', 'ret_4', …]
 */
export async function readModelMetadata(path: string): Promise<ModelMetadata> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new ModelError(path, 'cannot read metadata file', { cause: error })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    throw new ModelError(path, `metadata is not valid JSON: ${detail}`, { cause: error })
  }
  return parseModelMetadata(json, path)
}

/**
 * Checks that a model expects exactly `features` (same names, same order).
 * @throws {ModelError} listing the first mismatching positions.
 * @example assertModelFeatures(meta, STANDARD_FEATURES, 'xgb.onnx')
 */
export function assertModelFeatures(meta: ModelMetadata, features: readonly string[], source: string): void {
  const n = Math.max(meta.features.length, features.length)
  const diffs: string[] = []
  for (let i = 0; i < n && diffs.length < 5; i++) {
    const got = meta.features[i]
    const want = features[i]
    if (got !== want) diffs.push(`  - features.${i}: model has ${got ?? '(none)'}, configured ${want ?? '(none)'}`)
  }
  if (diffs.length === 0) return
  const head = `features do not match (model ${meta.features.length}, configured ${features.length}):`
  throw new ModelError(source, `${head}\n${diffs.join('\n')}`)
}
