import { describe, expect, it } from 'vitest'
import { enterRealtime, isRealtime, leaveRealtime, schedulingPolicy } from './scheduling.js'

const linux = process.platform === 'linux'
const root = process.getuid?.() === 0

describe('the decision thread scheduling class', () => {
  it('reads the calling thread policy on Linux, and says real-time is Linux only elsewhere', () => {
    if (linux) {
      expect(schedulingPolicy()).toBe('other')
      expect(isRealtime()).toBe(false)
      return
    }
    expect(schedulingPolicy()).toBeUndefined()
    const r = enterRealtime()
    expect(r).toMatchObject({ realtime: false })
    expect(r.reason).toMatch(/Linux/)
  })

  it('refuses a priority outside 1-99', () => {
    expect(() => enterRealtime(0)).toThrow(RangeError)
    expect(() => enterRealtime(100)).toThrow(RangeError)
    expect(() => enterRealtime(1.5)).toThrow(RangeError)
  })

  it('raises the calling thread to round-robin, idempotently, and puts it back (refused without the right)', () => {
    if (!linux) return
    try {
      const entered = enterRealtime(1)
      if (!root && !entered.realtime) {
        // Without CAP_SYS_NICE chrt is refused, its reason is passed on and nothing changes.
        expect(entered.reason).toBeTruthy()
        expect(schedulingPolicy()).toBe('other')
        return
      }
      expect(entered).toEqual({ realtime: true, previous: 'other' })
      expect(schedulingPolicy()).toBe('rr')
      expect(enterRealtime(1)).toEqual({ realtime: true, previous: 'rr' })
      expect(leaveRealtime()).toBe(true)
      expect(schedulingPolicy()).toBe('other')
      expect(leaveRealtime()).toBe(false)
    } finally {
      leaveRealtime()
    }
  })
})
