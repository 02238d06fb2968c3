/**
 * Growing one regression tree of the histogram GBDT from per-row gradients and hessians: best-first
 * (leaf-wise) with a depth cap, so `maxLeaves = 2^maxDepth` grows exactly XGBoost's depth-wise tree.
 * Histograms of the smaller child are built from its rows; the larger child's are the parent's minus
 * the smaller's. Missing values (NaN) go to whichever side gains more (XGBoost's default direction).
 * @packageDocumentation
 */
import { MISSING_BIN, type BinnedMatrix } from './binning.js'

/** One tree, as parallel arrays indexed by node id (node 0 is the root). */
export interface GbdtTree {
  /** Split feature per node, -1 for a leaf. */
  readonly feature: number[]
  /** Split bin per node: a row goes left when its bin is `<= bin`. */
  readonly bin: number[]
  /** Split threshold per node (float32): a value goes left when `x <= threshold`. */
  readonly threshold: number[]
  /** Per node: 1 when a missing value goes left, else 0. */
  readonly missingLeft: number[]
  /** Left child per node, -1 for a leaf. */
  readonly left: number[]
  /** Right child per node, -1 for a leaf. */
  readonly right: number[]
  /** Leaf value per node (learning rate applied), 0 for a branch. */
  readonly value: number[]
}

/** Tree-growing parameters (see `GbdtParams`). */
export interface TreeParams {
  readonly maxDepth: number
  readonly maxLeaves: number
  readonly lambda: number
  readonly minChildWeight: number
  readonly minSplitGain: number
  readonly learningRate: number
}

/** What {@link growTree} needs. */
export interface GrowInput {
  /** Binned training rows. */
  readonly binned: BinnedMatrix
  /** Value bins per feature (upper bounds + 1). */
  readonly binCount: Int32Array
  /** Upper bounds per feature (the float thresholds of the splits). */
  readonly uppers: readonly Float32Array[]
  /** Gradient and hessian per row, interleaved: `gh[2r]`, `gh[2r + 1]`. */
  readonly gh: Float64Array
  /** Row ids in use; permuted in place so that every leaf owns a contiguous range. */
  readonly rows: Uint32Array
  /** Scratch buffer as long as `rows`. */
  readonly scratch: Uint32Array
  /** Parameters. */
  readonly params: TreeParams
}

/** A leaf of a grown tree and the range of `rows` it owns. */
export interface GrownLeaf {
  /** Node id of the leaf. */
  readonly node: number
  /** First position in `rows` of the leaf's rows. */
  readonly start: number
  /** One past the last position. */
  readonly end: number
  /** Leaf value (learning rate applied). */
  readonly value: number
}

interface Split {
  gain: number
  feature: number
  bin: number
  missingLeft: boolean
  gl: number
  hl: number
}

interface OpenLeaf {
  node: number
  start: number
  end: number
  depth: number
  g: number
  h: number
  hist: Float64Array
  split: Split | undefined
}

const HIST_STRIDE = 512 // 256 bins x (g, h) per feature

/** Reusable histogram buffers of one feature count. */
class HistPool {
  private readonly free: Float64Array[] = []
  constructor(private readonly size: number) {}
  take(): Float64Array {
    const h = this.free.pop()
    if (h === undefined) return new Float64Array(this.size)
    h.fill(0)
    return h
  }
  give(h: Float64Array): void {
    this.free.push(h)
  }
}

function buildHist(input: GrowInput, leaf: { start: number; end: number }, hist: Float64Array): void {
  const { bins, columns } = input.binned
  const { gh, rows } = input
  for (let i = leaf.start; i < leaf.end; i++) {
    const r = rows[i]!
    const g = gh[2 * r]!
    const h = gh[2 * r + 1]!
    const o = r * columns
    for (let f = 0, base = 0; f < columns; f++, base += HIST_STRIDE) {
      const k = base + (bins[o + f]! << 1)
      hist[k] = hist[k]! + g
      hist[k + 1] = hist[k + 1]! + h
    }
  }
}

function score(g: number, h: number, lambda: number): number {
  return (g * g) / (h + lambda)
}

// eslint-disable-next-line max-params -- inner loop of the split search; an object per call would allocate
function bestSplit(input: GrowInput, hist: Float64Array, g: number, h: number): Split | undefined {
  const { lambda, minChildWeight, minSplitGain } = input.params
  const parent = score(g, h, lambda)
  let best: Split | undefined
  let bestGain = Math.max(minSplitGain, 1e-12)
  for (let f = 0; f < input.binned.columns; f++) {
    const base = f * HIST_STRIDE
    const gm = hist[base + MISSING_BIN * 2]!
    const hm = hist[base + MISSING_BIN * 2 + 1]!
    const last = input.binCount[f]! - 1
    let gl = 0
    let hl = 0
    for (let b = 0; b < last; b++) {
      gl += hist[base + 2 * b]!
      hl += hist[base + 2 * b + 1]!
      // Missing values right, then left.
      for (let side = 0; side < (hm > 0 ? 2 : 1); side++) {
        const gL = side === 0 ? gl : gl + gm
        const hL = side === 0 ? hl : hl + hm
        const hR = h - hL
        if (hL < minChildWeight || hR < minChildWeight) continue
        const gain = score(gL, hL, lambda) + score(g - gL, hR, lambda) - parent
        if (gain > bestGain) {
          bestGain = gain
          best = { gain, feature: f, bin: b, missingLeft: side === 1, gl: gL, hl: hL }
        }
      }
    }
  }
  return best
}

