/**
 * The histogram GBDT trainer: multi-class softmax boosting (one tree per class per round), XGBoost's
 * gradients (`p - y`) and hessians (`2 p (1 - p)`), early stopping on the validation log-loss.
 * Pure and synchronous: {@link trainGbdtInWorker} runs it off the main thread.
 * @packageDocumentation
 */
import { applyBins, fitBins, type BinnedMatrix, type FeatureBins, type FeatureMatrix } from './binning.js'
import { growTree, leafOfBinned, type GbdtTree } from './tree.js'

/** Parameters of {@link trainGbdt}; defaults follow XGBoost's `hist` method where they exist. */
export interface GbdtParams {
  /** Boosting rounds (each adds one tree per class). @default 300 */
  readonly rounds: number
  /** Shrinkage of each tree (XGBoost `eta`). @default 0.1 */
  readonly learningRate: number
  /** Maximum tree depth. @default 6 */
  readonly maxDepth: number
  /** Maximum leaves per tree; `2^maxDepth` grows XGBoost's depth-wise trees. @default 2^maxDepth */
  readonly maxLeaves: number
  /** L2 regularisation of leaf values (XGBoost `lambda`). @default 1 */
  readonly lambda: number
  /** Minimum hessian sum of a child (XGBoost `min_child_weight`). @default 1 */
  readonly minChildWeight: number
  /** Minimum gain of a split (XGBoost `gamma`). @default 0 */
  readonly minSplitGain: number
  /** Bins per feature, at most 255 (plus one for missing values). @default 255 */
  readonly maxBins: number
  /** Stop when the validation log-loss has not improved for this many rounds (0: never). @default 30 */
  readonly earlyStoppingRounds: number
  /** Per-class weights of the training rows, or `'balanced'` (n / (K * count)). @default none */
  readonly classWeights?: 'balanced' | readonly number[]
}

/** The defaults of {@link GbdtParams}. */
export const DEFAULT_GBDT_PARAMS: Readonly<Omit<GbdtParams, 'maxLeaves' | 'classWeights'>> = Object.freeze({
  rounds: 300,
  learningRate: 0.1,
  maxDepth: 6,
  lambda: 1,
  minChildWeight: 1,
  minSplitGain: 0,
  maxBins: 255,
  earlyStoppingRounds: 30,
})

/** Labelled rows: features `[rows, columns]` and one class index per row. */
export interface LabelledMatrix extends FeatureMatrix {
  /** Class index per row, `0..classCount-1`. */
  readonly labels: Uint8Array
}

/** Input of {@link trainGbdt}. */
export interface GbdtTrainInput {
  /** Training rows. */
  readonly train: LabelledMatrix
  /** Validation rows (early stopping, reported log-loss); optional. */
  readonly validation?: LabelledMatrix
  /** Number of classes K (>= 2). */
  readonly classCount: number
  /** Parameters (missing ones take {@link DEFAULT_GBDT_PARAMS}). */
  readonly params?: Partial<GbdtParams>
}

/** The format tag of a serialised {@link GbdtModel}. */
export const GBDT_MODEL_FORMAT = 'quantum-gbdt@1'

/** A trained model: `K` trees per round (tree `t` scores class `t % K`), softmax of base + sum. */
export interface GbdtModel {
  readonly format: typeof GBDT_MODEL_FORMAT
  /** Number of input columns. */
  readonly featureCount: number
  /** Number of classes. */
  readonly classCount: number
  /** Initial score per class (log of the weighted training class prior). */
  readonly baseScores: number[]
  /** The trees, round by round, class by class. */
  readonly trees: GbdtTree[]
  /** Rounds kept (the best validation round when early stopping, else every round). */
  readonly rounds: number
  /** Log-loss of the training and validation rows after `r` rounds at index `r` (0: base scores only; validation empty without validation rows). */
  readonly history: { readonly train: number[]; readonly validation: number[] }
  /** The parameters used. */
  readonly params: GbdtParams
}

/** Fills missing parameters with the defaults. */
export function resolveGbdtParams(params: Partial<GbdtParams> = {}): GbdtParams {
  const maxDepth = params.maxDepth ?? DEFAULT_GBDT_PARAMS.maxDepth
  return { ...DEFAULT_GBDT_PARAMS, maxLeaves: 2 ** Math.min(maxDepth, 16), ...params }
}

function classWeightsOf(labels: Uint8Array, k: number, spec: GbdtParams['classWeights']): Float64Array {
  const w = new Float64Array(k).fill(1)
  if (spec === 'balanced') {
    const counts = new Float64Array(k)
    for (const y of labels) counts[y] = counts[y]! + 1
    for (let c = 0; c < k; c++) w[c] = counts[c]! > 0 ? labels.length / (k * counts[c]!) : 0
  } else if (spec !== undefined) {
    spec.forEach((v, c) => (w[c] = v))
  }
  return w
}

function baseScoresOf(labels: Uint8Array, k: number, weights: Float64Array): number[] {
  const mass = new Float64Array(k)
  for (const y of labels) mass[y] = mass[y]! + weights[y]!
  const total = mass.reduce((a, b) => a + b, 0)
  return Array.from(mass, (m) => Math.log(Math.max(m / total, 1e-6)))
}

/** Softmax of `k` scores at `scores[o..o+k)` into `p[o..o+k)`; returns `-log p[y]`. */
// eslint-disable-next-line max-params -- per-row hot path
function softmaxRow(scores: Float64Array, p: Float64Array, o: number, k: number): void {
  let max = -Infinity
  for (let c = 0; c < k; c++) max = Math.max(max, scores[o + c]!)
  let sum = 0
  for (let c = 0; c < k; c++) {
    const e = Math.exp(scores[o + c]! - max)
    p[o + c] = e
    sum += e
  }
  for (let c = 0; c < k; c++) p[o + c] = p[o + c]! / sum
}

