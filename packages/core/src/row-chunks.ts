/**
 * Append-only rows of numbers, bytes and strings, kept in fixed-size chunks. The run logs (fills, closed
 * trades) used to double one typed array and two string arrays as they grew: each doubling allocated
 * fresh memory and copied every row so far, and on this project's benchmark machine a fresh page costs
 * ~12 µs to fault in, so a 400k-fill run spent more in growing its fill log (~0.45 µs per fill) than in
 * recording the fills. A chunk is allocated once and never copied; memory grows one chunk at a time.
 * @packageDocumentation
 * @internal
 */

/** One chunk's columns: `rowsPerChunk` rows of each kind. */
interface Chunk {
  readonly numbers: Float64Array
  readonly bytes: Uint8Array
  readonly strings: (string | undefined)[]
}

/** Rows per chunk: 1,024 rows of 8 numbers are 64 KB, below the allocator's default mmap threshold. */
const ROWS_PER_CHUNK = 1024

/**
 * Rows of `numbersPerRow` doubles, `bytesPerRow` bytes and `stringsPerRow` strings. {@link RowChunks.append}
 * adds a row and points {@link RowChunks.numbers}, {@link RowChunks.bytes} and {@link RowChunks.strings}
 * at its chunk, with its offsets in `numberAt`, `byteAt` and `stringAt`, for the caller to fill in;
 * {@link RowChunks.seek} does the same for a row already written (to read it).
 */
export class RowChunks {
  private readonly chunks: Chunk[] = []
  /** The current row's chunk of numbers. */
  numbers: Float64Array = new Float64Array(0)
  /** The current row's chunk of bytes. */
  bytes: Uint8Array = new Uint8Array(0)
  /** The current row's chunk of strings. */
  strings: (string | undefined)[] = []
  /** Offset of the current row in {@link RowChunks.numbers}. */
  numberAt = 0
  /** Offset of the current row in {@link RowChunks.bytes}. */
  byteAt = 0
  /** Offset of the current row in {@link RowChunks.strings}. */
  stringAt = 0
  private rows = 0

  constructor(private readonly shape: { readonly numbers: number; readonly bytes: number; readonly strings: number }) {}

  /** Rows appended. */
  get length(): number {
    return this.rows
  }

  /** Adds a row (zeros and undefined) and makes it the current row. Returns its index. */
  append(): number {
    const row = this.rows
    const k = row % ROWS_PER_CHUNK
    if (k === 0) {
      const { numbers, bytes, strings } = this.shape
      const chunk: Chunk = {
        numbers: new Float64Array(ROWS_PER_CHUNK * numbers),
        bytes: new Uint8Array(ROWS_PER_CHUNK * bytes),
        strings: new Array<string | undefined>(ROWS_PER_CHUNK * strings).fill(undefined),
      }
      this.chunks.push(chunk)
    }
    // Always re-pointed: a seek since the last append may have moved the current row elsewhere.
    this.point(this.chunks[this.chunks.length - 1]!)
    this.offsets(k)
    this.rows++
    return row
  }

  /** Makes row `row` (already appended) the current row. */
  seek(row: number): void {
    if (!(row >= 0 && row < this.rows)) throw new RangeError(`no row ${row} (${this.rows} appended)`)
    this.point(this.chunks[Math.floor(row / ROWS_PER_CHUNK)]!)
    this.offsets(row % ROWS_PER_CHUNK)
  }

  private point(chunk: Chunk): void {
    this.numbers = chunk.numbers
    this.bytes = chunk.bytes
    this.strings = chunk.strings
  }

  private offsets(k: number): void {
    this.numberAt = k * this.shape.numbers
    this.byteAt = k * this.shape.bytes
    this.stringAt = k * this.shape.strings
  }
}
