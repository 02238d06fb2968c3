/**
 * Atomic file writes: write a temporary file next to the target, flush it, then rename it over the target,
 * so a crash never leaves a half-written file behind.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto'
import { open, rename, rm, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Size of each of the two write buffers (a text chunk of up to a third as many characters fits as UTF-8). */
const SCRATCH_BYTES = 256 * 1024

/**
 * Writes `content` (a string, or chunks of text or bytes) to `path` atomically; on failure the target is
 * untouched. The next chunk is made while the last one is being written (awaiting each write first left
 * a fifth of a large file's time idle). Text chunks are encoded into two reused buffers (writing a
 * string makes a buffer of its size each time). A byte chunk is written as it is, and must stay unchanged
 * until the iterator has been resumed twice: a generator may fill two buffers in turn.
 */
export async function writeFileAtomic(path: string, content: string | Iterable<string | Uint8Array>): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const handle = await open(tmp, 'w')
    // The write in flight; chunks are written in order, each after the one before has been written.
    let writing: Promise<void> = Promise.resolve()
    try {
      const buffers: Buffer[] = []
      for (const chunk of typeof content === 'string' ? [content] : content) {
        if (typeof chunk !== 'string') {
          await writing
          writing = writeAll(handle, chunk)
          continue
        }
        if (chunk.length * 3 > SCRATCH_BYTES) {
          await writing
          writing = writeAll(handle, Buffer.from(chunk, 'utf8'))
          continue
        }
        // Not the buffer in flight: that one is the other of the two.
        const buffer = buffers.length < 2 ? Buffer.allocUnsafe(SCRATCH_BYTES) : buffers.shift()!
        buffers.push(buffer)
        const bytes = buffer.write(chunk, 0, 'utf8')
        await writing
        writing = writeAll(handle, buffer.subarray(0, bytes))
      }
      await writing
      await handle.sync()
    } finally {
      await writing.catch(() => undefined)
      await handle.close()
    }
    await rename(tmp, path)
  } catch (error) {
    await rm(tmp, { force: true })
    throw error
  }
}

/** Writes all of `bytes` at the file's current position (a write may take fewer than asked). */
async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten
  }
}
