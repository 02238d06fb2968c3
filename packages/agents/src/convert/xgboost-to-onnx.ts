import { parseOrThrow, type ValidationIssue } from '@quantum/core'
import { z } from 'zod'
import { modelIssues, parseModel } from './issues.js'
import { TreeEnsembleBuilder } from './tree-ensemble.js'

/** Options of {@link xgboostJsonToOnnx}. */
export interface XgboostToOnnxOptions {
  /** Number of input columns `F` (the ONNX input is `input [N, F]`); must equal the model's `num_feature`. */
  readonly featureCount: number
  /** Name of the model in error messages (e.g. its file). @default 'XGBoost JSON model' */
  readonly source?: string
}

const OptionsSchema = z.object({
  featureCount: z.number().int().positive(),
  source: z.string().min(1).optional(),
})

const numericString = z.string().refine((s) => s.trim() !== '' && Number.isFinite(Number(s)), 'must be a number')

const TreeSchema = z.object({
  left_children: z.array(z.number().int()).min(1),
  right_children: z.array(z.number().int()),
  split_indices: z.array(z.number().int().nonnegative()),
  split_conditions: z.array(z.number()),
  default_left: z.array(z.union([z.boolean(), z.literal(0), z.literal(1)])),
  split_type: z.array(z.literal(0, { message: 'categorical splits are not supported' })).optional(),
})

const XgboostJsonSchema = z.object({
  learner: z.object({
    learner_model_param: z.object({
      base_score: z.string().min(1),
      num_class: numericString,
      num_feature: numericString,
    }),
    objective: z.object({
      name: z.enum(['multi:softprob', 'multi:softmax'], { message: 'must be multi:softprob or multi:softmax' }),
    }),
    gradient_booster: z.object({
      name: z.literal('gbtree', { message: 'must be gbtree (dart and gblinear are not supported)' }),
      model: z.object({ trees: z.array(TreeSchema).min(1), tree_info: z.array(z.number().int().nonnegative()) }),
    }),
  }),
})

type XgbTree = z.output<typeof TreeSchema>
type XgbModel = z.output<typeof XgboostJsonSchema>

const TREES = 'learner.gradient_booster.model.trees'

/** `base_score` is `"5E-1"` in 1.7 and `"[5E-1,5E-1,5E-1]"` in 2.x; returns one value per class. */
function parseBaseScore(raw: string, classes: number): number[] | undefined {
  const parts = raw.replace(/^\[|\]$/g, '').split(',')
  const values = parts.map((p) => Number(p.trim()))
  if (values.some((v) => !Number.isFinite(v)) || (values.length !== 1 && values.length !== classes)) return undefined
  return values.length === 1 ? Array.from({ length: classes }, () => values[0]!) : values
}

function checkTree(tree: XgbTree, at: string, featureCount: number): ValidationIssue[] {
  const n = tree.left_children.length
  const issues: ValidationIssue[] = []
  for (const key of ['right_children', 'split_indices', 'split_conditions', 'default_left'] as const) {
    if (tree[key].length !== n)
      issues.push({ path: `${at}.${key}`, message: `has ${tree[key].length} entries, expected ${n}` })
  }
  if (issues.length > 0) return issues
  for (let i = 0; i < n; i++) {
    const left = tree.left_children[i]!
    const right = tree.right_children[i]!
    if (left === -1) continue
    if (left <= i || left >= n || right <= i || right >= n) {
      issues.push({
        path: `${at}.left_children.${i}`,
        message: `children ${left}/${right} out of range [${i + 1}, ${n})`,
      })
    }
    const f = tree.split_indices[i]!
    if (f >= featureCount)
      issues.push({ path: `${at}.split_indices.${i}`, message: `feature ${f} >= featureCount ${featureCount}` })
  }
  return issues
}