/** Mean `-log p[y]` of scores `[n, k]` against `labels`. */
export function logLossOfScores(scores: Float64Array, labels: Uint8Array, k: number): number {
  const p = new Float64Array(k)
  let loss = 0
  for (let i = 0; i < labels.length; i++) {
    softmaxRow(scores.subarray(i * k, i * k + k), p, 0, k)
    loss -= Math.log(Math.max(p[labels[i]!]!, 1e-15))
  }
  return loss / labels.length
}

interface Booster {
  readonly binned: BinnedMatrix
  readonly edges: FeatureBins
  readonly labels: Uint8Array
  readonly weights: Float64Array
  readonly k: number
  readonly scores: Float64Array
  readonly prob: Float64Array
}

function initScores(rows: number, base: number[]): Float64Array {
  const k = base.length
  const s = new Float64Array(rows * k)
  for (let i = 0; i < rows; i++) for (let c = 0; c < k; c++) s[i * k + c] = base[c]!
  return s
}

/**
 * Trains a multi-class GBDT on `input.train` (features may hold NaN: a missing value follows each
 * split's learned default direction). Deterministic: the same input gives the same model.
 * @example const model = trainGbdt({ train, validation, classCount: 3, params: { rounds: 200 } })
 */
export function trainGbdt(input: GbdtTrainInput): GbdtModel {
  const params = resolveGbdtParams(input.params)
  const k = input.classCount
  const { train, validation } = input
  const edges = fitBins(train, params.maxBins)
  const binCount = Int32Array.from(edges.uppers, (u) => u.length + 1)
  const weights = classWeightsOf(train.labels, k, params.classWeights)
  const baseScores = baseScoresOf(train.labels, k, weights)
  const b: Booster = {
    binned: applyBins(train, edges),
    edges,
    labels: train.labels,
    weights,
    k,
    scores: initScores(train.rows, baseScores),
    prob: new Float64Array(train.rows * k),
  }
  const val = validation === undefined ? undefined : { binned: applyBins(validation, edges), labels: validation.labels }
  const valScores = validation === undefined ? undefined : initScores(validation.rows, baseScores)
  const n = train.rows
  const gh = new Float64Array(2 * n)
  const rows = new Uint32Array(n)
  const scratch = new Uint32Array(n)
  const trees: GbdtTree[] = []
  const history = { train: [] as number[], validation: [] as number[] }
  let bestRound = 0
  let bestLoss = Infinity
  if (val !== undefined && valScores !== undefined) {
    bestLoss = logLossOfScores(valScores, val.labels, k)
    history.validation.push(bestLoss)
  }
  for (let round = 0; round < params.rounds; round++) {
    history.train.push(probabilities(b))
    for (let c = 0; c < k; c++) {
      gradients(b, c, gh)
      for (let i = 0; i < n; i++) rows[i] = i
      const grown = growTree({ binned: b.binned, binCount, uppers: edges.uppers, gh, rows, scratch, params })
      for (const leaf of grown.leaves) {
        for (let i = leaf.start; i < leaf.end; i++) {
          const j = rows[i]! * k + c
          b.scores[j] = b.scores[j]! + leaf.value
        }
      }
      trees.push(grown.tree)
      if (val !== undefined && valScores !== undefined) addTree(grown.tree, val.binned, { scores: valScores, k, c })
    }
    if (val === undefined || valScores === undefined) continue
    const loss = logLossOfScores(valScores, val.labels, k)
    history.validation.push(loss)
    if (loss < bestLoss - 1e-12) {
      bestLoss = loss
      bestRound = round + 1
    } else if (params.earlyStoppingRounds > 0 && round + 1 - bestRound >= params.earlyStoppingRounds) {
      break
    }
  }
  history.train.push(probabilities(b))
  const kept = val === undefined ? trees.length / k : bestRound
  return {
    format: 'quantum-gbdt@1',
    featureCount: train.columns,
    classCount: k,
    baseScores,
    trees: trees.slice(0, kept * k),
    rounds: kept,
    history,
    params,
  }
}

/** Updates `b.prob` from `b.scores`; returns the (unweighted) training log-loss. */
function probabilities(b: Booster): number {
  const { k, scores, prob, labels } = b
  let loss = 0
  for (let i = 0, o = 0; i < labels.length; i++, o += k) {
    softmaxRow(scores, prob, o, k)
    loss -= Math.log(Math.max(prob[o + labels[i]!]!, 1e-15))
  }
  return loss / labels.length
}

function gradients(b: Booster, c: number, gh: Float64Array): void {
  const { k, prob, labels, weights } = b
  for (let i = 0; i < labels.length; i++) {
    const p = prob[i * k + c]!
    const y = labels[i]!
    const w = weights[y]!
    gh[2 * i] = (p - (y === c ? 1 : 0)) * w
    gh[2 * i + 1] = Math.max(2 * p * (1 - p) * w, 1e-16)
  }
}

function addTree(tree: GbdtTree, binned: BinnedMatrix, at: { scores: Float64Array; k: number; c: number }): void {
  const { bins, columns, rows } = binned
  for (let i = 0; i < rows; i++) {
    const j = i * at.k + at.c
    at.scores[j] = at.scores[j]! + tree.value[leafOfBinned(tree, bins, i * columns)]!
  }
}
