/**
 * The one way tests reach `../shared` (the real data and fixtures kept beside the checkout).
 * A clone without it still passes `npm test`: tests that need it are skipped with a printed reason.
 * CI always has it, so there they run.
 */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe } from 'vitest'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Absolute path of the shared folder (`$QUANTUM_SHARED_DIR` or `<repo>/../shared`). */
export const sharedDir: string = process.env.QUANTUM_SHARED_DIR ?? resolve(repoRoot, '..', 'shared')

/** Absolute path of the repository root. */
export const repoDir: string = repoRoot

/** Path of a file inside the shared folder, or `undefined` (with a printed reason) when it is absent. */
export function sharedFile(relative: string): string | undefined {
  const path = join(sharedDir, relative)
  if (existsSync(path)) return path
  console.warn(`[skip] ${relative} is not available: ${path} does not exist (no ../shared beside the checkout)`)
  return undefined
}

/** `describe` that runs only when every listed shared file exists; otherwise it is skipped with a printed reason. */
export function describeWithShared(name: string, files: readonly string[], body: (paths: string[]) => void): void {
  const paths = files.map((f) => sharedFile(f))
  if (paths.every((p): p is string => p !== undefined)) {
    describe(name, () => body(paths))
  } else {
    describe.skip(`${name} (skipped: ../shared data absent)`, () => {})
  }
}
