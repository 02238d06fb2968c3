import { describe, expect, it } from 'vitest'
import { createProfileSelector } from './profile-selector.js'

const feed = (selector: ReturnType<typeof createProfileSelector>, results: string, symbol = 'BTCUSDT') => {
  for (const r of results) selector.record({ symbol, pnl: r === 'W' ? 1 : -1 })
}

describe('createProfileSelector', () => {
  it('should pick by the seed thresholds over the rolling window', () => {
    const pick = (results: string) => {
      const s = createProfileSelector({ window: 20, hysteresis: 0, lossStreak: 0 })
      feed(s, results)
      return s.select('BTCUSDT')
    }
    expect(pick('L'.repeat(7) + 'W'.repeat(13))).toBe('aggressive') // 65 %
    expect(pick('L'.repeat(9) + 'W'.repeat(11))).toBe('balanced') // 55 %
    expect(pick('L'.repeat(10) + 'W'.repeat(10))).toBe('conservative') // 50 %
  })

  it('should not flap on a win rate oscillating around a threshold', () => {
    const changes = (hysteresis: number) => {
      const s = createProfileSelector({ window: 50, hysteresis, lossStreak: 0 })
      feed(s, 'LW'.repeat(24) + 'WW') // 52 %
      let last = s.select('BTCUSDT')
      let n = 0
      for (let i = 0; i < 24; i++) {
        feed(s, i % 2 === 0 ? 'W' : 'L') // W replaces an L, L replaces a W: 54 %, 52 %, ...
        const now = s.select('BTCUSDT')
        if (now !== last) n++
        last = now
      }
      return n
    }
    expect(changes(0)).toBe(24)
    expect(changes(0.02)).toBe(0)
  })

  it('should step down one profile after a loss streak, until the next win', () => {
    const s = createProfileSelector({ window: 20, lossStreak: 3 })
    feed(s, 'W'.repeat(17) + 'LL')
    expect(s.select('BTCUSDT')).toBe('aggressive')
    feed(s, 'L')
    expect(s.select('BTCUSDT')).toBe('balanced')
    feed(s, 'W')
    expect(s.select('BTCUSDT')).toBe('aggressive')
  })

  it('should keep per-symbol windows with scope symbol, and honour overrides', () => {
    const s = createProfileSelector({ window: 10, scope: 'symbol', overrides: { BNBUSDT: 'balanced' } })
    feed(s, 'W'.repeat(10), 'ETHUSDT')
    expect(s.select('ETHUSDT')).toBe('aggressive')
    expect(s.select('BTCUSDT')).toBe('conservative')
    expect(s.winRate('BTCUSDT')).toBeNaN()
    expect(s.select('BNBUSDT')).toBe('balanced')
  })
})
