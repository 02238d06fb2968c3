import { describe, expect, it } from 'vitest'
import { formatSummaryTable } from '../src/summary-table.js'
import { makeResult } from './make-result.js'

describe('formatSummaryTable', () => {
  it('should show every figure and the run folder', () => {
    const text = formatSummaryTable(makeResult().summary, { runDir: '/tmp/runs/x' })
    const labels = [
      'Trades',
      'Win rate',
      'PnL',
      'PnL %',
      'Max drawdown',
      'Max DD %',
      'Sharpe',
      'Sortino',
      'CAGR',
      'Profit factor',
      'Expectancy',
      'Exposure',
      'Fees',
      'Funding',
      'Bars',
      'Bars/s',
      'Duration',
    ]
    for (const label of labels) expect(text).toContain(label)
    expect(text).toContain('Run folder: /tmp/runs/x')
    expect(text).toContain('∞')
    expect(text).toContain('1.2 s')
    expect(text).not.toContain('\u001b[')
  })

  it('should colour gains and losses only when asked', () => {
    const text = formatSummaryTable(makeResult().summary, { color: true })
    expect(text).toContain('\u001b[')
  })
})
