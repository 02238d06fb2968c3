import { describe, expect, it } from 'vitest'
import { ConfigError, definePlugin, NotSupportedError } from '@quantum/core'
import type { QuantumPlugin } from '@quantum/core'
import { memoryEssStore, riskPolicy } from '@quantum/risk'
import { z } from 'zod'
import { assertLiveAllowed, assertModeSupported, parseCliArgs } from '../src/args.js'

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
      http: undefined,
      logLevel: undefined,
      failOnPluginError: false,
      state: undefined,
      noState: false,
      newRun: false,
      notify: [],
    })
  })

  it('should read --new-run, and refuse it with --no-state or --mode backtest naming --new-run', () => {
    expect(parseCliArgs(['c.ts', '--mode', 'testnet', '--new-run']).newRun).toBe(true)
    expect(parseCliArgs(['c.ts', '--mode', 'paper', '--state', 's.db', '--new-run'])).toMatchObject({
      newRun: true,
      state: 's.db',
    })
    expect(parseError(['c.ts', '--new-run', '--no-state']).issues).toEqual([
      { path: '--new-run', message: expect.stringContaining('always new') },
    ])
    expect(parseError(['c.ts', '--mode', 'backtest', '--new-run']).issues).toEqual([
      { path: '--new-run', message: expect.stringContaining('only paper, testnet and live') },
    ])
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
  const deps = { store: memoryEssStore(), env: {} }
  const gate = (input: { confirmLive?: boolean; plugins: readonly QuantumPlugin[]; env?: Record<string, string> }) => {
    try {
      assertLiveAllowed({ confirmLive: input.confirmLive ?? true, plugins: input.plugins, env: input.env ?? {} })
    } catch (e) {
      return e as ConfigError
    }
    return undefined
  }

  it('should open for riskPolicy(STRICT) with a stop on every entry and --confirm-live', () => {
    expect(gate({ plugins: [...riskPolicy('STRICT', { stopLossPct: 0.02 }, deps)] })).toBeUndefined()
  })

  it('should refuse live without --confirm-live, and plugins that only carry the STRICT names', () => {
    const named = [
      'risk:ess',
      'risk:circuit-breakers',
      'risk:daily-drawdown-limit',
      'risk:open-loss-limit',
      'risk:correlation-cap',
    ] as const
    const lookAlikes = named.map((name) =>
      definePlugin({
        name,
        kind: 'risk',
        options: z.strictObject({}),
        create: () => ({ check: () => ({ action: 'approve' as const }) }),
      })({}),
    )
    const error = gate({ confirmLive: false, plugins: lookAlikes })
    expect(error).toBeInstanceOf(ConfigError)
    expect(error?.issues.map((i) => i.path)).toEqual(['--confirm-live', 'plugins'])
    expect(error?.issues[1]?.message).toMatch(/riskPolicy/)
  })

  it('should refuse STRICT overridden past its ceilings, and a config with no stop on entries', () => {
    const loose = riskPolicy(
      'STRICT',
      { stopLossPct: 0.02, maxLeverage: 125, maxPositionNotional: 1e9, perSymbolExposure: 1e9, totalExposure: 1e9 },
      deps,
    )
    expect(gate({ plugins: [...loose] })?.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['riskPolicy.maxLeverage', 'riskPolicy.maxPositionNotional']),
    )
    expect(gate({ plugins: [...riskPolicy('STRICT', {}, deps)] })?.message).toMatch(/reduce-only stop/)
  })

  it('should refuse endpoint overrides in live mode (the live keys would follow them)', () => {
    const plugins = [...riskPolicy('STRICT', { stopLossPct: 0.02 }, deps)]
    const error = gate({
      plugins,
      env: { QUANTUM_BINANCE_REST_URL: 'http://127.0.0.1:9', QUANTUM_BINANCE_WS_URL: 'ws://127.0.0.1:9' },
    })
    expect(error?.issues.map((i) => i.path)).toEqual(['QUANTUM_BINANCE_REST_URL', 'QUANTUM_BINANCE_WS_URL'])
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

  it('should collect --notify receivers with their kind, a telegram chat id, and refuse anything else naming the flag', () => {
    const args = parseCliArgs([
      'a.ts',
      '--mode',
      'paper',
      '--notify',
      'https://ops.example/hook',
      '--notify',
      'slack=env:SLACK_WEBHOOK_URL',
      '--notify',
      'discord=https://discord.com/api/webhooks/1/x',
      '--notify',
      'telegram:-1001=https://api.telegram.org/botT/sendMessage',
      '--notify',
      'generic=http://127.0.0.1:9/alerts',
    ])
    expect(args.notify).toEqual([
      { format: 'json', url: 'https://ops.example/hook' },
      { format: 'slack', url: 'env:SLACK_WEBHOOK_URL' },
      { format: 'discord', url: 'https://discord.com/api/webhooks/1/x' },
      { format: 'telegram', url: 'https://api.telegram.org/botT/sendMessage', chatId: '-1001' },
      { format: 'json', url: 'http://127.0.0.1:9/alerts' },
    ])
    expect(parseError(['a.ts', '--notify', 'slak=https://x.example']).issues[0]).toMatchObject({
      path: '--notify',
      message: expect.stringContaining('did you mean slack?'),
    })
    expect(parseError(['a.ts', '--notify', 'telegram=https://x.example']).issues[0]?.message).toContain('chat id')
    expect(parseError(['a.ts', '--notify', 'ftp://x.example']).issues[0]?.path).toBe('--notify')
    expect(parseError(['a.ts', '--mode', 'backtest', '--notify', 'https://x.example']).issues[0]?.message).toContain(
      'only paper, testnet and live',
    )
  })
})
