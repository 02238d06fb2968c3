/**
 * Type-checks a `quantum.config.ts` with the TypeScript compiler API before it runs (jiti, which loads
 * it, strips types without checking them): a type error stops the run with its file, line and column.
 * A check that passed is remembered by the content hashes of the files it read outside node_modules, so
 * an unchanged config is not checked again.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { importOptional } from '@quantum/core'
import type { ValidationIssue } from '@quantum/core'
import type * as TypeScript from 'typescript'
import { writeFileAtomic } from './atomic.js'

type Ts = typeof TypeScript

/** Options of {@link typeCheckConfig}. */
export interface TypeCheckOptions {
  /** Where passed checks are remembered; undefined = always check. */
  readonly cacheDir?: string
  /** Directory that issue paths are printed relative to. @default process.cwd() */
  readonly cwd?: string
}

/** What {@link typeCheckConfig} found. */
export interface TypeCheckResult {
  /** Every type error, located as `file:line:column` with the compiler's code and message. */
  readonly issues: readonly ValidationIssue[]
  /** True when an earlier passed check of the same file contents was reused (no compiler run). */
  readonly cached: boolean
  /** The files checked outside node_modules (the config and what it imports). */
  readonly files: readonly string[]
}

interface CacheEntry {
  readonly key: string
  readonly files: Readonly<Record<string, string>>
}

let tsLoading: Promise<Ts> | undefined

/**
 * Imports `typescript` (an optional peer of `@quantum/runtime`; a TypeScript project has it).
 * @throws {MissingDependencyError} when it is not installed.
 */
export function loadTypeScript(): Promise<Ts> {
  tsLoading ??= importOptional('typescript', 'Type-checking quantum.config.ts', () => import('typescript')).then(
    (mod) => ('createProgram' in mod ? mod : (mod as { default: Ts }).default),
    (error: unknown) => {
      tsLoading = undefined
      throw error
    },
  )
  return tsLoading
}

function sha(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex')
}

function cachePath(cacheDir: string, file: string): string {
  return join(cacheDir, `typecheck-${sha(file).slice(0, 16)}.json`)
}

/** The files and environment a passed check depended on still hash the same. */
function cacheHit(cacheDir: string, file: string, key: string): string[] | undefined {
  try {
    const entry = JSON.parse(readFileSync(cachePath(cacheDir, file), 'utf8')) as CacheEntry
    if (entry.key !== key) return undefined
    for (const [path, hash] of Object.entries(entry.files)) {
      if (!existsSync(path) || sha(readFileSync(path)) !== hash) return undefined
    }
    return Object.keys(entry.files)
  } catch {
    return undefined
  }
}

/** What else a check depends on: the compiler and SDK versions and the project's manifests. */
function environmentKey(file: string): string {
  const parts: string[] = []
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    for (const name of ['package.json', 'package-lock.json', 'tsconfig.json']) {
      const path = join(dir, name)
      if (existsSync(path)) parts.push(`${path}:${sha(readFileSync(path))}`)
    }
    if (dirname(dir) === dir || existsSync(join(dir, 'node_modules'))) break
  }
  return sha(parts.join('\n'))
}

/** Compiler options: the project's tsconfig.json when there is one, checked as a consumer of the SDK. */
function compilerOptions(ts: Ts, file: string): TypeScript.CompilerOptions {
  const defaults: TypeScript.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    allowImportingTsExtensions: true,
  }
  const configPath = ts.findConfigFile(dirname(file), (p) => ts.sys.fileExists(p))
  const parsed =
    configPath === undefined
      ? undefined
      : ts.getParsedCommandLineOfConfigFile(
          configPath,
          {},
          { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
        )
  return {
    ...defaults,
    ...parsed?.options,
    // Against the packages' published declarations (not a workspace's sources), without checking them.
    customConditions: [],
    skipLibCheck: true,
    noEmit: true,
    allowImportingTsExtensions: true,
  }
}

/**
 * Type-checks `file` and the project files it imports (node_modules' declarations are used, not checked).
 * @throws {MissingDependencyError} when `typescript` is not installed (and no cached pass applies).
 * @example const { issues } = await typeCheckConfig('quantum.config.ts', { cacheDir })
 */
export async function typeCheckConfig(file: string, options: TypeCheckOptions = {}): Promise<TypeCheckResult> {
  const abs = resolve(file)
  const key = environmentKey(abs)
  const hit = options.cacheDir === undefined ? undefined : cacheHit(options.cacheDir, abs, key)
  if (hit !== undefined) return { issues: [], cached: true, files: hit }
  const ts = await loadTypeScript()
  const program = ts.createProgram({ rootNames: [abs], options: compilerOptions(ts, abs) })
  const own = program.getSourceFiles().filter((f) => !f.fileName.includes('/node_modules/') && !f.isDeclarationFile)
  const cwd = options.cwd ?? process.cwd()
  const issues = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d): ValidationIssue => {
      const message = `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
      if (d.file === undefined || d.start === undefined) return { path: relative(cwd, abs), message }
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start)
      return { path: `${relative(cwd, d.file.fileName)}:${line + 1}:${character + 1}`, message }
    })
  const files = own.map((f) => f.fileName)
  if (issues.length === 0 && options.cacheDir !== undefined) {
    mkdirSync(options.cacheDir, { recursive: true })
    const entry: CacheEntry = { key, files: Object.fromEntries(files.map((f) => [f, sha(readFileSync(f))])) }
    await writeFileAtomic(cachePath(options.cacheDir, abs), `${JSON.stringify(entry)}\n`)
  }
  return { issues, cached: false, files }
}

/** The cache folder of a project: `node_modules/.cache/quantum-run` beside the nearest node_modules, if any. */
export function defaultCacheDir(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules', '.cache', 'quantum-run')
    if (dirname(dir) === dir) return undefined
  }
}
