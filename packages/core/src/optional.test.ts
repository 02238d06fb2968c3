import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { MissingDependencyError } from './errors.js'
import { importOptional, requireOptional } from './optional.js'

// A variable, so that neither TypeScript nor the bundler tries to resolve it.
const missing = 'quantum-no-such-pkg'

describe('optional peer dependencies', () => {
  it('names the missing package and the install command when an import() cannot find it', async () => {
    const error = await importOptional('quantum-no-such-pkg', 'The test feature', () => import(missing)).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(MissingDependencyError)
    expect(error).toMatchObject({ code: 'DEPENDENCY_MISSING', packageName: 'quantum-no-such-pkg' })
    expect((error as Error).message).toBe(
      'The test feature need the optional package "quantum-no-such-pkg", which is not installed: run npm install quantum-no-such-pkg',
    )
  })

  it('names the missing package when require() cannot find it', () => {
    const require = createRequire(import.meta.url)
    expect(() =>
      requireOptional('quantum-no-such-pkg', 'The test feature', () => require('quantum-no-such-pkg')),
    ).toThrow(MissingDependencyError)
  })

  it('rethrows other failures while loading as they are, and returns the module when it loads', async () => {
    const broken = new SyntaxError('Unexpected token')
    await expect(importOptional('zod', 'x', () => Promise.reject(broken))).rejects.toBe(broken)
    // A missing module other than the one asked for is a broken install, not a missing optional peer.
    const other = Object.assign(new Error("Cannot find package 'long' imported from x"), {
      code: 'ERR_MODULE_NOT_FOUND',
    })
    await expect(importOptional('onnx-proto', 'x', () => Promise.reject(other))).rejects.toBe(other)
    await expect(importOptional('zod', 'x', () => import('zod'))).resolves.toHaveProperty('z')
  })
})