function checkModel(m: XgbModel, featureCount: number): { classes: number; base: number[]; issues: ValidationIssue[] } {
  const param = m.learner.learner_model_param
  const issues: ValidationIssue[] = []
  const classes = Number(param.num_class)
  if (!Number.isInteger(classes) || classes < 2) {
    issues.push({ path: 'learner.learner_model_param.num_class', message: `is ${param.num_class}, expected >= 2` })
  }
  if (Number(param.num_feature) !== featureCount) {
    const message = `is ${param.num_feature}, but featureCount is ${featureCount}`
    issues.push({ path: 'learner.learner_model_param.num_feature', message })
  }
  const base = parseBaseScore(param.base_score, classes) ?? []
  if (base.length === 0)
    issues.push({ path: 'learner.learner_model_param.base_score', message: `cannot parse "${param.base_score}"` })
  const { trees, tree_info: info } = m.learner.gradient_booster.model
  if (info.length !== trees.length) {
    issues.push({
      path: 'learner.gradient_booster.model.tree_info',
      message: `has ${info.length} entries for ${trees.length} trees`,
    })
  }
  info.forEach((c, t) => {
    if (c >= classes)
      issues.push({ path: `learner.gradient_booster.model.tree_info.${t}`, message: `class ${c} >= num_class` })
  })
  trees.forEach((tree, t) => issues.push(...checkTree(tree, `${TREES}.${t}`, featureCount)))
  return { classes, base, issues }
}

function addTree(builder: TreeEnsembleBuilder, tree: XgbTree, ids: { tree: number; classId: number }): void {
  for (let n = 0; n < tree.left_children.length; n++) {
    const left = tree.left_children[n]!
    if (left === -1) {
      // A leaf's value is stored in split_conditions (base_weights holds the unscaled weight).
      builder.addLeaf(ids.tree, n, { classId: ids.classId, weight: tree.split_conditions[n]! })
      continue
    }
    builder.addBranch(ids.tree, n, {
      mode: 'BRANCH_LT', // XGBoost goes left when x < threshold (float32 compare)
      feature: tree.split_indices[n]!,
      threshold: tree.split_conditions[n]!,
      trueId: left,
      falseId: tree.right_children[n]!,
      missingTrue: tree.default_left[n] === true || tree.default_left[n] === 1,
    })
  }
}

/**
 * Converts an XGBoost (>= 1.6) JSON model, `multi:softprob` with `num_class` classes (3 for the SDK),
 * into an ONNX `ai.onnx.ml` `TreeEnsembleClassifier`: input `input [N, F]` float32, outputs
 * `label [N]` int64 and `probabilities [N, K]` (softmax). `base_score` becomes `base_values`; a NaN
 * input follows each split's `default_left`. Categorical splits, dart and gblinear are refused.
 * @throws {ConfigError} when `options` are invalid.
 * @throws {ModelError} naming every bad field of the JSON model.
 * @example
 * const json: unknown = JSON.parse(await readFile('xgb.json', 'utf8'))
 * await writeFile('xgb.onnx', xgboostJsonToOnnx(json, { featureCount: STANDARD_FEATURES.length }))
 */
export function xgboostJsonToOnnx(json: unknown, options: XgboostToOnnxOptions): Uint8Array {
  const opts = parseOrThrow(OptionsSchema, options, { what: 'options of xgboostJsonToOnnx', path: 'options' })
  const source = opts.source ?? 'XGBoost JSON model'
  const m = parseModel(XgboostJsonSchema, json, { source, what: 'invalid XGBoost JSON model' })
  const { classes, base, issues } = checkModel(m, opts.featureCount)
  if (issues.length > 0) throw modelIssues(source, 'invalid XGBoost JSON model', issues)
  const builder = new TreeEnsembleBuilder()
  const { trees, tree_info: info } = m.learner.gradient_booster.model
  trees.forEach((tree, t) => addTree(builder, tree, { tree: t, classId: info[t]! }))
  return builder.build({
    featureCount: opts.featureCount,
    classCount: classes,
    baseValues: base,
    name: 'xgboost',
    docString: `XGBoost ${m.learner.objective.name}, ${trees.length} trees, converted by @quantum/agents`,
  })
}
