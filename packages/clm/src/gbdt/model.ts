/**
 * Using a trained {@link GbdtModel}: probabilities in TypeScript, and export to an ONNX
 * `TreeEnsembleClassifier` through the agents package's converter path (`TreeEnsembleBuilder`), so the
 * model agents load it like any converted XGBoost or LightGBM model.
 * @packageDocumentation
 */
import { TreeEnsembleBuilder } from '@quantum/agents'
import { ModelError } from '@quantum/core'
import { z } from 'zod'
import type { FeatureMatrix } from './binning.js'
import { GBDT_MODEL_FORMAT, type GbdtModel } from './train.js'
import { leafOfRow } from './tree.js'

/**
 * Class probabilities `[rows, K]` of `m.values` under `model` (float thresholds, NaN follows each
 * split's default direction): the same arithmetic as the exported ONNX model.
 * @example const p = predictGbdt(model, test) // p[i * 3 + c]
 */
export function predictGbdt(model: GbdtModel, m: FeatureMatrix): Float64Array {
  const k = model.classCount
  const out = new Float64Array(m.rows * k)
  for (let i = 0; i < m.rows; i++) {
    const o = i * k
    for (let c = 0; c < k; c++) out[o + c] = model.baseScores[c]!
    model.trees.forEach((tree, t) => {
      const j = o + (t % k)
      out[j] = out[j]! + tree.value[leafOfRow(tree, m.values, i * m.columns)]!
    })
    let max = -Infinity
    for (let c = 0; c < k; c++) max = Math.max(max, out[o + c]!)
    let sum = 0
    for (let c = 0; c < k; c++) sum += out[o + c] = Math.exp(out[o + c]! - max)
    for (let c = 0; c < k; c++) out[o + c] = out[o + c]! / sum
  }
  return out
}

/**
 * The model as ONNX bytes: `ai.onnx.ml` `TreeEnsembleClassifier`, input `input [N, F]` float32,
 * outputs `label [N]` and `probabilities [N, K]` (softmax), branches `x <= threshold` (`BRANCH_LEQ`),
 * NaN following each split's default direction.
 * @example await writeFile('gbdt.onnx', gbdtToOnnx(model))
 */
export function gbdtToOnnx(model: GbdtModel, options: { readonly name?: string } = {}): Uint8Array {
  const builder = new TreeEnsembleBuilder()
  const k = model.classCount
  model.trees.forEach((tree, t) => {
    for (let n = 0; n < tree.feature.length; n++) {
      if (tree.feature[n]! < 0) {
        builder.addLeaf(t, n, { classId: t % k, weight: tree.value[n]! })
        continue
      }
      builder.addBranch(t, n, {
        mode: 'BRANCH_LEQ',
        feature: tree.feature[n]!,
        threshold: tree.threshold[n]!,
        trueId: tree.left[n]!,
        falseId: tree.right[n]!,
        missingTrue: tree.missingLeft[n] === 1,
      })
    }
  })
  return builder.build({
    featureCount: model.featureCount,
    classCount: k,
    baseValues: model.baseScores,
    name: options.name ?? 'gbdt',
    docString: `@quantum/clm histogram GBDT, ${model.rounds} rounds x ${k} classes, ${model.trees.length} trees`,
  })
}

const TreeSchema = z.object({
  feature: z.array(z.number().int().min(-1)),
  bin: z.array(z.number().int()),
  threshold: z.array(z.number()),
  missingLeft: z.array(z.union([z.literal(0), z.literal(1)])),
  left: z.array(z.number().int()),
  right: z.array(z.number().int()),
  value: z.array(z.number()),
})

const ModelSchema = z.object({
  format: z.literal(GBDT_MODEL_FORMAT),
  featureCount: z.number().int().positive(),
  classCount: z.number().int().min(2),
  baseScores: z.array(z.number()),
  trees: z.array(TreeSchema),
  rounds: z.number().int().nonnegative(),
  history: z.object({ train: z.array(z.number()), validation: z.array(z.number()) }),
  params: z.looseObject({}),
})

function treeIssue(tree: z.output<typeof TreeSchema>, featureCount: number): string | undefined {
  const n = tree.feature.length
  for (const key of ['bin', 'threshold', 'missingLeft', 'left', 'right', 'value'] as const) {
    if (tree[key].length !== n) return `${key} has ${tree[key].length} entries, expected ${n}`
  }
  for (let i = 0; i < n; i++) {
    if (tree.feature[i]! >= featureCount) return `node ${i} splits on feature ${tree.feature[i]} >= ${featureCount}`
    if (tree.feature[i]! < 0) continue
    const [l, r] = [tree.left[i]!, tree.right[i]!]
    if (l <= i || r <= i || l >= n || r >= n) return `node ${i} has children ${l}/${r} outside (${i}, ${n})`
  }
  return undefined
}

/**
 * Validates a parsed model file (`quantum-gbdt@1` JSON).
 * @throws {ModelError} naming `source` and what is wrong.
 * @example const model = parseGbdtModel(JSON.parse(text), 'models/xgb.gbdt.json')
 */
export function parseGbdtModel(json: unknown, source: string): GbdtModel {
  const r = ModelSchema.safeParse(json)
  if (!r.success) {
    const first = r.error.issues[0]!
    throw new ModelError(source, `not a ${GBDT_MODEL_FORMAT} model: ${first.path.join('.')}: ${first.message}`)
  }
  const m = r.data
  if (m.baseScores.length !== m.classCount)
    throw new ModelError(source, `baseScores has ${m.baseScores.length} entries for ${m.classCount} classes`)
  if (m.trees.length !== m.rounds * m.classCount)
    throw new ModelError(source, `${m.trees.length} trees for ${m.rounds} rounds x ${m.classCount} classes`)
  m.trees.forEach((t, i) => {
    const issue = treeIssue(t, m.featureCount)
    if (issue !== undefined) throw new ModelError(source, `trees.${i}: ${issue}`)
  })
  return m as unknown as GbdtModel
}
