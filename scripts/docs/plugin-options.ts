/**
 * Generates `docs/guides/plugin-options.md`: every plugin factory the packages export, with a table of
 * its options (type, default, range or choices, description). Types, defaults and ranges come from the
 * plugin's own zod schema (`factory.optionsSchema`, through `z.toJSONSchema`); descriptions from the
 * TSDoc comment above each key in the schema's source. `--check` fails when the committed page is stale.
 *
 * Usage: node --import tsx scripts/docs/plugin-options.ts [--check]
 * @packageDocumentation
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { z } from 'zod'

const root = fileURLToPath(new URL('../../', import.meta.url))
/** The page this script writes. */
export const PAGE = join(root, 'docs/guides/plugin-options.md')

/** Packages whose exports are scanned, in the order the page lists them. */
const PACKAGES = ['core', 'agents', 'exit-brain', 'risk', 'ops', 'clm'] as const

/** One option row of a plugin's table. */
export interface OptionRow {
  readonly key: string
  readonly type: string
  readonly required: boolean
  readonly defaultValue: string
  readonly range: string
  readonly description: string
}

/** One plugin factory and its options. */
export interface PluginDoc {
  readonly pkg: string
  readonly exportName: string
  readonly pluginName: string
  readonly kind: string
  readonly options: readonly OptionRow[]
}

type Json = Record<string, unknown>

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts') ? [path] : []
  })
}

function docOf(node: ts.Node, file: ts.SourceFile): string {
  const text = file.getFullText()
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []
  const last = ranges.at(-1)
  if (last === undefined) return ''
  const comment = text.slice(last.pos, last.end)
  if (!comment.startsWith('/**')) return ''
  return comment
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, '').trim())
    .join(' ')
    .replace(/@default\b.*$/, '')
    .replace(/\{@link\s+([^}|\s]+)(?:\s*\|\s*([^}]+))?\}/g, (_m, target: string, label?: string) => label ?? target)
    .trim()
}

/**
 * Descriptions of option keys by plugin name, read from the sources: the `options` of each
 * `definePlugin({ name, options })` call (inline, or a `const` of any file of the package), walking
 * every object literal in it (nested keys as `parent.key`) and the schemas it references by name.
 */
export function sourceDescriptions(pkgDir: string): Map<string, Map<string, string>> {
  const files = sourceFiles(join(pkgDir, 'src')).map((path) =>
    ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true),
  )
  const consts = new Map<string, { node: ts.Expression; file: ts.SourceFile }>()
  const local = new Map<ts.SourceFile, Map<string, ts.Expression>>()
  const calls: { name: string; options: ts.Expression; file: ts.SourceFile }[] = []
  for (const file of files) {
    const visit = (node: ts.Node): void => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) {
        if (!consts.has(node.name.text)) consts.set(node.name.text, { node: node.initializer, file })
        const own = local.get(file) ?? new Map<string, ts.Expression>()
        local.set(file, own)
        if (!own.has(node.name.text)) own.set(node.name.text, node.initializer)
      }
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'definePlugin') {
        const arg = node.arguments[0]
        if (arg !== undefined && ts.isObjectLiteralExpression(arg)) {
          let name: string | undefined
          let options: ts.Expression | undefined
          for (const p of arg.properties) {
            if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) {
              if (p.name.text === 'name') name = nameOf(p.initializer, file)
              if (p.name.text === 'options') options = p.initializer
            }
            if (ts.isShorthandPropertyAssignment(p) && p.name.text === 'options') options = p.name
          }
          if (options !== undefined) calls.push({ name: name ?? `${file.fileName}#${calls.length}`, options, file })
        }
      }
      ts.forEachChild(node, visit)
    }
    visit(file)
  }
  // A name given as a constant resolves through it; a computed one (`agents:${family}`) stays unknown.
  function nameOf(node: ts.Expression, file: ts.SourceFile): string | undefined {
    if (ts.isStringLiteralLike(node)) return node.text
    const target = ts.isIdentifier(node) ? local.get(file)?.get(node.text) : undefined
    return target !== undefined && ts.isStringLiteralLike(target) ? target.text : undefined
  }
  const result = new Map<string, Map<string, string>>()
  const anyPlugin = new Map<string, string>()
  result.set('*', anyPlugin)
  for (const call of calls) {
    const docs = new Map<string, string>()
    const seen = new Set<string>()
    const walk = (node: ts.Node, file: ts.SourceFile, prefix: string): void => {
      if (prefix.split('.').length > 3) return
      const isMemberName = ts.isPropertyAccessExpression(node.parent) && node.parent.name === node
      if (ts.isIdentifier(node) && !isMemberName && !seen.has(`${file.fileName}#${node.text}#${prefix}`)) {
        // A name resolves in its own file first, then anywhere in the package (imported schemas).
        const same = local.get(file)?.get(node.text)
        const target = same === undefined ? consts.get(node.text) : { node: same, file }
        if (target !== undefined) {
          seen.add(`${file.fileName}#${node.text}#${prefix}`)
          walk(target.node, target.file, prefix)
          return
        }
      }
      if (ts.isObjectLiteralExpression(node)) {
        for (const p of node.properties) {
          if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) continue
          const key = `${prefix}${p.name.text}`
          const doc = docOf(p, file)
          if (doc !== '' && !docs.has(key)) docs.set(key, doc)
          walk(p.initializer, file, `${key}.`)
        }
        return
      }
      ts.forEachChild(node, (child) => walk(child, file, prefix))
    }
    walk(call.options, call.file, '')
    result.set(call.name, docs)
    for (const [key, doc] of docs) if (!anyPlugin.has(key)) anyPlugin.set(key, doc)
  }
  return result
}

