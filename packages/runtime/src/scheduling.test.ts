import { isRealtime, leaveRealtime, schedulingPolicy } from '@quantum/core'
import { afterEach, describe, expect, it } from 'vitest'
import { applyScheduling } from './scheduling.js'

/** Whether this thread may be raised here (Linux as root: CI's case). */
const canRaise = process.platform === 'linux' && process.getuid?.() === 0

describe('the run scheduling choice', () => {
  afterEach(() => {
    leaveRealtime()
  })

  it('raises the decision thread for testnet and live runs on auto, and puts it back when the run ends', () => {
    for (const mode of ['testnet', 'live'] as const) {
      const warnings: string[] = []
      const restore = applyScheduling('auto', mode, (l) => warnings.push(l))
      expect(isRealtime()).toBe(canRaise)
      restore()
      expect(isRealtime()).toBe(false)
      expect(warnings).toEqual([]) // auto never complains when refused
    }
  })

  it('leaves backtests and paper runs on auto, and every run on normal, under normal scheduling', () => {
    for (const [choice, mode] of [
      ['auto', 'backtest'],
      ['auto', 'paper'],
      ['normal', 'live'],
      ['realtime', 'backtest'],
    ] as const) {
      const restore = applyScheduling(choice, mode, () => undefined)
      expect(isRealtime(), `${choice} ${mode}`).toBe(false)
      restore()
    }
  })

  it('raises a paper run on realtime, or says why it cannot', () => {
    const warnings: string[] = []
    const restore = applyScheduling('realtime', 'paper', (l) => warnings.push(l))
    if (canRaise) {
      expect(schedulingPolicy()).toBe('rr')
      expect(warnings).toEqual([])
    } else {
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(/stays under normal scheduling \(.+\)/)
    }
    restore()
    expect(isRealtime()).toBe(false)
  })
})
