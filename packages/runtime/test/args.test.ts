import { describe, expect, it } from 'vitest'
import { ConfigError, NotSupportedError } from '@quantum/core'
import { assertLiveAllowed, assertModeSupported, LIVE_REQUIRED_GUARDS, parseCliArgs } from '../src/args.js'

function parseError(argv: string[]): ConfigError {
  try {
    parseCliArgs(argv)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('parseCliArgs', () => {
  it('should take the config file and use defaults for every flag', () => {
    const args = parseCliArgs(['quantum.config.ts'])
    expect(args).toEqual({
      command: 'run',
      typecheck: true,
      config: 'quantum.config.ts',
      mode: undefined,
      data: [],
      symbols: undefined,
      from: undefined,
      to: undefined,
      out: undefined,
      progress: true,
      report: true,
      json: false,
      quiet: false,
      help: false,
      version: false,
      speed: 0,
      confirmLive: false,
      timeframe: '1m',
      maxBars: undefined,
      orphans: 'adopt',
      feed: 'replay',
      warmup: undefined,
    })
  })

  it('should read check as the command and --no-typecheck as turning the type check off', () => {
    expect(parseCliArgs(['check', 'c.ts'])).toMatchObject({ command: 'check', config: 'c.ts', typecheck: true })
    expect(parseCliArgs(['c.ts', '--no-typecheck'])).toMatchObject({ command: 'run', typecheck: false })
  })

  it('should parse --mode', () => {
    expect(parseCliArgs(['c.ts', '--mode', 'backtest']).mode).toBe('backtest')
    expect(parseCliArgs(['c.ts', '--mode=paper']).mode).toBe('paper')
  })

  it('should reject an unknown mode naming --mode', () => {
    const error = parseError(['c.ts', '--mode', 'moon'])
    expect(error.issues).toEqual([{ path: '--mode', message: expect.stringContaining('moon') }])
  })

  it('should collect --data when repeated and when comma-separated', () => {
    expect(parseCliArgs(['c.ts', '--data', 'a.csv', '--data', 'b.csv,c.csv']).data).toEqual(['a.csv', 'b.csv', 'c.csv'])
  })

  it('should split and upper-case --symbols', () => {
    expect(parseCliArgs(['c.ts', '--symbols', 'btcusdt, ETHUSDT']).symbols).toEqual(['BTCUSDT', 'ETHUSDT'])
  })

  it('should keep ISO dates and turn digits into epoch ms for --from and --to', () => {
    const args = parseCliArgs(['c.ts', '--from', '2024-01-01', '--to', '1706745600000'])
    expect(args.from).toBe('2024-01-01')
    expect(args.to).toBe(1_706_745_600_000)
  })

  it('should reject a bad date naming the flag', () => {
    const error = parseError(['c.ts', '--from', 'yesterday', '--to', 'soon'])
    expect(error.issues.map((i) => i.path)).toEqual(['--from', '--to'])
  })

  it('should parse --out, --no-progress, --no-report, --json and --quiet', () => {
    const args = parseCliArgs(['c.ts', '--out', 'runs/x', '--no-progress', '--no-report', '--json', '--quiet'])
    expect(args).toMatchObject({ out: 'runs/x', progress: false, report: false, json: true, quiet: true })
  })

  it('should accept --help and --version without a config file', () => {
    expect(parseCliArgs(['--help']).help).toBe(true)
    expect(parseCliArgs(['-h']).help).toBe(true)
    expect(parseCliArgs(['--version']).version).toBe(true)
  })

  it('should reject an unknown flag and name it', () => {
    const error = parseError(['c.ts', '--turbo'])
    expect(error.message).toContain('--turbo')
    expect(error.issues[0]?.path).toBe('--turbo')
  })

  it('should reject a flag without its value', () => {
    const error = parseError(['c.ts', '--out'])
    expect(error.issues[0]).toEqual({ path: '--out', message: '--out needs a value' })
  })

  it('should reject a missing config file and extra arguments', () => {
    expect(parseError([]).issues[0]?.path).toBe('<config.ts>')
    expect(parseError(['a.ts', 'b.ts']).issues[0]?.path).toBe('b.ts')
  })
})

describe('assertModeSupported', () => {
  it('should accept every run mode and refuse anything else with a plain message', () => {
    for (const mode of ['backtest', 'paper', 'testnet', 'live'] as const)
      expect(() => assertModeSupported(mode)).not.toThrow()
    expect(() => assertModeSupported('sandbox' as 'live')).toThrow(NotSupportedError)
  })
})

describe('assertLiveAllowed', () => {
  const strict = LIVE_REQUIRED_GUARDS.map((name) => ({ name }))
  it('should refuse live without --confirm-live, and without a STRICT-level policy, naming both', () => {
    const error = (() => {
      try {
        assertLiveAllowed({ confirmLive: false, plugins: [{ name: 'risk:max-leverage' }] })
      } catch (e) {
        return e as ConfigError
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(ConfigError)
    expect(error?.issues.map((i) => i.path)).toEqual(['--confirm-live', 'plugins'])
    expect(error?.issues[1]?.message).toContain('risk:ess')
    expect(() => assertLiveAllowed({ confirmLive: true, plugins: strict.slice(1) })).toThrow(/risk:ess/)
    expect(() => assertLiveAllowed({ confirmLive: true, plugins: strict })).not.toThrow()
  })

  it('should parse --speed and --confirm-live', () => {
    expect(parseCliArgs(['a.ts', '--speed', '50', '--confirm-live'])).toMatchObject({ speed: 50, confirmLive: true })
    expect(parseCliArgs(['a.ts'])).toMatchObject({ speed: 0, confirmLive: false })
    expect(parseError(['a.ts', '--speed', 'fast']).issues[0]?.path).toBe('--speed')
    expect(parseCliArgs(['a.ts', '--timeframe', '5m', '--max-bars', '3'])).toMatchObject({
      timeframe: '5m',
      maxBars: 3,
    })
    expect(parseError(['a.ts', '--max-bars', '0']).issues[0]?.path).toBe('--max-bars')
    expect(parseError(['a.ts', '--timeframe', 'hourly']).issues[0]?.path).toBe('--timeframe')
    expect(parseCliArgs(['a.ts', '--orphans', 'flatten']).orphans).toBe('flatten')
    expect(parseError(['a.ts', '--orphans', 'ignore']).issues[0]?.path).toBe('--orphans')
  })

  it('should take --feed venue for paper runs only', () => {
    expect(parseCliArgs(['a.ts', '--mode', 'paper', '--feed', 'venue']).feed).toBe('venue')
    expect(parseError(['a.ts', '--feed', 'socket']).issues[0]?.path).toBe('--feed')
    expect(parseCliArgs(['a.ts', '--warmup', '200']).warmup).toBe(200)
    expect(parseError(['a.ts', '--warmup', '-1']).issues[0]?.path).toBe('--warmup')
    expect(parseError(['a.ts', '--mode', 'testnet', '--feed', 'venue']).issues[0]).toMatchObject({
      path: '--feed',
      message: expect.stringContaining('only --mode paper'),
    })
  })
})
