/**
 * The one error hierarchy of the SDK (modelled on ccxt's `errorHierarchy.ts`): every error the SDK
 * throws is a {@link QuantumError} with a stable {@link QuantumErrorCode}. Add a class only where a
 * caller would `catch` it differently.
 *
 * ```
 * QuantumError
 * ├── ConfigError          (CONFIG_INVALID)   config file, CLI flags, plugin options
 * ├── DataError            (DATA_INVALID)     candle / funding files: rows, NaN, order, gaps
 * ├── PluginError          (PLUGIN_FAILED)    a plugin threw, returned invalid output or overran its budget
 * ├── ModelError           (MODEL_INVALID)    model file missing/corrupt, metadata or shape mismatch
 * ├── AuthError            (UNAUTHORIZED)     a protected action without a valid token (emergency stop reset)
 * ├── MissingDependencyError (DEPENDENCY_MISSING) an optional peer (ccxt, onnxruntime-node) is not installed
 * ├── ExchangeError        (EXCHANGE_REJECTED)
 * │   ├── InvalidOrder     (INVALID_ORDER)    precision, min notional, unknown symbol, bad params
 * │   ├── InsufficientFunds(INSUFFICIENT_FUNDS)
 * │   └── StaleOrderError  (ORDER_STALE)      an entry waited too long in the venue queue; not sent
 * ├── NetworkError         (NETWORK)
 * │   └── RateLimitExceeded(RATE_LIMITED)
 * └── StateStoreError      (state/errors.ts)  the durable state store
 *     ├── StateInvalidError    (STATE_INVALID)     corrupt or foreign database, newer schema, duplicate entry
 *     ├── StateUnavailableError(STATE_UNAVAILABLE) server unreachable
 *     ├── StateLockedError     (STATE_LOCKED)      another process holds the run
 *     └── StateFullError       (STATE_FULL)        disk full while writing
 * ```
 * @packageDocumentation
 */

/** Every error code the SDK uses, with what it means. */
export const QUANTUM_ERROR_CODES = {
  /** Config file missing, unparsable, or failing schema validation; also bad plugin options and CLI flags. */
  CONFIG_INVALID: 'CONFIG_INVALID',
  /** A data file (candles, funding, exchange info, cache) is malformed. */
  DATA_INVALID: 'DATA_INVALID',
  /** A plugin threw inside a hook. */
  PLUGIN_FAILED: 'PLUGIN_FAILED',
  /** The venue (or the paper exchange) refused a request. */
  EXCHANGE_REJECTED: 'EXCHANGE_REJECTED',
  /** An order breaks a venue rule: precision, min notional, unknown symbol, reduce-only without position. */
  INVALID_ORDER: 'INVALID_ORDER',
  /** Not enough available balance for the initial margin and fees of an order. */
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  /** An entry waited in the venue queue longer than its age limit and was dropped unsent. */
  ORDER_STALE: 'ORDER_STALE',
  /** Transport problem; safe to retry with backoff. */
  NETWORK: 'NETWORK',
  /** The venue throttled us. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A capability that exists in the design but is not available yet (e.g. a run mode). */
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  /** A model file is missing, corrupt, or does not match its metadata or the configured features. */
  MODEL_INVALID: 'MODEL_INVALID',
  /** A protected action (e.g. resetting the emergency stop) was asked for without a valid token. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** The state database is corrupt, foreign, from a newer version, or refused a duplicate entry. */
  STATE_INVALID: 'STATE_INVALID',
  /** The state database (server) cannot be reached. */
  STATE_UNAVAILABLE: 'STATE_UNAVAILABLE',
  /** Another process holds the run's lock. */
  STATE_LOCKED: 'STATE_LOCKED',
  /** The disk (or database quota) is full: the write was not kept. */
  STATE_FULL: 'STATE_FULL',
  /** An optional peer dependency a feature needs (ccxt, onnxruntime-node, onnx-proto) is not installed. */
  DEPENDENCY_MISSING: 'DEPENDENCY_MISSING',
} as const

/** A stable, machine-readable error code. */
export type QuantumErrorCode = keyof typeof QUANTUM_ERROR_CODES

/** Options accepted by every {@link QuantumError} constructor. */
export interface QuantumErrorOptions {
  /** The underlying error, kept for debugging. */
  cause?: unknown
}

/** Base class of every error thrown by the SDK. Check with {@link isQuantumError} across package copies. */
export class QuantumError extends Error {
  override readonly name: string = 'QuantumError'
  /** Stable code; switch on it rather than on the message. */
  readonly code: QuantumErrorCode

