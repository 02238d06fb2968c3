// @ts-check
/**
 * A typedoc plugin: every top-level export without its own `@category` gets one named after the folder
 * (or file) of the package it is declared in (`core/src/indicators/` -> "Indicators"), so a package's
 * API reads as the groups ARCHITECTURE.md describes instead of one flat list. An explicit tag wins.
 */
import { Comment, CommentTag, Converter, ReflectionKind } from 'typedoc'

/** Names for folders and root files; anything else is title-cased. */
const NAMES = {
  'errors.ts': 'Errors',
  'validate.ts': 'Validation',
  'suggest.ts': 'Validation',
  'schemas.ts': 'Schemas',
  'types.ts': 'Contracts',
  'define-plugin.ts': 'Configuration',
  'config.ts': 'Configuration',
  'result.ts': 'Results',
  'optional.ts': 'Optional dependencies',
  exchange: 'Paper exchange',
  stats: 'Statistics',
  math: 'Trading math',
  state: 'State store',
  http: 'HTTP',
  ess: 'Emergency stop',
  pba: 'Portfolio balance',
  pal: 'Profit amplifier',
  pil: 'Position intelligence',
  rl: 'RL sizing',
  clm: 'Continuous learning',
  gbdt: 'Gradient-boosted trees',
}

/** @param {string} s */
function title(s) {
  const base = s.replace(/\.(ts|mts|cts)$/, '').replace(/-/g, ' ')
  return base.charAt(0).toUpperCase() + base.slice(1)
}

/** @param {string} fileName */
export function categoryOf(fileName) {
  const m = /\/packages\/[^/]+\/src\/(.+)$/.exec(fileName.replace(/\\/g, '/'))
  if (m === null) return undefined
  const first = m[1].split('/')[0]
  if (first === 'index.ts') return undefined
  return NAMES[first] ?? title(first)
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.parent?.kindOf(ReflectionKind.Module | ReflectionKind.Project)) return
    if (reflection.comment?.getTag('@category') !== undefined) return
    const symbol = context.getSymbolFromReflection(reflection)
    const file = symbol?.declarations?.[0]?.getSourceFile().fileName
    const category = file === undefined ? undefined : categoryOf(file)
    if (category === undefined) return
    reflection.comment ??= new Comment()
    reflection.comment.blockTags.push(new CommentTag('@category', [{ kind: 'text', text: category }]))
  })
}
