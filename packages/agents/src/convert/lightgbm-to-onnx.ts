import { parseOrThrow, type ValidationIssue } from '@quantum/core'
import { z } from 'zod'
import { modelIssues, parseModel } from './issues.js'
import { TreeEnsembleBuilder, float32AtOrBelow } from './tree-ensemble.js'

/** Options of {@link lightgbmTextToOnnx}. */
export interface LightgbmToOnnxOptions {
  /** Name of the model in error messages (e.g. its file). @default 'LightGBM text model' */
  readonly source?: string
}

const OptionsSchema = z.object({ source: z.string().min(1).optional() })

const WHAT = 'invalid LightGBM text model'

function toNumber(token: string): number {
  if (token === 'inf' || token === '+inf') return Infinity
  if (token === '-inf') return -Infinity
  return token === '' ? NaN : Number(token)
}

const list = z
  .string()
  .transform((s) => (s.trim() === '' ? [] : s.trim().split(/\s+/).map(toNumber)))
  .refine((v) => v.every((x) => !Number.isNaN(x)), 'must be space-separated numbers')
const intList = list.refine((v) => v.every(Number.isInteger), 'must be space-separated integers')
const int = z
  .string()
  .regex(/^-?\d+$/, 'must be an integer')
  .transform(Number)

const HeaderSchema = z.object({
  version: z.string().regex(/^v\d+$/, 'must look like v4'),
  num_class: int.refine((v) => v >= 2, 'must be >= 2 (multiclass)'),
  num_tree_per_iteration: int,
  max_feature_idx: int.refine((v) => v >= 0, 'must be >= 0'),
  objective: z.string().regex(/^multiclass(\s|$)/, 'must be multiclass (softmax); multiclassova is not supported'),
  average_output: z.string().optional(),
})

const TreeSchema = z.object({
  num_leaves: int.refine((v) => v >= 1, 'must be >= 1'),
  num_cat: z.literal('0', { message: 'categorical splits are not supported' }).optional(),
  is_linear: z.literal('0', { message: 'linear trees are not supported' }).optional(),
  split_feature: intList.optional(),
  threshold: list.optional(),
  decision_type: intList.optional(),
  left_child: intList.optional(),
  right_child: intList.optional(),
  leaf_value: list.refine((v) => v.every(Number.isFinite), 'must be finite numbers'),
})

type LgbTree = z.output<typeof TreeSchema>

interface Sections {
  readonly header: Record<string, string>
  readonly trees: Record<string, string>[]
}

/** Splits the dump into the header's `key=value` lines and one record per `Tree=` block. */
function splitSections(text: string): Sections {
  const header: Record<string, string> = {}
  const trees: Record<string, string>[] = []
  let current = header
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === 'end of trees') break
    if (line === '') continue
    const eq = line.indexOf('=')
    const key = eq === -1 ? line : line.slice(0, eq)
    if (key === 'Tree') {
      current = {}
      trees.push(current)
    }
    current[key] = eq === -1 ? '' : line.slice(eq + 1)
  }
  return { header, trees }
}

/** `decision_type` bits: 1 categorical, 2 default-left, bits 2-3 missing type (0 None, 1 Zero, 2 NaN). */
function decode(decisionType: number): { categorical: boolean; defaultLeft: boolean; missing: number } {
  return {
    categorical: (decisionType & 1) !== 0,
    defaultLeft: (decisionType & 2) !== 0,
    missing: (decisionType >> 2) & 3,
  }
}

function checkTree(tree: LgbTree, at: string, maxFeature: number): ValidationIssue[] {
  const internal = tree.num_leaves - 1
  const issues: ValidationIssue[] = []
  if (tree.leaf_value.length !== tree.num_leaves) {
    issues.push({
      path: `${at}.leaf_value`,
      message: `has ${tree.leaf_value.length} values for ${tree.num_leaves} leaves`,
    })
  }
  for (const key of ['split_feature', 'threshold', 'decision_type', 'left_child', 'right_child'] as const) {
    const length = tree[key]?.length ?? 0
    if (length !== internal)
      issues.push({ path: `${at}.${key}`, message: `has ${length} values, expected ${internal}` })
  }
  if (issues.length > 0) return issues
  for (let i = 0; i < internal; i++) {
    const d = decode(tree.decision_type![i]!)
    if (d.categorical)
      issues.push({ path: `${at}.decision_type.${i}`, message: 'categorical splits are not supported' })
    if (d.missing === 1)
      issues.push({ path: `${at}.decision_type.${i}`, message: 'missing_type Zero is not supported' })
    if (tree.split_feature![i]! > maxFeature) {
      issues.push({ path: `${at}.split_feature.${i}`, message: `feature ${tree.split_feature![i]} > max_feature_idx` })
    }
    for (const key of ['left_child', 'right_child'] as const) {
      const c = tree[key]![i]!
      if (c >= internal || c < -tree.num_leaves || c === 0)
        issues.push({ path: `${at}.${key}.${i}`, message: `child ${c} out of range` })
    }
  }
  return issues
}

