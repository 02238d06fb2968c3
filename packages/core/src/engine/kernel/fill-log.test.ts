import { describe, expect, it } from 'vitest'
import type { Fill } from '../../schemas.js'
import { FillLog } from './fill-log.js'

/** A fill as the paper exchange reports it: plain ids, default client id, `tag` present even when undefined. */
function paperFill(n: number, overrides: Partial<Fill> = {}): Fill {
  return {
    id: String(n),
    orderId: String(1000 + n),
    clientOrderId: `paper-${1000 + n}`,
    symbol: n % 2 === 0 ? 'BTCUSDT' : 'ETHUSDT',
    side: n % 3 === 0 ? 'SELL' : 'BUY',
    price: 100 + n / 7,
    quantity: 0.001 * (n + 1),
    fee: -0.01 * n,
    liquidity: n % 4 === 0 ? 'maker' : 'taker',
    realizedPnl: n % 5 === 0 ? 0 : -1.5 * n,
    time: 1_700_000_000_000 + n * 60_000,
    reduceOnly: n % 2 === 1,
    tag: n % 3 === 0 ? 'stop' : undefined,
    liquidation: false,
    ...overrides,
  }
}

describe('FillLog', () => {
  it('gives back every fill as recorded, key for key, past its first capacity', () => {
    const log = new FillLog()
    const fills = Array.from({ length: 1000 }, (_, n) => paperFill(n + 1))
    for (const f of fills) log.push(f)
    expect(log.length).toBe(1000)
    expect(log.toArray()).toStrictEqual(fills)
  })

  it('keeps venue ids, custom client ids, a liquidation flag and the decision price', () => {
    const log = new FillLog()
    const venue = paperFill(3, {
      id: '0042',
      orderId: 'x-8f3a',
      clientOrderId: 'qt-entry-17',
      liquidation: true,
      decisionPrice: 99.5,
    })
    const { tag: _tag, liquidation: _liq, ...bare } = paperFill(4)
    const huge = paperFill(5, { id: '12345678901234567', orderId: '9007199254740993' })
    for (const f of [venue, bare, huge]) log.push(f)
    expect(log.toArray()).toStrictEqual([venue, bare, huge])
  })

  it('extends the same array with the fills recorded since it was last read', () => {
    const log = new FillLog()
    log.push(paperFill(1))
    const first = log.toArray()
    log.push(paperFill(2))
    const second = log.toArray()
    expect(second).toBe(first)
    expect(second.map((f) => f.id)).toEqual(['1', '2'])
  })

  it('does not see changes made to a fill object after it was recorded', () => {
    const log = new FillLog()
    const fill = paperFill(7)
    log.push(fill)
    fill.price = 1
    expect(log.toArray()[0]!.price).toBe(100 + 7 / 7)
  })
})
