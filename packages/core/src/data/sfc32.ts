/**
 * Small, fast, seedable pseudo-random numbers: the sfc32 generator (Chris Doty-Humphrey's PractRand
 * "small fast counting" generator) and a Box-Muller standard normal on top of it.
 * @packageDocumentation
 */

/** A source of uniform numbers in `[0, 1)`. */
export type RandomSource = () => number

/**
 * An sfc32 generator seeded from a number; the same seed always yields the same sequence.
 * Seeds are taken as integers (the low 32 bits and the next 21 bits are both used).
 * @example const rnd = sfc32(42); rnd() // 0 <= x < 1
 */
export function sfc32(seed: number): RandomSource {
  const s = Math.trunc(seed)
  let a = 0x9e3779b9 | 0
  let b = 0x243f6a88 | 0
  let c = (0xb7e15162 ^ Math.floor(s / 0x100000000)) | 0
  let d = s | 0
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 15; i++) next() // mix the seed into the whole state
  return next
}

/**
 * Standard normal deviates (mean 0, sd 1) from a uniform source by the Box-Muller transform;
 * each pair of uniforms gives two deviates, returned one after the other.
 * @example const z = gaussian(sfc32(1)); z() // e.g. -0.53
 */
export function gaussian(random: RandomSource): () => number {
  let spare = Number.NaN
  return () => {
    if (!Number.isNaN(spare)) {
      const z = spare
      spare = Number.NaN
      return z
    }
    const u1 = 1 - random() // (0, 1]: log never sees 0
    const u2 = random()
    const r = Math.sqrt(-2 * Math.log(u1))
    spare = r * Math.sin(2 * Math.PI * u2)
    return r * Math.cos(2 * Math.PI * u2)
  }
}