function addTree(
  builder: TreeEnsembleBuilder,
  tree: LgbTree,
  ids: { tree: number; classId: number; scale: number },
): void {
  const internal = tree.num_leaves - 1
  const nodeOf = (child: number): number => (child >= 0 ? child : internal + ~child)
  for (let i = 0; i < internal; i++) {
    const threshold = tree.threshold![i]!
    const d = decode(tree.decision_type![i]!)
    builder.addBranch(ids.tree, i, {
      mode: 'BRANCH_LEQ', // LightGBM goes left when x <= threshold (double); exact with the float32 at or below
      feature: tree.split_feature![i]!,
      threshold: float32AtOrBelow(threshold),
      trueId: nodeOf(tree.left_child![i]!),
      falseId: nodeOf(tree.right_child![i]!),
      // missing type NaN: NaN follows default_left; missing type None: LightGBM reads NaN as 0.0.
      missingTrue: d.missing === 2 ? d.defaultLeft : threshold >= 0,
    })
  }
  tree.leaf_value.forEach((value, leaf) => {
    builder.addLeaf(ids.tree, internal + leaf, { classId: ids.classId, weight: value * ids.scale })
  })
}

function parseText(text: unknown, source: string): { header: z.output<typeof HeaderSchema>; trees: LgbTree[] } {
  if (typeof text !== 'string')
    throw modelIssues(source, WHAT, [{ path: '', message: 'expected the text of a model dump' }])
  const sections = splitSections(text)
  const header = parseModel(HeaderSchema, sections.header, { source, what: WHAT })
  if (sections.trees.length === 0) throw modelIssues(source, WHAT, [{ path: 'Tree', message: 'no trees found' }])
  const issues: ValidationIssue[] = []
  const trees = sections.trees.map((raw, t) => {
    const result = TreeSchema.safeParse(raw)
    if (result.success) return result.data
    issues.push(
      ...result.error.issues.map((i) => ({ path: [`Tree=${t}`, ...i.path.map(String)].join('.'), message: i.message })),
    )
    return undefined
  })
  if (header.num_tree_per_iteration !== header.num_class) {
    const message = `is ${header.num_tree_per_iteration}, expected num_class (${header.num_class})`
    issues.push({ path: 'num_tree_per_iteration', message })
  }
  trees.forEach((tree, t) => {
    if (tree !== undefined) issues.push(...checkTree(tree, `Tree=${t}`, header.max_feature_idx))
  })
  if (issues.length > 0) throw modelIssues(source, WHAT, issues)
  return { header, trees: trees.filter((t): t is LgbTree => t !== undefined) }
}

/**
 * Converts a LightGBM text model (`model.txt`, `booster.save_model()`), multiclass softmax with
 * `num_tree_per_iteration = num_class`, into an ONNX `ai.onnx.ml` `TreeEnsembleClassifier`: input
 * `input [N, max_feature_idx + 1]` float32, outputs `label [N]` int64 and `probabilities [N, K]`.
 * Splits are `x <= threshold` (the threshold rounded to the float32 at or below it, which is exact);
 * a NaN input follows `default_left` for missing type NaN and is read as 0.0 for missing type None.
 * Categorical splits, missing type Zero, linear trees and `multiclassova` are refused.
 * @throws {ConfigError} when `options` are invalid.
 * @throws {ModelError} naming every bad field (`Tree=<i>.<key>`) of the dump.
 * @example
 * const bytes = lightgbmTextToOnnx(await readFile('lgbm.txt', 'utf8'), { source: 'lgbm.txt' })
 */
export function lightgbmTextToOnnx(text: string, options: LightgbmToOnnxOptions = {}): Uint8Array {
  const opts = parseOrThrow(OptionsSchema, options, { what: 'options of lightgbmTextToOnnx', path: 'options' })
  const source = opts.source ?? 'LightGBM text model'
  const { header, trees } = parseText(text, source)
  const k = header.num_class
  const iterations = Math.ceil(trees.length / k)
  const scale = header.average_output === undefined ? 1 : 1 / iterations
  const builder = new TreeEnsembleBuilder()
  trees.forEach((tree, t) => addTree(builder, tree, { tree: t, classId: t % k, scale }))
  return builder.build({
    featureCount: header.max_feature_idx + 1,
    classCount: k,
    name: 'lightgbm',
    docString: `LightGBM ${header.version} ${header.objective}, ${trees.length} trees, converted by @quantum/agents`,
  })
}
