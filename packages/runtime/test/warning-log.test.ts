import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { renderReportHtml } from '../src/report-html.js'
import { WarningLog } from '../src/warning-log.js'
import { writeRunFolder } from '../src/write-run.js'
import { tempDir } from './helpers.js'
import { makeResult } from './make-result.js'

function quietLogger(lines: string[]): Logger {
  const log = (level: string) => (message: string) => void lines.push(`${level} ${message}`)
  const logger: Logger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: () => logger,
  }
  return logger
}

const H = 3_600_000
const T0 = Date.UTC(2025, 0, 1)

describe('WarningLog', () => {
  it('groups a flood of findings by message, agent and kind, with counts and first/last bar time, and still prints each', () => {
    const printed: string[] = []
    const warnings = new WarningLog()
    const logger = warnings.tap(quietLogger(printed))
    for (let i = 0; i < 400; i++) {
      logger.warn('model supervisor finding', {
        agent: 'agents:xgboost',
        kind: 'class-share',
        value: 0.9,
        time: T0 + i * H,
      })
    }
    for (let i = 0; i < 9; i++) {
      logger.warn('model supervisor finding', {
        agent: 'agents:nhits',
        kind: 'calibration',
        value: 0.3,
        time: T0 + i * H,
      })
    }
    logger.child({ plugin: 'my:agent' }).error('plugin threw', { error: new Error('boom') })
    logger.info('not kept')
    expect(printed).toHaveLength(411)
    const entries = warnings.entries()
    expect(entries.map((e) => [e.level, e.subject, e.kind, e.count, e.first, e.last])).toEqual([
      ['error', 'my:agent', undefined, 1, undefined, undefined],
      ['warn', 'agents:xgboost', 'class-share', 400, T0, T0 + 399 * H],
      ['warn', 'agents:nhits', 'calibration', 9, T0, T0 + 8 * H],
    ])
    expect(entries[0]!.detail).toBe('error=boom')
    expect(entries[1]!.detail).toBe('value=0.9')
  })

  it('shows the groups in the report and in summary.json', async () => {
    const warnings = new WarningLog()
    warnings.add('warn', 'model supervisor finding', { agent: 'agents:xgboost', kind: 'class-share', time: T0 })
    const html = renderReportHtml(makeResult({ bars: 100, trades: 2 }), { warnings: warnings.entries() })
    expect(html).toContain('id="warnings"')
    expect(html).toMatch(/model supervisor finding<\/td><td class="l">agents:xgboost<\/td><td class="l">class-share/)
    expect(renderReportHtml(makeResult({ bars: 100, trades: 2 }))).toContain('No warnings')
    const dir = await tempDir()
    await writeRunFolder(makeResult({ bars: 100, trades: 2 }), {
      dir,
      info: { name: 't', mode: 'backtest', plugins: [], data: { candles: [], funding: [] } },
      warnings: warnings.entries(),
    })
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as { warnings: unknown[] }
    expect(summary.warnings).toEqual([
      {
        level: 'warn',
        message: 'model supervisor finding',
        subject: 'agents:xgboost',
        kind: 'class-share',
        count: 1,
        first: '2025-01-01T00:00:00.000Z',
        last: '2025-01-01T00:00:00.000Z',
        detail: '',
      },
    ])
  })
})
