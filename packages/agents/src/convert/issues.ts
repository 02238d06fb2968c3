import { ModelError, zodIssues, type ValidationIssue } from '@quantum/core'
import type { z } from 'zod'

/**
 * A {@link ModelError} for `source` that lists every problem by its path in the model document.
 * @example throw modelIssues('xgb.json', 'invalid XGBoost JSON model', [{ path: 'learner', message: 'missing' }])
 */
export function modelIssues(source: string, what: string, issues: readonly ValidationIssue[]): ModelError {
  const shown = issues.slice(0, 20).map((i) => `  - ${i.path === '' ? '(root)' : i.path}: ${i.message}`)
  const more = issues.length > 20 ? [`  … and ${issues.length - 20} more`] : []
  return new ModelError(source, `${what}:\n${[...shown, ...more].join('\n')}`)
}

/**
 * Parses `value` with `schema` or throws a {@link ModelError} naming every bad field.
 * @example const model = parseModel(XgbSchema, json, 'xgb.json', 'invalid XGBoost JSON model')
 */
export function parseModel<S extends z.ZodType>(
  schema: S,
  value: unknown,
  target: { readonly source: string; readonly what: string },
): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  throw modelIssues(target.source, target.what, zodIssues(result.error))
}
