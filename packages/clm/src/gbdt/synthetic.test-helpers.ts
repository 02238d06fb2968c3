import type { LabelledMatrix } from './train.js'

/** Seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Synthetic 3-class rows: class from a noisy non-linear rule of features 0-2; feature 3 is noise,
 * feature 4 constant; `nanShare` of feature 0-1 values are NaN.
 */
export function syntheticRows(rows: number, options: { seed: number; nanShare?: number }): LabelledMatrix {
  const next = rng(options.seed)
  const columns = 5
  const values = new Float32Array(rows * columns)
  const labels = new Uint8Array(rows)
  for (let i = 0; i < rows; i++) {
    const x = [next() * 2 - 1, next() * 2 - 1, next() * 2 - 1, next(), 0.25]
    const s = x[0]! + 0.8 * Math.sin(3 * x[1]!) + 0.5 * x[2]! * x[0]! + (next() - 0.5) * 0.6
    labels[i] = s < -0.35 ? 0 : s > 0.35 ? 2 : 1
    for (let f = 0; f < columns; f++) {
      const missing = f < 2 && next() < (options.nanShare ?? 0)
      values[i * columns + f] = missing ? NaN : x[f]!
    }
  }
  return { values, labels, rows, columns }
}
