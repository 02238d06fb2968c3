/**
 * Loads a `quantum.config.ts` with c12 (which uses jiti for TypeScript), applies command-line overrides
 * and validates it against {@link QuantumConfigSchema}, reporting every issue by path.
 * @packageDocumentation
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { loadConfig } from 'c12'
import {
  ConfigError,
  didYouMean,
  DataConfigSchema,
  ExchangeConfigSchema,
  OutputConfigSchema,
  QuantumConfigSchema,
  resolveConfigExport,
  zodIssues,
} from '@quantum/core'
import type { QuantumConfig, RunMode, ValidationIssue } from '@quantum/core'

/** Command-line values that replace parts of the config's `data` section. */
export interface ConfigOverrides {
  /** Candle files replacing `data.candles` (relative paths resolve against `cwd`). @default keep the config's */
  readonly data?: readonly string[]
  /** Replaces `data.symbols`. @default keep the config's */
  readonly symbols?: readonly string[]
  /** Replaces `data.from`. @default keep the config's */
  readonly from?: string | number
  /** Replaces `data.to`. @default keep the config's */
  readonly to?: string | number
}

/**
 * How the config file's modules are loaded (handed to jiti, which c12 uses to import TypeScript).
 * Declared here so that the package's types do not depend on jiti's.
 */
export interface ConfigLoaderOptions {
  /** Module aliases, e.g. `{ '@quantum/core': '/repo/packages/core/src/index.ts' }`. @default none */
  readonly alias?: Readonly<Record<string, string>>
  /** Keep evaluated modules between loads in this process. @default false */
  readonly moduleCache?: boolean
}

/** Options of {@link loadQuantumConfig}. */
export interface LoadQuantumConfigOptions {
  /** Directory that relative command-line paths resolve against. @default process.cwd() */
  readonly cwd?: string
  /** The mode a config function receives (`defineConfig((env) => ...)`). @default 'backtest' */
  readonly mode?: RunMode
  /** Command-line overrides, applied before validation. @default none */
  readonly overrides?: ConfigOverrides
  /** Extra jiti options (e.g. `alias`) for loading the config file. @default none */
  readonly jitiOptions?: ConfigLoaderOptions
}

/** A validated config and where it came from. */
export interface LoadedConfig {
  /** The config with defaults filled in and every file path made absolute. */
  readonly config: QuantumConfig
  /** Absolute path of the config file. */
  readonly file: string
  /** The config file's folder (what relative paths in the config resolve against). */
  readonly baseDir: string
}

/**
 * Loads, overrides and validates a config file.
 * @throws {ConfigError} when the file is missing, cannot be loaded, or fails validation (every issue listed by path).
 * @example const { config, baseDir } = await loadQuantumConfig('quantum.config.ts', { overrides: { symbols: ['BTCUSDT'] } })
 */
export async function loadQuantumConfig(file: string, options: LoadQuantumConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd()
  const mode = options.mode ?? 'backtest'
  const abs = resolve(cwd, file)
  if (!existsSync(abs)) throw new ConfigError(`Config file not found: ${abs}`)
  const baseDir = dirname(abs)
  if (!hasDefaultExport(readFileSync(abs, 'utf8'))) {
    throw new ConfigError(`Config ${abs} has no default export`, [
      {
        path: relative(cwd, abs) || abs,
        message: 'export the config as the default: export default defineConfig({ data: …, plugins: […] })',
      },
    ])
  }
  const exported = await importConfigFile(abs, mode, options.jitiOptions)
  const raw = applyOverrides(await resolveConfigExport(exported, mode), options.overrides, cwd)
  const parsed = QuantumConfigSchema.safeParse(raw)
  if (!parsed.success) throw new ConfigError(`Invalid config ${abs}`, zodIssues(parsed.error).map(suggestKeys))
  return { config: resolveConfigPaths(parsed.data, baseDir), file: abs, baseDir }
}

