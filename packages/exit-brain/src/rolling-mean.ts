/**
 * Mean of the last `length` values in a fixed ring buffer, updated in O(1) per value (the sum is
 * recomputed from the buffer every `length` pushes so rounding errors cannot accumulate).
 * @example const m = new RollingMean(3); m.push(1); m.push(2); m.value // 1.5
 */
export class RollingMean {
  private readonly values: Float64Array
  private count = 0
  private sum = 0

  /** Creates a window of `length` values (at least 1). */
  constructor(private readonly length: number) {
    this.values = new Float64Array(Math.max(1, length))
  }

  /** Adds one value, dropping the oldest when the window is full. */
  push(value: number): void {
    const n = this.values.length
    const i = this.count % n
    if (this.count >= n) this.sum -= this.values[i] as number
    this.values[i] = value
    this.sum += value
    this.count++
    if (this.count % n === 0) this.sum = this.values.reduce((a, b) => a + b, 0)
  }

  /** Mean of the values in the window; NaN when empty. */
  get value(): number {
    const n = Math.min(this.count, this.values.length)
    return n === 0 ? Number.NaN : this.sum / n
  }
}
