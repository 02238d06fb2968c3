/**
 * Parses the `quantum-run` command line with `node:util` `parseArgs` (strict: unknown flags are errors).
 * @packageDocumentation
 */
import { parseArgs } from 'node:util'
import { ConfigError, didYouMean, NotSupportedError } from '@quantum/core'
import type { QuantumPlugin, RunMode, ValidationIssue } from '@quantum/core'
import { liveGateIssues } from '@quantum/risk'
import { parseHttpAddress, type HttpAddress } from './run-ops.js'

/** The run modes `--mode` accepts. */
export const RUN_MODES: readonly RunMode[] = ['backtest', 'paper', 'testnet', 'live']

export { USAGE } from './usage.js'

/** What the command line asked for. */
export interface CliArgs {
  /** `run` (the default) or `check` (`quantum-run check config.ts`: type-check and validate only). */
  readonly command: 'run' | 'check'
  /** False with `--no-typecheck`. */
  readonly typecheck: boolean
  /** The config file as given (relative to the current directory); undefined only with --help or --version. */
  readonly config: string | undefined
  /** `--mode`; undefined when not given. */
  readonly mode: RunMode | undefined
  /** `--data` files as given (comma-separated values split). */
  readonly data: readonly string[]
  /** `--symbols`, upper-cased. */
  readonly symbols: readonly string[] | undefined
  /** `--from`: an ISO date or epoch ms. */
  readonly from: string | number | undefined
  /** `--to`: an ISO date or epoch ms. */
  readonly to: string | number | undefined
  /** `--out`: the run folder. */
  readonly out: string | undefined
  /** False with `--no-progress`. */
  readonly progress: boolean
  /** False with `--no-report`. */
  readonly report: boolean
  /** `--json`. */
  readonly json: boolean
  /** `--quiet`. */
  readonly quiet: boolean
  /** `--help`. */
  readonly help: boolean
  /** `--version`. */
  readonly version: boolean
  /** `--speed`: paper replay pace in bars per second (0 = unpaced). */
  readonly speed: number
  /** `--confirm-live`. */
  readonly confirmLive: boolean
  /** `--timeframe` (testnet/live). */
  readonly timeframe: string
  /** `--max-bars` (testnet/live), undefined = until stopped. */
  readonly maxBars: number | undefined
  /** `--orphans` (testnet/live). */
  readonly orphans: 'adopt' | 'cancel' | 'flatten'
  /** `--warmup` (venue feeds): history bars per symbol; undefined = the agents' declared warm-up. */
  readonly warmup: number | undefined
  /** `--feed` (paper): the config's candles replayed, or the venue's live klines. */
  readonly feed: 'replay' | 'venue'
  /** `--http [host:]port` (paper/testnet/live): health, readiness, metrics and the live dashboard. */
  readonly http: HttpAddress | undefined
  /** `--log-level`: debug | info | warn | error (default info; `--quiet` means error). */
  readonly logLevel: LogLevel | undefined
  /** `--fail-on-plugin-error`: exit 1 when any plugin hook threw during the run. */
  readonly failOnPluginError: boolean
  /** `--state <file|postgres://…>`: the durable state store (testnet/live); undefined = the config's `state` or the default. */
  readonly state: string | undefined
  /** `--no-state`: run a testnet/live run without a state store (nothing survives a crash). */
  readonly noState: boolean
  /** `--new-run`: start a new stored run instead of resuming the unfinished one of this config. */
  readonly newRun: boolean
  /** `--notify [kind[:chat]=]url` (repeatable, paper/testnet/live): webhooks of the alert notifier. */
  readonly notify: readonly NotifyTarget[]
}

/** Payload shapes `--notify` accepts (`generic` is the plain JSON alert). */
export const NOTIFY_KINDS = ['generic', 'json', 'telegram', 'discord', 'slack'] as const

/** One `--notify` receiver. */
export interface NotifyTarget {
  readonly format: 'json' | 'telegram' | 'discord' | 'slack'
  /** The receiver URL, or `env:NAME` to read it from the environment (keeps tokens out of `ps`). */
  readonly url: string
  /** Telegram's chat id (`telegram:<chat>=url`). */
  readonly chatId?: string
}

