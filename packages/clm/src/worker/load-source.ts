/**
 * The import of a worker module as source text, for the bootstraps of worker threads and of the worker
 * host process (neither inherits the parent's TypeScript loader).
 * @packageDocumentation
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

/**
 * Source text of an expression importing `file`: a `.ts` module (sources, under tests or tsx) through
 * tsx's `tsImport`, a `.js`/`.cjs` one by `import()`.
 */
export function loadSource(file: string): string {
  const target = pathToFileURL(file).href
  if (!file.endsWith('.ts')) return `import(${JSON.stringify(target)})`
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json')
  const api = pathToFileURL(join(dirname(pkg), 'dist/esm/api/index.mjs')).href
  return `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(target)}, ${JSON.stringify(target)}))`
}
