/**
 * Atomic file writes: write a temporary file next to the target, flush it, then rename it over the target,
 * so a crash never leaves a half-written file behind.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto'
import { open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Writes `content` (a string or text chunks) to `path` atomically; on failure the target is untouched. */
export async function writeFileAtomic(path: string, content: string | Iterable<string>): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const handle = await open(tmp, 'w')
    try {
      for (const chunk of typeof content === 'string' ? [content] : content) await handle.write(chunk)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(tmp, path)
  } catch (error) {
    await rm(tmp, { force: true })
    throw error
  }
}
