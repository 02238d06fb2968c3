import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { collectPluginDocs, optionRows, PAGE, renderPage } from './plugin-options.js'

describe('plugin options page', () => {
  it('lists every exported plugin factory with its options, and the committed page is current', async () => {
    const plugins = await collectPluginDocs()
    expect(plugins.length).toBeGreaterThanOrEqual(25)
    const atr = plugins.find((p) => p.exportName === 'atrStopTarget')
    expect(atr?.pluginName).toBe('exit-brain:atr-stop-target')
    expect(atr?.options.find((o) => o.key === 'period')).toEqual({
      key: 'period',
      type: 'integer',
      required: false,
      defaultValue: '14',
      range: '≥ 1, ≤ 1000',
      description: 'ATR period (Wilder).',
    })
    for (const p of plugins) for (const o of p.options) expect(o.description, `${p.exportName}.${o.key}`).not.toBe('')
    expect(readFileSync(PAGE, 'utf8'), 'run: node --import tsx scripts/docs/plugin-options.ts').toBe(
      renderPage(plugins),
    )
  })

  it('marks required options, shows choices and nested keys one level deep', () => {
    const schema = z.strictObject({
      model: z.string().min(1),
      side: z.enum(['long', 'short']).default('long'),
      stop: z.strictObject({ atr: z.number().positive().default(2) }).prefault({}),
    })
    const rows = optionRows(schema, new Map([['stop.atr', 'Stop in ATRs.']]))
    expect(rows.map((r) => [r.key, r.type, r.required, r.defaultValue, r.range, r.description])).toEqual([
      ['model', 'string', true, '', 'length ≥ 1', ''],
      ['side', '"long" | "short"', false, '"long"', '', ''],
      ['stop', 'object', false, '{}', '', ''],
      ['stop.atr', 'number', false, '2', '> 0', 'Stop in ATRs.'],
    ])
  })
})
