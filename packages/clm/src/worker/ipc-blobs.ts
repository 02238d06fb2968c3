/**
 * Large typed arrays between this process and the worker host, beside the IPC channel rather than in
 * it: Node's structured-clone serialisation of a message writes typed arrays at about 3 ms per MB on
 * the sending thread (26 ms for the 10 MB of a job's rows, measured on Node 20), which stalled the
 * decisions' thread as much as the CPU priority gained. The arrays are written to a file in memory
 * (`/dev/shm` where there is one) by the libuv pool, and the message carries only the rest of the
 * value with a placeholder per array; the receiver reads the file (also off its thread) and unlinks it.
 * @packageDocumentation
 */
import { existsSync } from 'node:fs'
import { open, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A value whose typed arrays may live in a file beside the message. */
export interface Packed {
  readonly value: unknown
  /** The file of the arrays, when some were moved out. */
  readonly file?: string
}

const KEY = '@quantum/clm/blob'
const TYPES = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
} as const
type TypeName = keyof typeof TYPES
interface Placeholder {
  readonly [KEY]: { readonly type: TypeName; readonly offset: number; readonly length: number }
}

/** Below this many bytes of arrays a value goes in the message as it is. */
const MIN_FILE_BYTES = 256 * 1024
const DIR = existsSync('/dev/shm') ? '/dev/shm' : tmpdir()
let serial = 0

function typeName(v: ArrayBufferView): TypeName | undefined {
  const name = v.constructor.name
  return name in TYPES ? (name as TypeName) : undefined
}

/** Moves the typed arrays of `value` (plain objects and arrays, 6 levels deep) to a file when they are large. */
export async function pack(value: unknown): Promise<Packed> {
  const views: ArrayBufferView[] = []
  let bytes = 0
  const walk = (v: unknown, depth: number): unknown => {
    if (depth > 6 || v === null || typeof v !== 'object') return v
    if (ArrayBuffer.isView(v)) {
      const type = typeName(v)
      if (type === undefined) return v
      const offset = bytes
      views.push(v)
      bytes += Math.ceil(v.byteLength / 8) * 8
      return { [KEY]: { type, offset, length: v.byteLength / TYPES[type].BYTES_PER_ELEMENT } } satisfies Placeholder
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1))
    if (Object.getPrototypeOf(v) !== Object.prototype) return v
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, depth + 1)]))
  }
  const skeleton = walk(value, 0)
  if (bytes < MIN_FILE_BYTES) return { value }
  const file = join(DIR, `qt-clm-ipc-${process.pid}-${++serial}.bin`)
  const chunks: Uint8Array[] = []
  for (const v of views) {
    chunks.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))
    const pad = Math.ceil(v.byteLength / 8) * 8 - v.byteLength
    if (pad > 0) chunks.push(new Uint8Array(pad))
  }
  const handle = await open(file, 'w')
  try {
    await handle.writev(chunks)
  } finally {
    await handle.close()
  }
  return { value: skeleton, file }
}

/** The value of {@link pack}, its arrays views on one buffer read from the file (which is removed). */
export async function unpack(packed: Packed): Promise<unknown> {
  if (packed.file === undefined) return packed.value
  let data: Buffer
  try {
    data = await readFile(packed.file)
  } finally {
    await rm(packed.file, { force: true })
  }
  // Views need their offsets aligned to their element size: copy in the rare case the read buffer is not.
  const buf = data.byteOffset % 8 === 0 ? data : Buffer.from(data)
  const walk = (v: unknown, depth: number): unknown => {
    if (depth > 6 || v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return v
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1))
    if (KEY in v) {
      const { type, offset, length } = (v as Placeholder)[KEY]
      return new TYPES[type](buf.buffer as ArrayBuffer, buf.byteOffset + offset, length)
    }
    if (Object.getPrototypeOf(v) !== Object.prototype) return v
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, depth + 1)]))
  }
  return walk(packed.value, 0)
}

/** Removes the file of a packed value that will not be read. */
export async function discard(packed: Packed): Promise<void> {
  if (packed.file !== undefined) await rm(packed.file, { force: true })
}