/**
 * Parses one `--notify` value: `url` (generic JSON), `kind=url` (`slack=https://hooks.slack.com/…`), or
 * `telegram:<chat id>=url`; the url may be `env:NAME`.
 * @throws {ConfigError} naming `--notify` for anything else.
 */
export function parseNotifyTarget(value: string): NotifyTarget {
  const match = /^(?:([a-z]+)(?::([^=]+))?=)?((?:https?:\/\/|env:)\S+)$/.exec(value.trim())
  const kind = match?.[1] ?? 'generic'
  const fail = (message: string): never => {
    throw new ConfigError('Invalid command line (see quantum-run --help)', [{ path: '--notify', message }])
  }
  if (match === null) return fail(`"${value}" is not [kind=]url (e.g. slack=https://hooks.slack.com/services/…)`)
  if (!(NOTIFY_KINDS as readonly string[]).includes(kind))
    return fail(`"${kind}" is not a kind${didYouMean(kind, NOTIFY_KINDS)} (expected ${NOTIFY_KINDS.join(', ')})`)
  const format = kind === 'generic' ? 'json' : (kind as NotifyTarget['format'])
  const chatId = match[2]
  if (format === 'telegram' && chatId === undefined) return fail('telegram needs its chat id: telegram:<chat id>=url')
  if (format !== 'telegram' && chatId !== undefined) return fail(`only telegram takes a chat id, not ${kind}`)
  return { format, url: match[3]!, ...(chatId === undefined ? {} : { chatId }) }
}

/** Log levels `--log-level` accepts. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const
/** A `--log-level` value. */
export type LogLevel = (typeof LOG_LEVELS)[number]

