/**
 * Skill metrics of class probabilities against labels: log-loss, Brier score, accuracy, balanced
 * accuracy and calibration (expected calibration error over confidence bins), and the two baselines
 * every model must beat: the training class prior and the majority class.
 * @packageDocumentation
 */

/** Probabilities `[rows, K]`, row-major. */
export interface Probabilities {
  readonly probs: ArrayLike<number>
  readonly classCount: number
}

/** One bin of a reliability diagram (top-class confidence against how often the top class was right). */
export interface CalibrationBin {
  /** Lower edge of the bin's confidence range. */
  readonly from: number
  /** Upper edge. */
  readonly to: number
  /** Rows in the bin. */
  readonly rows: number
  /** Mean top-class probability of the rows. */
  readonly confidence: number
  /** Share of the rows whose top class was the label. */
  readonly accuracy: number
}

/** Skill of a set of predictions. */
export interface SkillMetrics {
  /** Rows scored. */
  readonly rows: number
  /** Mean `-ln p(label)` (probabilities clipped at 1e-15). Lower is better. */
  readonly logLoss: number
  /** Mean over rows of the sum over classes of `(p - onehot)^2`. Lower is better. */
  readonly brier: number
  /** Share of rows whose most probable class is the label. */
  readonly accuracy: number
  /** Mean recall over the classes present. */
  readonly balancedAccuracy: number
  /** Expected calibration error: rows-weighted mean `|confidence - accuracy|` over the bins. */
  readonly calibrationError: number
  /** The reliability bins (10 equal-width bins of top-class confidence; empty bins omitted). */
  readonly calibration: readonly CalibrationBin[]
  /** Share of rows predicted as each class. */
  readonly predictedShare: readonly number[]
}

function argmax(p: ArrayLike<number>, o: number, k: number): number {
  let best = 0
  for (let c = 1; c < k; c++) if (p[o + c]! > p[o + best]!) best = c
  return best
}

function calibrationOf(top: { conf: Float64Array; hit: Uint8Array }, bins = 10): CalibrationBin[] {
  const sums = Array.from({ length: bins }, () => ({ rows: 0, conf: 0, hits: 0 }))
  top.conf.forEach((c, i) => {
    const b = sums[Math.min(bins - 1, Math.floor(c * bins))]!
    b.rows++
    b.conf += c
    b.hits += top.hit[i]!
  })
  return sums.flatMap((b, i) =>
    b.rows === 0
      ? []
      : [{ from: i / bins, to: (i + 1) / bins, rows: b.rows, confidence: b.conf / b.rows, accuracy: b.hits / b.rows }],
  )
}

/**
 * Skill metrics of `p` against `labels`.
 * @example const m = skillMetrics({ probs, classCount: 3 }, test.labels)
 */
export function skillMetrics(p: Probabilities, labels: ArrayLike<number>): SkillMetrics {
  const k = p.classCount
  const n = labels.length
  let logLoss = 0
  let brier = 0
  let correct = 0
  const perClass = Array.from({ length: k }, () => ({ rows: 0, hits: 0 }))
  const predicted = new Array<number>(k).fill(0)
  const top = { conf: new Float64Array(n), hit: new Uint8Array(n) }
  for (let i = 0; i < n; i++) {
    const o = i * k
    const y = labels[i]!
    logLoss -= Math.log(Math.min(1, Math.max(p.probs[o + y]!, 1e-15)))
    for (let c = 0; c < k; c++) brier += (p.probs[o + c]! - (c === y ? 1 : 0)) ** 2
    const best = argmax(p.probs, o, k)
    predicted[best]!++
    perClass[y]!.rows++
    if (best === y) {
      correct++
      perClass[y]!.hits++
    }
    top.conf[i] = p.probs[o + best]!
    top.hit[i] = best === y ? 1 : 0
  }
  const present = perClass.filter((c) => c.rows > 0)
  const calibration = calibrationOf(top)
  const calibrationError = calibration.reduce((s, b) => s + (b.rows / n) * Math.abs(b.confidence - b.accuracy), 0)
  return {
    rows: n,
    logLoss: logLoss / n,
    brier: brier / n,
    accuracy: correct / n,
    balancedAccuracy: present.reduce((s, c) => s + c.hits / c.rows, 0) / present.length,
    calibrationError,
    calibration,
    predictedShare: predicted.map((c) => c / n),
  }
}

/**
 * The class prior of `labels` (share of each class), the probabilities of the "class prior" baseline.
 * @example const prior = classPrior(train.labels, 3)
 */
export function classPrior(labels: ArrayLike<number>, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0)
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]!++
  return counts.map((c) => c / labels.length)
}

/**
 * `rows` copies of the same probabilities (a constant baseline: the prior, or the majority class).
 * @example const base = constantProbabilities(prior, test.rows)
 */
export function constantProbabilities(probs: readonly number[], rows: number): Probabilities {
  const k = probs.length
  const out = new Float64Array(rows * k)
  for (let i = 0; i < rows; i++) for (let c = 0; c < k; c++) out[i * k + c] = probs[c]!
  return { probs: out, classCount: k }
}

/**
 * The majority-class baseline: probability 1 on the most frequent training class (its log-loss is
 * huge by design; it is the accuracy to beat).
 * @example const majority = majorityProbabilities(prior, test.rows)
 */
export function majorityProbabilities(prior: readonly number[], rows: number): Probabilities {
  const best = prior.indexOf(Math.max(...prior))
  return constantProbabilities(
    prior.map((_, c) => (c === best ? 1 : 0)),
    rows,
  )
}