  constructor(code: QuantumErrorCode, message: string, options?: QuantumErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
  }
}

/** One problem found while validating input, located by its path (e.g. `plugins.0.options.period`). */
export interface ValidationIssue {
  /** Dotted path of the offending field, `''` for the root. */
  readonly path: string
  /** What is wrong there. */
  readonly message: string
}

/** A config file, CLI flag or plugin option is invalid. Lists **every** issue, not only the first. */
export class ConfigError extends QuantumError {
  override readonly name = 'ConfigError'
  /** All the problems found, each with its path. */
  readonly issues: readonly ValidationIssue[]

  constructor(message: string, issues: readonly ValidationIssue[] = [], options?: QuantumErrorOptions) {
    super('CONFIG_INVALID', formatIssues(message, issues), options)
    this.issues = issues
  }
}

/** Where in a data file a problem was found. */
export interface DataIssue {
  /** What kind of problem. */
  readonly kind:
    | 'parse'
    | 'nan'
    | 'unsorted'
    | 'duplicate'
    | 'gap'
    | 'ohlc'
    | 'header'
    | 'cache'
    | 'time-range'
    | 'magnitude'
    | 'spike'
  /** 1-based line number in the file (header = line 1), when known. */
  readonly line?: number
  /** The row's timestamp (epoch ms), when known. */
  readonly time?: number
  /** Human-readable details. */
  readonly message: string
}

/** A data file (candles, funding, cache) is malformed; names the file and each bad row. */
export class DataError extends QuantumError {
  override readonly name = 'DataError'
  /** The file (or source name) the problems were found in. */
  readonly source: string
  /** Every problem found (capped by the reader; see its docs). */
  readonly issues: readonly DataIssue[]

  constructor(source: string, issues: readonly DataIssue[], options?: QuantumErrorOptions) {
    const head = issues
      .slice(0, 10)
      .map((i) => `  - ${i.line === undefined ? '' : `line ${i.line}: `}${i.message}`)
      .join('\n')
    const more = issues.length > 10 ? `\n  … and ${issues.length - 10} more` : ''
    super('DATA_INVALID', `Invalid data in ${source}:\n${head}${more}`, options)
    this.source = source
    this.issues = issues
  }
}

/**
 * A plugin failed inside one of its hooks: it threw, returned output that breaks the hook's contract
 * (`field` names the offending field, e.g. `confidence`), or overran the hook time budget of a live run.
 * Engines turn it into a `plugin-error` event and go on.
 */
export class PluginError extends QuantumError {
  override readonly name = 'PluginError'
  /** The plugin's unique name, e.g. `agents:ema-cross`. */
  readonly plugin: string
  /** The hook that failed, e.g. `onBar`. */
  readonly hook: string
  /** For invalid output: the offending field's path (`''` for the value itself, e.g. `null`). */
  readonly field: string | undefined

  /**
   * @param cause What went wrong: the thrown value, or the description of the invalid output.
   * @param field Set for invalid output: the path of the offending field.
   */
  // eslint-disable-next-line max-params -- an optional fourth argument keeps the three-argument form every caller uses
  constructor(plugin: string, hook: string, cause: unknown, field?: string) {
    const what =
      field === undefined
        ? `failed in ${hook}`
        : `returned invalid output from ${hook} (${field === '' ? 'the value itself' : field})`
    super('PLUGIN_FAILED', `Plugin "${plugin}" ${what}: ${describeCause(cause)}`, { cause })
    this.plugin = plugin
    this.hook = hook
    this.field = field
  }
}

/** A model file is missing, corrupt, or does not fit its metadata or the configured features. */
export class ModelError extends QuantumError {
  override readonly name = 'ModelError'
  /** The model file (or model name) concerned. */
  readonly model: string

  constructor(model: string, message: string, options?: QuantumErrorOptions) {
    super('MODEL_INVALID', `Model ${model}: ${message}`, options)
    this.model = model
  }
}

/** A protected action (e.g. resetting the emergency stop) was asked for without a valid token. */
export class AuthError extends QuantumError {
  override readonly name = 'AuthError'

  constructor(message: string, options?: QuantumErrorOptions) {
    super('UNAUTHORIZED', message, options)
  }
}

/**
 * An optional peer dependency is not installed: the model agents need `onnxruntime-node`, the ONNX
 * converters `onnx-proto`, the testnet/live modes `ccxt`. The message names the package and the install
 * command; nothing else of the SDK needs them.
 */
