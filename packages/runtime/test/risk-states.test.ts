import { describe, expect, it } from 'vitest'
import type { RiskStateEvent } from '@quantum/core'
import { renderReportHtml } from '../src/report-html.js'
import { buildSummaryJson } from '../src/write-run.js'
import { makeResult } from './make-result.js'

const trip: RiskStateEvent = {
  type: 'risk-state',
  time: Date.UTC(2024, 7, 5, 6),
  source: 'ess',
  state: 'TRIPPED',
  tradingState: 'halted',
  reason: 'daily drawdown 5.12% reached the limit <5%>',
  trigger: 'daily-drawdown',
}

describe('risk states in the run folder', () => {
  it('should list emergency stop trips in report.html with time, trigger and the escaped reason', () => {
    const html = renderReportHtml({ ...makeResult(), riskStates: [trip] })
    expect(html).toContain('<h2>Risk state</h2>')
    expect(html).toContain('2024-08-05 06:00')
    expect(html).toContain('daily-drawdown')
    expect(html).toContain('reached the limit &lt;5%&gt;')
  })

  it('should say so when nothing tripped', () => {
    expect(renderReportHtml(makeResult())).toContain('No emergency stop trips or circuit breaker changes.')
  })

  it('should write the trips into summary.json with ISO times', () => {
    const json = buildSummaryJson({ ...makeResult(), riskStates: [trip] }, { name: 'x' } as never)
    expect(json.riskStates).toEqual([
      {
        time: '2024-08-05T06:00:00.000Z',
        source: 'ess',
        state: 'TRIPPED',
        tradingState: 'halted',
        reason: trip.reason,
        trigger: 'daily-drawdown',
      },
    ])
  })
})
