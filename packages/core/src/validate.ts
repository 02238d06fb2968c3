import type { z } from 'zod'
import { ConfigError, type ValidationIssue } from './errors.js'
import { didYouMean } from './suggest.js'

/**
 * Turns zod issues into {@link ValidationIssue}s with dotted paths, prefixed by `basePath`. Given the
 * schema, an unknown key gets the closest known one (`Unrecognized key: "fsat" (did you mean fast?)`).
 * @example zodIssues(result.error, 'plugins.0.options')
 */
export function zodIssues(error: z.ZodError, basePath = '', schema?: z.ZodType): ValidationIssue[] {
  return error.issues.map((issue) => {
    const path = [basePath, ...issue.path.map(String)].filter((p) => p !== '').join('.')
    if (issue.code !== 'unrecognized_keys' || schema === undefined) return { path, message: issue.message }
    const known = objectKeysAt(schema, issue.path)
    const hints = known === undefined ? [] : issue.keys.map((k) => didYouMean(k, known)).filter((h) => h !== '')
    return { path, message: `${issue.message}${hints.join('')}` }
  })
}

/** Structural view of a zod 4 schema, enough to walk objects through optional/default/nullable wrappers. */
interface SchemaShape {
  readonly shape?: Readonly<Record<string, unknown>>
  readonly _zod?: { readonly def?: { readonly innerType?: unknown; readonly in?: unknown } }
}

/** The keys of the object schema at `path` inside `schema` (through wrappers), when it is one. */
function objectKeysAt(schema: unknown, path: readonly PropertyKey[]): readonly string[] | undefined {
  let node = schema as SchemaShape | undefined
  for (let i = 0; i <= path.length && node !== undefined; i++) {
    for (let unwrap = 0; unwrap < 8 && node?.shape === undefined; unwrap++) {
      const def = node?._zod?.def
      node = (def?.innerType ?? def?.in) as SchemaShape | undefined
    }
    if (node?.shape === undefined) return undefined
    if (i === path.length) return Object.keys(node.shape)
    node = node.shape[String(path[i])] as SchemaShape | undefined
  }
  return undefined
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
  throw new ConfigError(`Invalid ${what}`, zodIssues(result.error, path, schema))
}
