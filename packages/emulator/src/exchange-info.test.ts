import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { describeWithShared } from '../../../test-utils/shared.js'
import { connectCcxt } from '../test/harness.js'
import { fullExchangeInfo, startEmulator, usdtPerpetuals } from './index.js'

describe('fullExchangeInfo', () => {
  it('should load the 660-symbol capture, a fresh object on every call', () => {
    const info = fullExchangeInfo()
    expect((info['symbols'] as unknown[]).length).toBe(660)
    info['symbols'] = []
    expect((fullExchangeInfo()['symbols'] as unknown[]).length).toBe(660)
  })

  it('should list the trading USDT perpetuals in the capture order', () => {
    const symbols = usdtPerpetuals(fullExchangeInfo())
    expect(symbols).toHaveLength(514)
    expect(symbols.slice(0, 3)).toEqual(['BTCUSDT', 'ETHUSDT', 'BCHUSDT'])
    expect(symbols.every((s) => /^[A-Z0-9]+USDT$/.test(s))).toBe(true)
  })

  it('should let the emulator serve 50 perpetuals of the full capture to ccxt', async () => {
    const info = fullExchangeInfo()
    const symbols = usdtPerpetuals(info).slice(0, 50)
    const emulator = await startEmulator({ clock: 'manual', exchangeInfo: info, symbols })
    const ex = await connectCcxt(emulator)
    try {
      const ids = Object.values(ex.markets ?? {}).map((m) => m?.id)
      expect(ids.sort()).toEqual([...symbols].sort())
      expect(ex.market('DOGE/USDT:USDT')).toMatchObject({ linear: true, swap: true })
    } finally {
      await ex.close()
      await emulator.close()
    }
  })
})

describeWithShared(
  'bundled full exchangeInfo against ../shared',
  ['fixtures/binance/fapi_v1_exchangeInfo.full.json.gz'],
  ([path]) => {
    it('should bundle an unchanged copy of the real full exchangeInfo', () => {
      expect(fullExchangeInfo()).toEqual(JSON.parse(gunzipSync(readFileSync(path!)).toString('utf8')))
    })
  },
)
