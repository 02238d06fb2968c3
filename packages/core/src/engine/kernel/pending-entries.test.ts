import { describe, expect, it } from 'vitest'
import type { Fill, Order } from '../../schemas.js'
import { PendingEntries } from './pending-entries.js'

const order = (o: Partial<Order>): Order => ({ id: '1', filledQuantity: 0, quantity: 1, ...o }) as Order
const fill = (orderId: string, quantity: number): Fill => ({ orderId, quantity }) as Fill

describe('PendingEntries', () => {
  it('should count an entry from its queueing until its fills are seen', () => {
    const pending = new PendingEntries(() => 0, 10_000)
    const entry = pending.add({ symbol: 'A', side: 'BUY', type: 'MARKET', quoteQuantity: 500 })
    expect(pending.list('A')).toEqual([{ symbol: 'A', side: 'BUY', state: 'queued', quoteQuantity: 500 }])
    pending.sending(entry)
    expect(pending.list()[0]!.state).toBe('in-flight')
    pending.answered(entry, order({ id: '7', quantity: 2, filledQuantity: 2, status: 'FILLED' }))
    expect(pending.list('A')).toEqual([{ symbol: 'A', side: 'BUY', state: 'unfilled', quantity: 2 }])
    pending.onFill(fill('7', 1.5))
    expect(pending.list('A')[0]!.quantity).toBeCloseTo(0.5, 12)
    pending.onFill(fill('7', 0.5))
    expect(pending.list()).toEqual([])
    expect(pending.list('B')).toEqual([])
  })

  it('should drop an entry refused, resting on the book, or already filled before its answer', () => {
    const pending = new PendingEntries(() => 0)
    const refused = pending.add({ symbol: 'A', side: 'BUY', type: 'MARKET', quantity: 1 })
    pending.answered(refused, undefined)
    const resting = pending.add({ symbol: 'A', side: 'BUY', type: 'LIMIT', quantity: 1, price: 10 })
    pending.answered(resting, order({ id: '8', status: 'NEW' })) // the account's open orders count it now
    const early = pending.add({ symbol: 'A', side: 'SELL', type: 'MARKET', quantity: 1 })
    pending.onFill(fill('9', 1)) // the stream was faster than the REST answer
    pending.answered(early, order({ id: '9', filledQuantity: 1, status: 'FILLED' }))
    expect(pending.list()).toEqual([])
  })

  it('should let an executed entry go after the time limit when its fills never come', () => {
    let now = 0
    const pending = new PendingEntries(() => now, 1000)
    const entry = pending.add({ symbol: 'A', side: 'BUY', type: 'MARKET', quantity: 1 })
    pending.answered(entry, order({ id: '5', filledQuantity: 1, status: 'FILLED' }))
    now = 999
    expect(pending.list()).toHaveLength(1)
    now = 1001
    expect(pending.list()).toHaveLength(0)
  })
})