const OPTIONS = {
  mode: { type: 'string' },
  data: { type: 'string', multiple: true },
  symbols: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  out: { type: 'string' },
  speed: { type: 'string' },
  timeframe: { type: 'string' },
  'max-bars': { type: 'string' },
  warmup: { type: 'string' },
  orphans: { type: 'string' },
  feed: { type: 'string' },
  http: { type: 'string' },
  notify: { type: 'string', multiple: true },
  state: { type: 'string' },
  'no-state': { type: 'boolean' },
  'new-run': { type: 'boolean' },
  'log-level': { type: 'string' },
  'fail-on-plugin-error': { type: 'boolean' },
  'confirm-live': { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  'no-report': { type: 'boolean' },
  'no-typecheck': { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const

/**
 * Parses `argv` (without the node and script paths).
 * @throws {ConfigError} listing every problem: unknown flags, missing values, bad modes or dates, extra arguments.
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const parsed = parseStrict(argv)
  const v = parsed.values
  const issues: ValidationIssue[] = []
  const mode = parseMode(v.mode, issues)
  const from = parseTimeBound('--from', v.from, issues)
  const to = parseTimeBound('--to', v.to, issues)
  const symbols = v.symbols === undefined ? undefined : splitList(v.symbols).map((s) => s.toUpperCase())
  if (symbols?.length === 0)
    issues.push({ path: '--symbols', message: 'expected at least one symbol, e.g. BTCUSDT,ETHUSDT' })
  const data = (v.data ?? []).flatMap(splitList)
  if (v.data !== undefined && data.length === 0) issues.push({ path: '--data', message: 'expected a file path' })
  const speed = v.speed === undefined ? 0 : Number(v.speed)
  if (!(Number.isFinite(speed) && speed >= 0)) {
    issues.push({ path: '--speed', message: `"${v.speed}" is not a pace (expected bars per second >= 0)` })
  }
  const maxBars = v['max-bars'] === undefined ? undefined : Number(v['max-bars'])
  if (maxBars !== undefined && !(Number.isInteger(maxBars) && maxBars > 0)) {
    issues.push({ path: '--max-bars', message: `"${v['max-bars']}" is not a bar count (expected an integer > 0)` })
  }
  const warmup = v.warmup === undefined ? undefined : Number(v.warmup)
  if (warmup !== undefined && !(Number.isInteger(warmup) && warmup >= 0 && warmup <= 1500)) {
    issues.push({ path: '--warmup', message: `"${v.warmup}" is not a bar count (expected an integer 0-1500)` })
  }
  const timeframe = v.timeframe ?? '1m'
  if (!/^\d+[mhd]$/.test(timeframe))
    issues.push({ path: '--timeframe', message: `"${timeframe}" is not a timeframe (e.g. 1m, 1h)` })
  const orphans = v.orphans ?? 'adopt'
  if (orphans !== 'adopt' && orphans !== 'cancel' && orphans !== 'flatten') {
    issues.push({
      path: '--orphans',
      message: `"${orphans}" is not a policy${didYouMean(orphans, ['adopt', 'cancel', 'flatten'])} (expected adopt, cancel or flatten)`,
    })
  }
  const feed = v.feed ?? 'replay'
  if (feed !== 'replay' && feed !== 'venue') {
    issues.push({
      path: '--feed',
      message: `"${feed}" is not a feed${didYouMean(feed, ['replay', 'venue'])} (expected replay or venue)`,
    })
  }
  if (v.feed !== undefined && mode !== undefined && mode !== 'paper') {
    issues.push({ path: '--feed', message: `only --mode paper takes a feed (testnet and live always use the venue's)` })
  }
  let http: HttpAddress | undefined
  if (v.http !== undefined) {
    try {
      http = parseHttpAddress(v.http)
    } catch (error) {
      issues.push(...(error instanceof ConfigError ? error.issues : []))
    }
    if (mode === 'backtest') issues.push({ path: '--http', message: 'only paper, testnet and live runs serve HTTP' })
  }
  const notify: NotifyTarget[] = []
  for (const value of v.notify ?? []) {
    try {
      notify.push(parseNotifyTarget(value))
    } catch (error) {
      issues.push(...(error instanceof ConfigError ? error.issues : []))
    }
  }
  if (notify.length > 0 && mode === 'backtest')
    issues.push({ path: '--notify', message: 'only paper, testnet and live runs send alerts' })
  if (v.state !== undefined && v['no-state'] === true)
    issues.push({ path: '--state', message: 'give --state or --no-state, not both' })
  if (v['new-run'] === true && v['no-state'] === true)
    issues.push({
      path: '--new-run',
      message: 'a run without a state store is always new: drop --new-run or --no-state',
    })
  if (v['new-run'] === true && mode === 'backtest')
    issues.push({ path: '--new-run', message: 'only paper, testnet and live runs are stored and resumed' })
  const logLevel = v['log-level']
  if (logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    issues.push({
      path: '--log-level',
      message: `"${logLevel}" is not a level${didYouMean(logLevel, LOG_LEVELS)} (expected debug, info, warn or error)`,
    })
  }
  const help = v.help === true
  const version = v.version === true
  const command = parsed.positionals[0] === 'check' ? 'check' : 'run'
  const positionals = command === 'check' ? parsed.positionals.slice(1) : parsed.positionals
  const typo = positionals.length > 1 ? didYouMean(positionals[0]!, ['check']) : ''
  if (typo !== '') {
    issues.push({ path: positionals[0]!, message: `unknown command${typo}` })
  } else if (positionals.length > 1) {
    issues.push({ path: positionals.slice(1).join(' '), message: 'unexpected argument (only one config file)' })
  }
  const config = positionals[0]
  if (config === undefined && !help && !version) {
    issues.push({ path: '<config.ts>', message: 'missing the config file, e.g. quantum-run quantum.config.ts' })
  }
  if (issues.length > 0) throw new ConfigError('Invalid command line (see quantum-run --help)', issues)
  return {
    command,
    typecheck: v['no-typecheck'] !== true,
    config,
    mode,
    data,
    symbols,
    from,
    to,
    out: v.out,
    progress: v['no-progress'] !== true,
    report: v['no-report'] !== true,
    json: v.json === true,
    quiet: v.quiet === true,
    help,
    version,
    speed,
    confirmLive: v['confirm-live'] === true,
    timeframe,
    maxBars,
    orphans: orphans === 'cancel' || orphans === 'flatten' ? orphans : 'adopt',
    feed: feed === 'venue' ? 'venue' : 'replay',
    warmup,
    http,
    logLevel: LOG_LEVELS.find((level) => level === logLevel),
    failOnPluginError: v['fail-on-plugin-error'] === true,
    state: v.state,
    noState: v['no-state'] === true,
    newRun: v['new-run'] === true,
    notify,
  }
}

/**
 * Throws unless `mode` is one `quantum-run` runs (every mode is, in this release).
 * @throws {NotSupportedError} for a mode this build cannot run.
 */
export function assertModeSupported(mode: RunMode): void {
  if (RUN_MODES.includes(mode)) return
  throw new NotSupportedError(`mode ${String(mode)} is not runnable from quantum-run`)
}

/** Environment variables that point the Binance adapter elsewhere; refused in live mode (keys would follow them). */
export const ENDPOINT_OVERRIDES: readonly string[] = Object.freeze([
  'QUANTUM_BINANCE_REST_URL',
  'QUANTUM_BINANCE_WS_URL',
])

/**
 * The gate of `--mode live`, on behaviour rather than plugin names: an explicit `--confirm-live`; a
 * risk policy built by `riskPolicy()` with every limit at or below the STRICT preset's ceilings, its
 * emergency stop and all its plugins in place, and an exit policy that places a reduce-only stop for
 * every entry (see `liveGateIssues` of `@quantum/risk`); and no endpoint override in the environment.
 * @throws {ConfigError} listing every reason.
 */
export function assertLiveAllowed(input: {
  confirmLive: boolean
  plugins: readonly QuantumPlugin[]
  env: Readonly<Record<string, string | undefined>>
}): void {
  const issues: ValidationIssue[] = []
  if (!input.confirmLive) {
    issues.push({ path: '--confirm-live', message: 'live mode trades real money: pass --confirm-live to mean it' })
  }
  issues.push(...liveGateIssues(input.plugins).issues.map((i) => ({ ...i, path: prefixed(i.path) })))
  for (const name of ENDPOINT_OVERRIDES) {
    if (input.env[name] !== undefined && input.env[name] !== '') {
      issues.push({ path: name, message: 'endpoint overrides are refused in live mode (the API key would go there)' })
    }
  }
  if (issues.length > 0) throw new ConfigError('Refusing to start live trading', issues)
}

/** Flags that take a value: `--speed -3` then means the value -3 (parseArgs would call -3 a flag). */
const VALUE_FLAGS = new Set(
  Object.entries(OPTIONS)
    .filter(([, o]) => o.type === 'string')
    .map(([name]) => `--${name}`),
)

/** Joins a value flag with a following negative number (`--speed -3` -> `--speed=-3`). */
function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const next = argv[i + 1]
    if (VALUE_FLAGS.has(arg) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`)
      i++
    } else out.push(arg)
  }
  return out
}

/** Every flag `quantum-run` knows, as typed on the command line. */
const KNOWN_FLAGS: readonly string[] = Object.keys(OPTIONS).map((name) => `--${name}`)

function prefixed(path: string): string {
  return path === 'plugins' ? 'plugins' : `riskPolicy.${path}`
}

function parseStrict(argv: readonly string[]) {
  try {
    return parseArgs({ args: joinNegativeValues(argv), options: OPTIONS, allowPositionals: true, strict: true })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? '(command line)'
    const code = (error as { code?: unknown }).code
    const what =
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? `unknown option ${flag}${didYouMean(flag.split('=')[0]!, KNOWN_FLAGS)}`
        : code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
          ? `${flag} ${message.includes('argument missing') ? 'needs a value' : 'does not take a value'}`
          : message
    throw new ConfigError('Invalid command line (see quantum-run --help)', [{ path: flag, message: what }])
  }
}

function parseMode(value: string | undefined, issues: ValidationIssue[]): RunMode | undefined {
  if (value === undefined) return undefined
  const mode = RUN_MODES.find((m) => m === value)
  if (mode === undefined)
    issues.push({
      path: '--mode',
      message: `unknown mode "${value}"${didYouMean(value, RUN_MODES)} (expected ${RUN_MODES.join(', ')})`,
    })
  return mode
}

function parseTimeBound(
  flag: string,
  value: string | undefined,
  issues: ValidationIssue[],
): string | number | undefined {
  if (value === undefined) return undefined
  if (/^\d+$/.test(value)) return Number(value)
  if (Number.isFinite(Date.parse(value))) return value
  issues.push({ path: flag, message: `"${value}" is not a date (expected ISO-8601 such as 2024-01-01, or epoch ms)` })
  return undefined
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}
