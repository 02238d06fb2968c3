import { describe, expect, it } from 'vitest'
import { Broadcast } from './broadcast.js'

describe('Broadcast', () => {
  it('should deliver in subscription order to the subscribers present when a value is emitted', () => {
    const b = new Broadcast<number>()
    const seen: string[] = []
    expect(b.observed).toBe(false)
    const first = b.observable.subscribe((v) => {
      seen.push(`a${v}`)
      if (v === 1) b.observable.subscribe((w) => seen.push(`late${w}`))
    })
    b.observable.subscribe((v) => seen.push(`b${v}`))
    expect(b.observed).toBe(true)
    b.next(1)
    b.next(2)
    first.unsubscribe()
    b.next(3)
    expect(seen).toEqual(['a1', 'b1', 'a2', 'b2', 'late2', 'b3', 'late3'])
  })

  it('should complete subscribers once, ignore later values and complete late subscribers at once', () => {
    const b = new Broadcast<string>()
    const log: string[] = []
    b.observable.subscribe({ next: (v) => log.push(v), complete: () => log.push('done') })
    b.next('x')
    b.complete()
    b.complete()
    b.next('y')
    b.observable.subscribe({ next: (v) => log.push(`late ${v}`), complete: () => log.push('late done') })
    expect(log).toEqual(['x', 'done', 'late done'])
    expect(b.observed).toBe(false)
  })

  it('should stop delivering to a subscriber that unsubscribes during a delivery from the next value on', () => {
    const b = new Broadcast<number>()
    const seen: number[] = []
    const sub = b.observable.subscribe((v) => {
      seen.push(v)
      sub.unsubscribe()
    })
    b.next(1)
    b.next(2)
    expect(seen).toEqual([1])
    expect(b.observed).toBe(false)
  })
})
