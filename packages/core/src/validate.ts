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

/**
 * Parses `value` with `schema`; on failure throws a {@link ConfigError} that lists every issue by path.
 * @throws {ConfigError} when the value does not match the schema.
 * @example const opts = parseOrThrow(OptionsSchema, input, 'options of agents:ema-cross', 'options')
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  basePath = '',
): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  throw new ConfigError(`Invalid ${what}`, zodIssues(result.error, basePath))
}
