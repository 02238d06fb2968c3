/** Shared test helpers: captured streams, fixture paths and the jiti alias to core's source. */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import type { JitiOptions } from 'jiti'

const here = dirname(fileURLToPath(import.meta.url))

/** Folder of the fixture configs. */
export const fixturesDir = join(here, 'fixtures')

/** Path of a fixture config. */
export function fixture(name: string): string {
  return join(fixturesDir, name)
}

/** Loads `@quantum/core` from its source in fixture configs, so tests do not depend on a build. */
export const jitiOptions: JitiOptions = {
  alias: {
    '@quantum/core': resolve(here, '../../core/src/index.ts'),
    '@quantum/risk': resolve(here, '../../risk/src/index.ts'),
  },
  // Evaluate core's source once per test file instead of once per load (fixture configs never change).
  moduleCache: true,
}

/** A writable stream that keeps what was written. */
export class CaptureStream extends Writable {
  chunks: string[] = []
  readonly isTTY: boolean

  constructor(isTTY = false) {
    super()
    this.isTTY = isTTY
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk.toString())
    callback()
  }

  /** Everything written so far. */
  get text(): string {
    return this.chunks.join('')
  }
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'quantum-runtime-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}