async function importConfigFile(
  abs: string,
  mode: RunMode,
  jitiOptions: ConfigLoaderOptions | undefined,
): Promise<unknown> {
  try {
    const loaded = await loadConfig<Record<string, unknown>>({
      configFile: abs,
      name: 'quantum',
      cwd: dirname(abs),
      // Only the file itself: no rc files, package.json keys, dotenv, $env layers or `extends`.
      rcFile: false,
      packageJson: false,
      dotenv: false,
      envName: false,
      extend: false,
      giget: false,
      // A config function gets the RuntimeEnv, as `defineConfig((env) => ...)` promises.
      context: { mode },
      // Keep the exported object as is (plugin instances included) instead of deep-merging layers.
      merger: (...sources) => sources.find((s) => s !== null && s !== undefined) ?? {},
      ...(jitiOptions === undefined ? {} : { jitiOptions: { ...jitiOptions, alias: { ...jitiOptions.alias } } }),
    })
    return loaded.config
  } catch (error) {
    const issue = loadIssue(error, abs)
    const missing = /(\w+) is not a function: the module/.exec(issue.message)?.[1]
    const hint = missing === undefined ? '' : await importHint(abs, missing, jitiOptions?.alias)
    throw new ConfigError(`Could not load config ${abs}`, [{ ...issue, message: `${issue.message}${hint}` }], {
      cause: error,
    })
  }
}

/** True when a config's source has a default export (ESM `export default`, `as default`, or CommonJS). */
function hasDefaultExport(source: string): boolean {
  return /\bexport\s+default\b|\bas\s+default\b|\bmodule\.exports\b|\bexports\.default\b/.test(source)
}

/**
 * Where and why a config failed to load: the first stack frame in the project's own files (not in
 * node_modules) as `file:line`, and the message with jiti's interop names undone
 * (`(0 , _agents.emaCros) is not a function` -> `emaCros is not a function`).
 */