function partition(input: GrowInput, leaf: OpenLeaf, split: Split): number {
  const { bins, columns } = input.binned
  const { rows, scratch } = input
  let nl = leaf.start
  let nr = 0
  for (let i = leaf.start; i < leaf.end; i++) {
    const r = rows[i]!
    const b = bins[r * columns + split.feature]!
    const left = b === MISSING_BIN ? split.missingLeft : b <= split.bin
    if (left) rows[nl++] = r
    else scratch[nr++] = r
  }
  rows.set(scratch.subarray(0, nr), nl)
  return nl
}

class TreeBuilder implements GbdtTree {
  readonly feature: number[] = []
  readonly bin: number[] = []
  readonly threshold: number[] = []
  readonly missingLeft: number[] = []
  readonly left: number[] = []
  readonly right: number[] = []
  readonly value: number[] = []

  add(): number {
    this.feature.push(-1)
    this.bin.push(-1)
    this.threshold.push(0)
    this.missingLeft.push(0)
    this.left.push(-1)
    this.right.push(-1)
    this.value.push(0)
    return this.feature.length - 1
  }

  toJSON(): GbdtTree {
    const { feature, bin, threshold, missingLeft, left, right, value } = this
    return { feature, bin, threshold, missingLeft, left, right, value }
  }
}

/**
 * Grows one tree on the rows `input.rows` and returns it with its leaves (each owning a contiguous
 * range of the permuted `input.rows`, so the caller can add leaf values to those rows' scores).
 * @example const { tree, leaves } = growTree(input)
 */
export function growTree(input: GrowInput): { tree: GbdtTree; leaves: GrownLeaf[] } {
  const p = input.params
  const pool = new HistPool(input.binned.columns * HIST_STRIDE)
  const tree = new TreeBuilder()
  const n = input.rows.length
  let g = 0
  let h = 0
  for (let i = 0; i < n; i++) {
    g += input.gh[2 * input.rows[i]!]!
    h += input.gh[2 * input.rows[i]! + 1]!
  }
  const root: OpenLeaf = { node: tree.add(), start: 0, end: n, depth: 0, g, h, hist: pool.take(), split: undefined }
  buildHist(input, root, root.hist)
  const open: OpenLeaf[] = [root]
  const evaluate = (leaf: OpenLeaf): void => {
    leaf.split =
      leaf.depth < p.maxDepth && leaf.end - leaf.start >= 2 ? bestSplit(input, leaf.hist, leaf.g, leaf.h) : undefined
  }
  evaluate(root)
  while (open.length < p.maxLeaves) {
    let pick = -1
    for (let i = 0; i < open.length; i++) {
      const s = open[i]!.split
      if (s !== undefined && (pick < 0 || s.gain > open[pick]!.split!.gain)) pick = i
    }
    if (pick < 0) break
    const children = splitLeaf({ input, tree, pool }, open[pick]!)
    open.splice(pick, 1, ...children)
    for (const c of children) evaluate(c)
  }
  const leaves = open.map((leaf) => {
    const value = (-leaf.g / (leaf.h + p.lambda)) * p.learningRate
    tree.value[leaf.node] = value
    pool.give(leaf.hist)
    return { node: leaf.node, start: leaf.start, end: leaf.end, value }
  })
  return { tree: tree.toJSON(), leaves }
}

function splitLeaf(ctx: { input: GrowInput; tree: TreeBuilder; pool: HistPool }, leaf: OpenLeaf): OpenLeaf[] {
  const { input, tree, pool } = ctx
  const s = leaf.split!
  const mid = partition(input, leaf, s)
  const node = leaf.node
  tree.feature[node] = s.feature
  tree.bin[node] = s.bin
  tree.threshold[node] = input.uppers[s.feature]![s.bin]!
  tree.missingLeft[node] = s.missingLeft ? 1 : 0
  const depth = leaf.depth + 1
  const left: OpenLeaf = {
    ...{ node: tree.add(), start: leaf.start, end: mid, depth, g: s.gl, h: s.hl },
    ...{ hist: leaf.hist, split: undefined },
  }
  const right: OpenLeaf = {
    ...{ node: tree.add(), start: mid, end: leaf.end, depth, g: leaf.g - s.gl, h: leaf.h - s.hl },
    ...{ hist: leaf.hist, split: undefined },
  }
  tree.left[node] = left.node
  tree.right[node] = right.node
  // Build the smaller child's histogram; the larger one's is the parent's minus it (in place).
  const [small, large] = mid - leaf.start <= leaf.end - mid ? [left, right] : [right, left]
  small.hist = pool.take()
  buildHist(input, small, small.hist)
  const big = leaf.hist
  for (let k = 0; k < big.length; k++) big[k] = big[k]! - small.hist[k]!
  large.hist = big
  return [left, right]
}

/**
 * The leaf a binned row reaches in `tree`.
 * @example const leaf = leafOfBinned(tree, binned.bins, row * binned.columns)
 */
export function leafOfBinned(tree: GbdtTree, bins: Uint8Array, offset: number): number {
  let node = 0
  while (tree.feature[node]! >= 0) {
    const b = bins[offset + tree.feature[node]!]!
    const left = b === MISSING_BIN ? tree.missingLeft[node] === 1 : b <= tree.bin[node]!
    node = left ? tree.left[node]! : tree.right[node]!
  }
  return node
}

/**
 * The leaf a raw float row reaches in `tree` (`x <= threshold` goes left; NaN follows `missingLeft`).
 * @example const v = tree.value[leafOfRow(tree, x, i * columns)]
 */
export function leafOfRow(tree: GbdtTree, values: Float32Array, offset: number): number {
  let node = 0
  while (tree.feature[node]! >= 0) {
    const x = values[offset + tree.feature[node]!]!
    const left = x !== x ? tree.missingLeft[node] === 1 : x <= tree.threshold[node]!
    node = left ? tree.left[node]! : tree.right[node]!
  }
  return node
}