export class MissingDependencyError extends QuantumError {
  override readonly name = 'MissingDependencyError'
  /** The npm package to install, e.g. `onnxruntime-node`. */
  readonly packageName: string
  /** What needed it, e.g. `the ONNX model agents`. */
  readonly neededBy: string

  constructor(packageName: string, neededBy: string, options?: QuantumErrorOptions) {
    super(
      'DEPENDENCY_MISSING',
      `${neededBy} need the optional package "${packageName}", which is not installed: run npm install ${packageName}`,
      options,
    )
    this.packageName = packageName
    this.neededBy = neededBy
  }
}

/**
 * True when `error` says that module `name` (or a file inside it) could not be found, as `import()` and
 * `require()` report it; any other failure while loading the module is a real error and stays one.
 * @example isModuleNotFound(e, 'ccxt')
 */
export function isModuleNotFound(error: unknown, name: string): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false
  return error.message.includes(`'${name}'`) || error.message.includes(`"${name}"`)
}

/** The exchange refused a request. Subclasses say why when a caller would act differently. */
export class ExchangeError extends QuantumError {
  override readonly name: string = 'ExchangeError'
  /** The symbol concerned, when there is one. */
  readonly symbol: string | undefined

  constructor(message: string, symbol?: string, options?: QuantumErrorOptions & { code?: QuantumErrorCode }) {
    super(options?.code ?? 'EXCHANGE_REJECTED', message, options)
    this.symbol = symbol
  }
}

/** An order breaks a venue rule (precision, min notional, reduce-only, unknown symbol, bad values). */
export class InvalidOrder extends ExchangeError {
  override readonly name = 'InvalidOrder'
  /** The offending field of the order request, e.g. `quantity`. */
  readonly field: string | undefined

  constructor(message: string, symbol?: string, field?: string) {
    super(message, symbol, { code: 'INVALID_ORDER' })
    this.field = field
  }
}

/** Not enough available balance for an order's margin and fees. */
export class InsufficientFunds extends ExchangeError {
  override readonly name = 'InsufficientFunds'

  constructor(message: string, symbol?: string) {
    super(message, symbol, { code: 'INSUFFICIENT_FUNDS' })
  }
}

/**
 * An entry waited in a venue's queue (behind a slow or stuck request of its symbol) longer than the
 * kernel's age limit, so it was dropped before being sent: a decision taken on a price that old is
 * stale. Protective commands never expire.
 */
export class StaleOrderError extends ExchangeError {
  override readonly name = 'StaleOrderError'
  /** How long the entry waited (ms). */
  readonly waitedMs: number

  constructor(symbol: string, waitedMs: number, limitMs: number) {
    super(
      `entry for ${symbol} dropped unsent: it waited ${Math.round(waitedMs)} ms in the queue (limit ${limitMs} ms)`,
      symbol,
      { code: 'ORDER_STALE' },
    )
    this.waitedMs = waitedMs
  }
}

/** A transport problem; safe to retry with backoff. */
export class NetworkError extends QuantumError {
  override readonly name: string = 'NetworkError'

  constructor(message: string, options?: QuantumErrorOptions & { code?: QuantumErrorCode }) {
    super(options?.code ?? 'NETWORK', message, options)
  }
}

/** The venue throttled us; wait before retrying. */
export class RateLimitExceeded extends NetworkError {
  override readonly name = 'RateLimitExceeded'

  constructor(message: string, options?: QuantumErrorOptions) {
    super(message, { ...options, code: 'RATE_LIMITED' })
  }
}

/** A capability that is part of the design but not available in this build (says so plainly). */
export class NotSupportedError extends QuantumError {
  override readonly name = 'NotSupportedError'

  constructor(message: string) {
    super('NOT_SUPPORTED', message)
  }
}

/**
 * True when `error` is a {@link QuantumError}, also across duplicate installs of the package
 * (where `instanceof` fails), by checking its shape.
 * @example
 * try { await run() } catch (e) { if (isQuantumError(e) && e.code === 'CONFIG_INVALID') process.exit(2) }
 */
export function isQuantumError(error: unknown): error is QuantumError {
  if (error instanceof QuantumError) return true
  if (typeof error !== 'object' || error === null) return false
  const code = (error as { code?: unknown }).code
  return error instanceof Error && typeof code === 'string' && code in QUANTUM_ERROR_CODES
}

function formatIssues(message: string, issues: readonly ValidationIssue[]): string {
  if (issues.length === 0) return message
  const lines = issues.map((i) => `  - ${i.path === '' ? '(root)' : i.path}: ${i.message}`)
  return `${message}\n${lines.join('\n')}`
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message
  return String(cause)
}
