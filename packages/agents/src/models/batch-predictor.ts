/**
 * Batching across symbols: requests made in the same tick (one bar of many symbols) are answered by
 * ONE `session.run`.
 * @packageDocumentation
 */
import { CLASS_COUNT } from './model-session.js'

/** What a {@link BatchPredictor} runs: a `ModelSession` (or a test double). */
export interface BatchTarget {
  /** Floats per input (`window * features`). */
  readonly rowSize: number
  /** Runs one batch of `rows` inputs, returning `[rows, 3]` probabilities. */
  predict(features: Float32Array, rows: number): Promise<Float32Array>
  /** Keeps the target open until the returned function is called. */
  lease(): () => void
}

/** Options of {@link BatchPredictor}. */
export interface BatchPredictorOptions {
  /** Most rows per `session.run`; a larger batch is split. @default 1024 */
  readonly maxRows?: number
}

interface Pending {
  readonly done: () => void
  input: Float32Array
  rows: number
  readonly waiters: { resolve: (p: Float32Array) => void; reject: (e: unknown) => void }[]
}

/**
 * Collects prediction requests (e.g. one per symbol for the same bar) and runs them together: the
 * first request of a tick schedules a flush on the microtask queue, so every request made
 * synchronously before it joins the same batch; {@link BatchPredictor.flush} forces it.
 * @example
 * const batcher = new BatchPredictor(handle.session)
 * const [btc, eth] = await Promise.all([batcher.request(btcInput), batcher.request(ethInput)]) // one run
 */
export class BatchPredictor {
  private pending: Pending | undefined
  /** The input buffer of the last finished batch, reused by the next one (no allocation per step). */
  private spare: Float32Array | undefined
  private runs = 0
  private readonly maxRows: number

  /** Creates a batcher over one session. */
  constructor(
    readonly target: BatchTarget,
    options: BatchPredictorOptions = {},
  ) {
    this.maxRows = Math.max(1, options.maxRows ?? 1024)
  }

  /** Number of `session.run` calls made so far. */
  get batches(): number {
    return this.runs
  }

  /**
   * Queues one input (copied at once, so the caller may reuse its buffer) and resolves with its
   * three probabilities (SELL, HOLD, BUY).
   * @example const p = await batcher.request(input) // p[2] = P(BUY)
   */
  request(input: Float32Array): Promise<Float32Array> {
    const size = this.target.rowSize
    if (this.pending === undefined) {
      const spare = this.spare
      this.spare = undefined
      const input = spare !== undefined && spare.length >= size * 8 ? spare : new Float32Array(size * 8)
      this.pending = { done: this.target.lease(), input, rows: 0, waiters: [] }
      queueMicrotask(() => void this.flush())
    }
    const p = this.pending
    if (p.rows === this.maxRows) {
      this.pending = undefined
      void this.runBatch(p)
      return this.request(input)
    }
    if ((p.rows + 1) * size > p.input.length) {
      const grown = new Float32Array(p.input.length * 2)
      grown.set(p.input)
      p.input = grown
    }
    p.input.set(input.subarray(0, size), p.rows * size)
    p.rows++
    return new Promise<Float32Array>((resolve, reject) => p.waiters.push({ resolve, reject }))
  }

  /**
   * Runs the queued requests now (no-op when none).
   * @example batcher.request(a); await batcher.flush()
   */
  async flush(): Promise<void> {
    const p = this.pending
    this.pending = undefined
    if (p === undefined) return
    if (p.rows > 0) await this.runBatch(p)
    else p.done()
  }

  private async runBatch(p: Pending): Promise<void> {
    this.runs++
    const size = this.target.rowSize
    try {
      const out = await this.target.predict(p.input.subarray(0, p.rows * size), p.rows)
      p.waiters.forEach((w, r) => w.resolve(out.subarray(r * CLASS_COUNT, (r + 1) * CLASS_COUNT)))
    } catch (error) {
      for (const w of p.waiters) w.reject(error)
    } finally {
      p.done()
      // The batch has run: its buffer is free (the target copies what it keeps).
      if (this.spare === undefined || this.spare.length < p.input.length) this.spare = p.input
    }
  }
}