function loadIssue(error: unknown, abs: string): { path: string; message: string } {
  const raw = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  const interop = /\(0 , _\w+\.(\w+)\) is not a function/.exec(raw)
  const message =
    interop === null
      ? raw.replace(/\b_\w+\.(\w+)\b/g, '$1')
      : `${raw.slice(0, interop.index)}${interop[1]} is not a function: the module it is imported from has no export of that name (a typo in the import?)`
  const hint = /is not defined$/.test(message) ? ' (a typo in a name, or a missing import?)' : ''
  const stack = error instanceof Error ? (error.stack ?? '') : ''
  const frames = stack
    .split('\n')
    .map((line) => /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?\s*$/.exec(line))
    .filter((m) => m !== null && !m[1]!.includes('/node_modules/'))
  // The config file's own line first (a plugin's options error is thrown inside the SDK, called from it).
  const frame = frames.find((m) => m![1]!.replace(/^file:\/\//, '') === abs) ?? frames[0]
  const where = frame === undefined || frame === null ? abs : `${frame[1]!.replace(/^file:\/\//, '')}:${frame[2]!}`
  return { path: where, message: `${message}${hint}` }
}

/**
 * `' (did you mean X?)'` for a name a config imports that its module does not export: the import line is
 * found in the source, the module resolved from the config's folder and its export names compared.
 */
async function importHint(
  abs: string,
  name: string,
  alias: Readonly<Record<string, string>> | undefined,
): Promise<string> {
  try {
    const source = readFileSync(abs, 'utf8')
    for (const m of source.matchAll(/import\s*(?:type\s+)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)) {
      const names = m[1]!.split(',').map((part) =>
        part
          .trim()
          .split(/\s+as\s+/)[0]!
          .trim(),
      )
      if (!names.includes(name)) continue
      const resolved = alias?.[m[2]!] ?? createRequire(abs).resolve(m[2]!)
      const mod = (await import(pathToFileURL(resolved).href)) as Record<string, unknown>
      return didYouMean(
        name,
        Object.keys(mod).filter((k) => k !== 'default'),
      )
    }
  } catch {
    // No hint is better than a wrong one: the message already names the import.
  }
  return ''
}

/** The keys each section of a config takes, for "did you mean" on an unknown key. */
const SECTION_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': Object.keys(QuantumConfigSchema.shape),
  data: Object.keys(DataConfigSchema.shape),
  exchange: Object.keys(ExchangeConfigSchema.shape),
  output: Object.keys(OutputConfigSchema.shape),
}

/** Adds "did you mean" to an unknown-key issue of a config section (`datas` -> `data`). */
function suggestKeys(issue: ValidationIssue): ValidationIssue {
  const known = SECTION_KEYS[issue.path]
  const keys = /^Unrecognized keys?: (.+)$/.exec(issue.message)?.[1]
  if (known === undefined || keys === undefined) return issue
  const hints = [...keys.matchAll(/"([^"]+)"/g)].map((m) => didYouMean(m[1]!, known)).filter((h) => h !== '')
  return hints.length === 0 ? issue : { ...issue, message: `${issue.message}${hints.join('')}` }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function applyOverrides(raw: unknown, overrides: ConfigOverrides | undefined, cwd: string): unknown {
  if (overrides === undefined || !isRecord(raw)) return raw
  const changes: Record<string, unknown> = {}
  if (overrides.data !== undefined && overrides.data.length > 0) {
    const candles = overrides.data.map((p) => resolve(cwd, p))
    changes.candles = candles
    // Companions follow the config: a config without funding (or mark) files keeps none, so a strategy
    // defined without funding (the reference strategy) is not changed by the data folder's layout.
    const declared = isRecord(raw.data) ? raw.data : {}
    const { funding, mark } = companionFiles(candles)
    if (funding !== undefined && declared.funding !== undefined) changes.funding = funding
    if (mark !== undefined && declared.mark !== undefined) changes.mark = mark
  }
  if (overrides.symbols !== undefined) changes.symbols = [...overrides.symbols]
  if (overrides.from !== undefined) changes.from = overrides.from
  if (overrides.to !== undefined) changes.to = overrides.to
  if (Object.keys(changes).length === 0) return raw
  const data = isRecord(raw.data) ? raw.data : {}
  return { ...raw, data: { ...data, ...changes } }
}

/**
 * The funding and mark-price files that follow `--data` candles: for `<dir>/<SYMBOL>-<tf>.csv[.gz]`,
 * `<SYMBOL>-funding-8h.csv` beside it or in `<dir>/funding/`, and `<SYMBOL>-<tf>-mark.csv` in
 * `<dir>/mark/` or beside it (the layout of `shared/data`). Found files replace the config's
 * `data.funding` / `data.mark` when the config has them (a config without funding stays without); when
 * none is found the config's stay, and a funding file that does not
 * overlap the new candles is a `DataError` at load (never silently zero funding).
 */
export function companionFiles(candles: readonly string[]): { funding?: string[]; mark?: string[] } {
  const funding: string[] = []
  const mark: string[] = []
  for (const file of candles) {
    const dir = dirname(file)
    const m = /^([A-Z0-9]{2,30})-(\w+?)\.csv(\.gz)?$/.exec(basename(file))
    if (m === null) continue
    const [, symbol, tf] = m
    const f = [join(dir, `${symbol}-funding-8h.csv`), join(dir, 'funding', `${symbol}-funding-8h.csv`)].find(existsSync)
    if (f !== undefined) funding.push(f)
    const k = [join(dir, 'mark', `${symbol}-${tf}-mark.csv`), join(dir, `${symbol}-${tf}-mark.csv`)].find(existsSync)
    if (k !== undefined) mark.push(k)
  }
  return { ...(funding.length > 0 ? { funding } : {}), ...(mark.length > 0 ? { mark } : {}) }
}

function absolute(path: string, baseDir: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path)
}

function absoluteAll<T extends string | string[]>(paths: T, baseDir: string): T {
  return (typeof paths === 'string' ? absolute(paths, baseDir) : paths.map((p) => absolute(p, baseDir))) as T
}

/** Makes `data.candles`, `data.funding`, `data.mark` and `exchange.exchangeInfo` absolute, relative to `baseDir`. */
export function resolveConfigPaths(config: QuantumConfig, baseDir: string): QuantumConfig {
  const { data, exchange } = config
  return {
    ...config,
    data: {
      ...data,
      candles: absoluteAll(data.candles, baseDir),
      ...(data.funding === undefined ? {} : { funding: absoluteAll(data.funding, baseDir) }),
      ...(data.mark === undefined ? {} : { mark: absoluteAll(data.mark, baseDir) }),
    },
    exchange: {
      ...exchange,
      ...(exchange.exchangeInfo === undefined ? {} : { exchangeInfo: absolute(exchange.exchangeInfo, baseDir) }),
    },
  }
}
