import { describe, expect, it } from 'vitest'
import { ConfigError } from '@quantum/core'
import { join } from 'node:path'
import { loadQuantumConfig } from '../src/load-config.js'
import { fixture, fixturesDir, jitiOptions } from './helpers.js'

async function loadError(file: string, cwd = fixturesDir): Promise<ConfigError> {
  try {
    await loadQuantumConfig(file, { cwd, jitiOptions })
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('loadQuantumConfig', () => {
  it('should load a valid config, fill defaults and resolve its paths against the config folder', async () => {
    const loaded = await loadQuantumConfig('valid.config.ts', { cwd: fixturesDir, jitiOptions })
    expect(loaded.file).toBe(fixture('valid.config.ts'))
    expect(loaded.baseDir).toBe(fixturesDir)
    const { config } = loaded
    expect(config.name).toBe('fixture-valid')
    expect(config.mode).toBe('backtest')
    expect(config.data.candles).toBe(join(fixturesDir, 'data/BTCUSDT-1h.csv'))
    expect(config.data.funding).toEqual([join(fixturesDir, 'data/BTCUSDT-funding.csv')])
    expect(config.exchange.exchangeInfo).toBe(join(fixturesDir, 'exchange-info.json'))
    expect(config.exchange).toMatchObject({ balance: 5000, takerFee: 0.0005, makerFee: 0.0002, leverage: 1 })
    expect(config.output).toEqual({ dir: 'runs', report: true })
    expect(config.plugins.map((p) => p.name)).toEqual(['test:agent', 'test:sizer', 'test:observer'])
    expect(config.plugins[0]?.options).toEqual({ period: 14 })
  })

  it('should resolve a relative config path against cwd', async () => {
    const loaded = await loadQuantumConfig('fixtures/valid.config.ts', { cwd: join(fixturesDir, '..'), jitiOptions })
    expect(loaded.file).toBe(fixture('valid.config.ts'))
  })

  it('should list every invalid field by path in one ConfigError', async () => {
    const error = await loadError('invalid.config.ts')
    const paths = error.issues.map((i) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['plugins.1', 'exchange.takerFee', 'data.candles', '']))
    expect(error.message).toContain(`Invalid config ${fixture('invalid.config.ts')}`)
    for (const line of ['plugins.1:', 'exchange.takerFee:', 'data.candles:', '(root):']) {
      expect(error.message).toContain(line)
    }
    expect(error.message).toContain('wizard')
    expect(error.message).toContain('colour')
  })

  it('should call a config function with the run mode', async () => {
    const backtest = await loadQuantumConfig('function.config.ts', { cwd: fixturesDir, jitiOptions })
    expect(backtest.config.name).toBe('fixture-fn-backtest')
    expect(backtest.config.data.candles).toBe(join(fixturesDir, 'backtest.csv'))
    const paper = await loadQuantumConfig('function.config.ts', { cwd: fixturesDir, mode: 'paper', jitiOptions })
    expect(paper.config.name).toBe('fixture-fn-paper')
  })

  it('should report a missing config file with its path', async () => {
    const error = await loadError('nope.config.ts')
    expect(error.code).toBe('CONFIG_INVALID')
    expect(error.message).toBe(`Config file not found: ${join(fixturesDir, 'nope.config.ts')}`)
  })

  it('should turn an error thrown while loading into a ConfigError', async () => {
    const error = await loadError('throws.config.ts')
    expect(error.message).toContain('Could not load config')
    expect(error.message).toContain('boom while loading the config')
  })

  it('should apply overrides, resolving --data against cwd', async () => {
    const cwd = '/tmp/somewhere'
    const loaded = await loadQuantumConfig(fixture('valid.config.ts'), {
      cwd,
      jitiOptions,
      overrides: { data: ['a.csv', '/abs/b.csv'], symbols: ['ETHUSDT'], from: '2024-02-01', to: 1_709_251_200_000 },
    })
    expect(loaded.config.data).toMatchObject({
      candles: ['/tmp/somewhere/a.csv', '/abs/b.csv'],
      funding: [join(fixturesDir, 'data/BTCUSDT-funding.csv')],
      symbols: ['ETHUSDT'],
      from: '2024-02-01',
      to: 1_709_251_200_000,
    })
  })

  it('should validate overrides with the schema', async () => {
    const error = await loadQuantumConfig(fixture('valid.config.ts'), {
      jitiOptions,
      overrides: { symbols: ['btc-usdt'] },
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(['data.symbols.0'])
  })
})
