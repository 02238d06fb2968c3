import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ConfigError } from './errors.js'
import { parseOrThrow, zodIssues } from './validate.js'

const Options = z
  .object({
    fast: z.number().default(12),
    slow: z.number().default(26),
    nested: z.object({ period: z.number(), multiplier: z.number() }).strict().optional(),
  })
  .strict()

function issuesOf(value: unknown): { path: string; message: string }[] {
  try {
    parseOrThrow(Options, value, { what: 'options of agents:x', path: 'options' })
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return [...(error as ConfigError).issues]
  }
  throw new Error('expected a ConfigError')
}

describe('parseOrThrow', () => {
  it('suggests the closest option for a mistyped key, at the top level and inside a nested object', () => {
    expect(issuesOf({ fsat: 1 })).toEqual([
      { path: 'options', message: 'Unrecognized key: "fsat" (did you mean fast?)' },
    ])
    const nested = issuesOf({ nested: { period: 1, multiplier: 2, peroid: 3 } })
    expect(nested).toEqual([{ path: 'options.nested', message: 'Unrecognized key: "peroid" (did you mean period?)' }])
  })

  it('adds no suggestion when no known key is close', () => {
    expect(issuesOf({ zzzzzzzz: 1 })).toEqual([{ path: 'options', message: 'Unrecognized key: "zzzzzzzz"' }])
  })

  it('leaves issues unchanged when no schema is given', () => {
    const result = Options.safeParse({ fsat: 1 })
    expect(result.success).toBe(false)
    if (!result.success) expect(zodIssues(result.error)[0]!.message).toBe('Unrecognized key: "fsat"')
  })
})
