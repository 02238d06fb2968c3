import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { companionFiles, loadQuantumConfig } from '../src/load-config.js'
import { jitiOptions } from './helpers.js'

describe('companionFiles (funding and mark files that follow --data)', () => {
  it('should find funding beside the candles or in funding/, and mark files in mark/ (the shared/data layout)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'companions-'))
    mkdirSync(join(dir, 'funding'))
    mkdirSync(join(dir, 'mark'))
    for (const f of ['funding/BTCUSDT-funding-8h.csv', 'ETHUSDT-funding-8h.csv', 'mark/BTCUSDT-1h-mark.csv']) {
      writeFileSync(join(dir, f), '')
    }
    const found = companionFiles([join(dir, 'BTCUSDT-1h.csv'), join(dir, 'ETHUSDT-1h.csv.gz'), join(dir, 'notes.txt')])
    expect(found).toEqual({
      funding: [join(dir, 'funding/BTCUSDT-funding-8h.csv'), join(dir, 'ETHUSDT-funding-8h.csv')],
      mark: [join(dir, 'mark/BTCUSDT-1h-mark.csv')],
    })
  })

  it('should find nothing (the config keeps its own files) when no companion exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'companions-'))
    expect(companionFiles([join(dir, 'BTCUSDT-5m.csv.gz')])).toEqual({})
  })

  it('should follow the config: funding replaces the config funding, and a config without funding stays without', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'companions-'))
    writeFileSync(join(dir, 'BTCUSDT-funding-8h.csv'), '')
    const config = (funding: string): string =>
      `export default { data: { candles: './x.csv'${funding} }, plugins: [{ name: 'a:b', kind: 'agent', onBar: () => undefined }] }\n`
    writeFileSync(join(dir, 'with.config.ts'), config(", funding: './old-funding.csv'"))
    writeFileSync(join(dir, 'without.config.ts'), config(''))
    const overrides = { data: [join(dir, 'BTCUSDT-1h.csv')] }
    const withFunding = await loadQuantumConfig('with.config.ts', { cwd: dir, jitiOptions, overrides })
    expect(withFunding.config.data.funding).toEqual([join(dir, 'BTCUSDT-funding-8h.csv')])
    const without = await loadQuantumConfig('without.config.ts', { cwd: dir, jitiOptions, overrides })
    expect(without.config.data.funding).toBeUndefined()
  })
})
