import { model, node, valueInfo } from './onnx-writer.js'

/** Comparison of a branch node: true goes to `trueId`. */
export type BranchMode = 'BRANCH_LT' | 'BRANCH_LEQ'

/** One branch node of a tree. */
export interface BranchSpec {
  /** Comparison; `x < t` or `x <= t` selects `trueId`. */
  readonly mode: BranchMode
  /** Input column compared. */
  readonly feature: number
  /** Threshold (stored as float32). */
  readonly threshold: number
  /** Node id taken when the comparison holds. */
  readonly trueId: number
  /** Node id taken otherwise. */
  readonly falseId: number
  /** True when a NaN input follows the `trueId` branch. */
  readonly missingTrue: boolean
}

/** Options of {@link TreeEnsembleBuilder.build}. */
export interface TreeEnsembleOptions {
  /** Number of input columns `F` of the `input [N, F]` tensor. */
  readonly featureCount: number
  /** Number of classes of the `probabilities [N, K]` output. */
  readonly classCount: number
  /** Value added to every class score before the post transform. @default zeros */
  readonly baseValues?: readonly number[]
  /** Graph name. @default 'tree_ensemble' */
  readonly name?: string
  /** Description stored in the model. @default '' */
  readonly docString?: string
}

/**
 * Collects trees node by node and writes one `ai.onnx.ml` `TreeEnsembleClassifier` model with input
 * `input [N, F]` (float) and outputs `label [N]` (int64) and `probabilities [N, K]` (softmax).
 * @example
 * const b = new TreeEnsembleBuilder()
 * b.addLeaf(0, 0, { classId: 0, weight: 0.1 })
 * const bytes = b.build({ featureCount: 10, classCount: 3 })
 */
export class TreeEnsembleBuilder {
  private readonly treeIds: number[] = []
  private readonly nodeIds: number[] = []
  private readonly featureIds: number[] = []
  private readonly modes: string[] = []
  private readonly values: number[] = []
  private readonly trueIds: number[] = []
  private readonly falseIds: number[] = []
  private readonly missingTrue: number[] = []
  private readonly classTreeIds: number[] = []
  private readonly classNodeIds: number[] = []
  private readonly classIds: number[] = []
  private readonly classWeights: number[] = []

  /** Number of nodes added so far (branches and leaves). */
  get nodeCount(): number {
    return this.nodeIds.length
  }

  /** Adds a branch node `nodeId` to tree `treeId`. */
  addBranch(treeId: number, nodeId: number, spec: BranchSpec): void {
    this.push(treeId, nodeId, spec.mode)
    this.featureIds.push(spec.feature)
    this.values.push(spec.threshold)
    this.trueIds.push(spec.trueId)
    this.falseIds.push(spec.falseId)
    this.missingTrue.push(spec.missingTrue ? 1 : 0)
  }

  /** Adds a leaf node `nodeId` to tree `treeId` that adds `weight` to the score of class `classId`. */
  addLeaf(treeId: number, nodeId: number, leaf: { readonly classId: number; readonly weight: number }): void {
    this.push(treeId, nodeId, 'LEAF')
    this.featureIds.push(0)
    this.values.push(0)
    this.trueIds.push(0)
    this.falseIds.push(0)
    this.missingTrue.push(0)
    this.classTreeIds.push(treeId)
    this.classNodeIds.push(nodeId)
    this.classIds.push(leaf.classId)
    this.classWeights.push(leaf.weight)
  }

  /** Serialises the ensemble into ONNX bytes (opsets: `''` 17, `ai.onnx.ml` 3; IR 8). */
  build(options: TreeEnsembleOptions): Uint8Array {
    const k = options.classCount
    const classifier = node(
      'TreeEnsembleClassifier',
      { inputs: ['input'], outputs: ['label', 'probabilities'], attrs: this.attributes(k, options.baseValues) },
      { domain: 'ai.onnx.ml', name: 'trees' },
    )
    return model({
      name: options.name ?? 'tree_ensemble',
      docString: options.docString ?? '',
      nodes: [classifier],
      inputs: [valueInfo('input', 'float', ['batch', options.featureCount])],
      outputs: [valueInfo('label', 'int64', ['batch']), valueInfo('probabilities', 'float', ['batch', k])],
      opsets: { '': 17, 'ai.onnx.ml': 3 },
    })
  }

  private push(treeId: number, nodeId: number, mode: string): void {
    this.treeIds.push(treeId)
    this.nodeIds.push(nodeId)
    this.modes.push(mode)
  }

  private attributes(k: number, baseValues: readonly number[] | undefined): Parameters<typeof node>[1]['attrs'] {
    const attrs = {
      classlabels_int64s: { ints: Array.from({ length: k }, (_, i) => i) },
      post_transform: { s: 'SOFTMAX' },
      nodes_treeids: { ints: this.treeIds },
      nodes_nodeids: { ints: this.nodeIds },
      nodes_featureids: { ints: this.featureIds },
      nodes_modes: { strings: this.modes },
      nodes_values: { floats: this.values },
      nodes_truenodeids: { ints: this.trueIds },
      nodes_falsenodeids: { ints: this.falseIds },
      nodes_missing_value_tracks_true: { ints: this.missingTrue },
      class_treeids: { ints: this.classTreeIds },
      class_nodeids: { ints: this.classNodeIds },
      class_ids: { ints: this.classIds },
      class_weights: { floats: this.classWeights },
    }
    return baseValues === undefined ? attrs : { ...attrs, base_values: { floats: baseValues } }
  }
}

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/**
 * The largest float32 that is `<= value`, so that float32 `x <= result` is exactly double `x <= value`
 * for every float32 `x` (LightGBM stores thresholds as doubles).
 * @example float32AtOrBelow(0.1) // 0.09999999403953552
 */
export function float32AtOrBelow(value: number): number {
  const rounded = Math.fround(value)
  if (rounded <= value || Number.isNaN(value)) return rounded
  f32[0] = rounded
  if (rounded === 0) {
    u32[0] = 0x80000001 // smallest negative subnormal
  } else if (rounded > 0) {
    u32[0] = u32[0]! - 1
  } else {
    u32[0] = u32[0]! + 1
  }
  return f32[0]
}