function typeOf(schema: Json): string {
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).map((v) => JSON.stringify(v)).join(' | ')
  if (schema.const !== undefined) return JSON.stringify(schema.const)
  const union = (schema.anyOf ?? schema.oneOf) as Json[] | undefined
  if (union !== undefined) return [...new Set(union.map(typeOf))].join(' | ')
  if (schema.type === 'array') {
    const items = schema.items as Json | undefined
    return `${items === undefined ? 'unknown' : typeOf(items)}[]`
  }
  if (schema.type === 'integer') return 'integer'
  if (typeof schema.type === 'string') return schema.type
  if (Array.isArray(schema.type)) return (schema.type as string[]).join(' | ')
  return 'any'
}

function num(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value)
}

function rangeOf(schema: Json): string {
  const parts: string[] = []
  const safe = (v: unknown): boolean => v !== undefined && Math.abs(Number(v)) < Number.MAX_SAFE_INTEGER
  if (schema.type === 'integer' && !safe(schema.maximum)) delete schema.maximum
  if (schema.type === 'integer' && !safe(schema.minimum)) delete schema.minimum
  if (schema.minimum !== undefined) parts.push(`≥ ${num(schema.minimum)}`)
  if (schema.exclusiveMinimum !== undefined) parts.push(`> ${num(schema.exclusiveMinimum)}`)
  if (schema.maximum !== undefined) parts.push(`≤ ${num(schema.maximum)}`)
  if (schema.exclusiveMaximum !== undefined) parts.push(`< ${num(schema.exclusiveMaximum)}`)
  if (schema.minLength !== undefined) parts.push(`length ≥ ${num(schema.minLength)}`)
  if (schema.maxLength !== undefined) parts.push(`length ≤ ${num(schema.maxLength)}`)
  if (schema.minItems !== undefined) parts.push(`items ≥ ${num(schema.minItems)}`)
  if (schema.maxItems !== undefined) parts.push(`items ≤ ${num(schema.maxItems)}`)
  if (parts.length === 0) {
    const union = (schema.anyOf ?? schema.oneOf) as Json[] | undefined
    const inner = union?.map(rangeOf).filter((r) => r !== '')
    if (inner !== undefined && inner.length > 0) return inner.join('; ')
  }
  return parts.join(', ')
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

function defaultText(value: unknown): string {
  if (value === undefined) return ''
  const json = JSON.stringify(value)
  return json.length > 60 ? `${json.slice(0, 57)}…` : json
}

/** The option rows of one object schema (nested objects one level deep, as `parent.key`). */
export function optionRows(schema: z.ZodType, docs: ReadonlyMap<string, string>): OptionRow[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json
  const rows: OptionRow[] = []
  const add = (obj: Json, prefix: string, depth: number): void => {
    const props = (obj.properties ?? {}) as Record<string, Json>
    const required = new Set((obj.required ?? []) as string[])
    for (const [key, prop] of Object.entries(props)) {
      const path = `${prefix}${key}`
      rows.push({
        key: path,
        type: typeOf(prop),
        required: required.has(key) && prop.default === undefined,
        defaultValue: defaultText(prop.default),
        range: rangeOf(prop),
        description: docs.get(path) ?? (typeof prop.description === 'string' ? prop.description : ''),
      })
      if (depth < 1 && prop.type === 'object' && prop.properties !== undefined) add(prop, `${path}.`, depth + 1)
    }
  }
  add(json, '', 0)
  return rows
}

function isFactory(value: unknown): value is { pluginName: string; pluginKind: string; optionsSchema: z.ZodType } {
  return (
    typeof value === 'function' &&
    typeof (value as { pluginName?: unknown }).pluginName === 'string' &&
    (value as { optionsSchema?: unknown }).optionsSchema !== undefined
  )
}

/** Every plugin factory exported by the packages, with its option rows. */
export async function collectPluginDocs(): Promise<PluginDoc[]> {
  const docs: PluginDoc[] = []
  for (const pkg of PACKAGES) {
    const mod = (await import(`@quantum/${pkg}`)) as Record<string, unknown>
    const descriptions = sourceDescriptions(join(root, 'packages', pkg))
    for (const [exportName, value] of Object.entries(mod).sort(([a], [b]) => a.localeCompare(b))) {
      if (!isFactory(value)) continue
      // Plugins named by a computed string fall back to the package's descriptions of the same keys.
      const own = descriptions.get(value.pluginName) ?? descriptions.get('*')!
      docs.push({
        pkg,
        exportName,
        pluginName: value.pluginName,
        kind: value.pluginKind,
        options: optionRows(value.optionsSchema, own),
      })
    }
  }
  return docs
}

/** The Markdown page for the plugin docs. */
export function renderPage(plugins: readonly PluginDoc[]): string {
  const lines = [
    '---',
    'title: Plugin options',
    '---',
    '',
    '# Plugin options',
    '',
    'Every plugin the packages ship, with the options its factory takes. Generated from each plugin’s zod',
    'schema (types, defaults, ranges) and the TSDoc of its keys by `scripts/docs/plugin-options.ts`; a test',
    'fails when this page is stale. A mistyped option is refused at start with the closest valid name.',
    '',
  ]
  for (const pkg of PACKAGES) {
    const own = plugins.filter((p) => p.pkg === pkg)
    if (own.length === 0) continue
    lines.push(`## @quantum/${pkg}`, '')
    for (const p of own) {
      lines.push(
        `### \`${p.exportName}\``,
        '',
        `\`${p.pluginName}\`, ${/^[aeiou]/.test(p.kind) ? 'an' : 'a'} ${p.kind} plugin.`,
        '',
      )
      if (p.options.length === 0) {
        lines.push('Takes no options.', '')
        continue
      }
      lines.push('| option | type | default | range | description |', '| --- | --- | --- | --- | --- |')
      for (const o of p.options) {
        const def = o.required ? '**required**' : o.defaultValue === '' ? '' : `\`${cell(o.defaultValue)}\``
        lines.push(`| \`${o.key}\` | ${cell(o.type)} | ${def} | ${cell(o.range)} | ${cell(o.description)} |`)
      }
      lines.push('')
    }
  }
  return `${lines.join('\n')}`
}

async function main(): Promise<void> {
  const page = renderPage(await collectPluginDocs())
  if (process.argv.includes('--check')) {
    const current = readFileSync(PAGE, 'utf8')
    if (current !== page) {
      process.stderr.write(`${relative(root, PAGE)} is stale: run node --import tsx scripts/docs/plugin-options.ts\n`)
      process.exitCode = 1
    }
    return
  }
  writeFileSync(PAGE, page)
  process.stdout.write(`wrote ${relative(root, PAGE)}\n`)
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main()
