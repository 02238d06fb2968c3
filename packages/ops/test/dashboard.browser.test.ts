/**
 * The live dashboard in headless Chromium (playwright-core): login with the token, the snapshot, and a
 * fill pushed over server-sent events showing on the page within a second. Skipped, with a printed
 * reason, when /usr/bin/chromium is absent (.ci/run installs it).
 */
import type { AccountView, Fill, PluginContext, Position } from '@quantum/core'
import { SimulatedClock, silentLogger } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { launchChromium, requireChromium } from '../../../test-utils/chromium.js'
import { createOpsServer, createTradingMetrics, DASHBOARD_HTML, DashboardState } from '../src/index.js'

const available = requireChromium('dashboard.browser.test.ts')
const TOKEN = 'dashboard-test-token-0123456789'

const position: Position = {
  symbol: 'BTCUSDT',
  side: 'LONG',
  quantity: 0.25,
  entryPrice: 60_000,
  leverage: 5,
  margin: 3000,
  markPrice: 60_400,
  unrealizedPnl: 100,
  liquidationPrice: 48_500,
  openedAt: 1,
}

function context(equity: { v: number }): PluginContext {
  const account: AccountView = {
    getPosition: () => position,
    getPositions: () => [position],
    getBalance: () => ({ asset: 'USDT', wallet: equity.v, available: equity.v, equity: equity.v }),
    getOpenOrders: () => [
      {
        id: 's1',
        clientOrderId: 'c',
        symbol: 'BTCUSDT',
        side: 'SELL',
        type: 'STOP_MARKET',
        status: 'NEW',
        quantity: 0.25,
        triggerPrice: 58_800,
        reduceOnly: true,
        filledQuantity: 0,
        averagePrice: 0,
        createdAt: 1,
        updatedAt: 1,
      },
      {
        id: 't1',
        clientOrderId: 'c',
        symbol: 'BTCUSDT',
        side: 'SELL',
        type: 'LIMIT',
        status: 'NEW',
        quantity: 0.1,
        price: 61_500,
        reduceOnly: true,
        filledQuantity: 0,
        averagePrice: 0,
        createdAt: 1,
        updatedAt: 1,
      },
    ],
    getLastPrice: () => 60_400,
    getEquity: () => equity.v,
  }
  return {
    mode: 'paper',
    clock: new SimulatedClock(Date.UTC(2025, 8, 1)),
    logger: silentLogger,
    account,
    exchange: undefined,
    bus: undefined,
  } as unknown as PluginContext
}

describe.skipIf(!available)('live dashboard in headless Chromium', () => {
  it('logs in with the token, shows positions with their stops, and a new fill within a second', async () => {
    const equity = { v: 10_000 }
    const ctx = context(equity)
    const state = new DashboardState({ run: { mode: 'paper', config: 'quickstart' } })
    const observer = state.observer()
    await observer.setup?.(ctx)
    const server = createOpsServer({
      token: TOKEN,
      authReads: true,
      metrics: createTradingMetrics({ processMetrics: false }),
      dashboard: {
        html: DASHBOARD_HTML,
        snapshot: () => state.snapshot(),
        hub: state.hub,
        pastRuns: () =>
          Promise.resolve([
            {
              id: 'run-7',
              name: 'quickstart',
              mode: 'testnet',
              status: 'stopped',
              account: 'paper',
              startedAt: Date.UTC(2025, 7, 30),
              endedAt: Date.UTC(2025, 7, 31),
            },
          ]),
      },
    })
    const url = await server.listen()
    const browser = await launchChromium()
    try {
      const page = await browser.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      page.on('console', (m) => {
        if (m.type() === 'error' && !m.text().includes('401')) errors.push(m.text())
      })
      const firstPaint = performance.now()
      await page.goto(url)
      await page.waitForSelector('#login:not([hidden])')
      const paintMs = performance.now() - firstPaint
      await page.fill('#token', TOKEN)
      await page.click('#login button')
      await page.waitForSelector('#app:not([hidden])')
      await page.waitForSelector('#stream:text-is("live")')
      expect(await page.textContent('#positions tbody')).toContain('58,800.00')
      // past runs from the store
      await page.waitForSelector('tr[data-run="run-7"]')
      expect(await page.textContent('tr[data-run="run-7"]')).toContain('2025-08-30 00:00:00')
      expect(await page.textContent('#positions tbody')).toContain('61,500.00')

      const fill: Fill = {
        id: 'fill-42',
        orderId: 'o',
        clientOrderId: 'c',
        symbol: 'BTCUSDT',
        side: 'BUY',
        price: 60_123.5,
        quantity: 0.25,
        fee: 6.01,
        liquidity: 'taker',
        realizedPnl: 0,
        time: Date.UTC(2025, 8, 1, 1),
        reduceOnly: false,
      }
      equity.v = 10_050
      const sent = performance.now()
      observer.onEvent({ type: 'fill', fill, position }, ctx)
      await page.waitForSelector('tr[data-fill="fill-42"]', { timeout: 1000 })
      const shownMs = performance.now() - sent
      expect(shownMs).toBeLessThan(1000)
      expect(await page.textContent('#equity')).toBe('10,050.00')
      expect(errors).toEqual([])
      if (process.env.QUANTUM_SCREENSHOT_DIR)
        await page.screenshot({ path: `${process.env.QUANTUM_SCREENSHOT_DIR}/dashboard.png`, fullPage: true })
      console.log(
        `dashboard: login form painted in ${paintMs.toFixed(0)} ms, fill shown ${shownMs.toFixed(0)} ms after the event`,
      )
    } finally {
      await browser.close()
      await server.close()
      await observer.dispose?.()
    }
  }, 30_000)
})
