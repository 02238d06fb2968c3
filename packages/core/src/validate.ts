import type { z } from 'zod'
import { ConfigError, type ValidationIssue } from './errors.js'

/**
 * Turns zod issues into {@link ValidationIssue}s with dotted paths, prefixed by `basePath`.
 * @example zodIssues(result.error, 'plugins.0.options')
 */
export function zodIssues(error: z.ZodError, basePath = ''): ValidationIssue[] {
  return error.issues.map((issue) => {
    const path = [basePath, ...issue.path.map(String)].filter((p) => p !== '').join('.')
    return { path, message: issue.message }
  })
}

/** What is being parsed (for the message) and where it sits (prefix of every issue path). */
export interface ParseTarget {
  /** Human-readable name, e.g. `options of agents:ema-cross`. */
  readonly what: string
  /** Path prefix of the value in its document, e.g. `options`. @default '' */
  readonly path?: string
}

/**
 * Parses `value` with `schema`; on failure throws a {@link ConfigError} that lists every issue by path.
 * @throws {ConfigError} when the value does not match the schema.
 * @example const opts = parseOrThrow(OptionsSchema, input, { what: 'options of agents:ema-cross', path: 'options' })
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  target: string | ParseTarget,
): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const { what, path = '' } = typeof target === 'string' ? { what: target } : target
  throw new ConfigError(`Invalid ${what}`, zodIssues(result.error, path))
}
