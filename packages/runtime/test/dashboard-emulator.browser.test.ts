/**
 * The live dashboard of a real run, end to end: the built `quantum-run --mode testnet --http` against the
 * local Binance emulator, the page open in headless Chromium, and a fill made by the emulator showing
 * on the page within a second. Skipped, with a printed reason, without Chromium or a build.
 */
import { spawn } from 'node:child_process'
import { startEmulator } from '@quantum/emulator'
import { describe, expect, it } from 'vitest'
import { launchChromium, requireChromium } from '../../../test-utils/chromium.js'
import { cliBuilt, cliPath } from '../../../test-utils/cli.js'
import { fixture, tempDir } from './helpers.js'

const available = requireChromium('dashboard-emulator.browser.test.ts') && cliBuilt

/** Polls `probe` every 100 ms until it returns a value, or throws with `what()` after `limitMs`. */
async function until<T>(what: () => string, limitMs: number, probe: () => T | undefined): Promise<T> {
  const end = Date.now() + limitMs
  for (;;) {
    const value = probe()
    if (value !== undefined) return value
    if (Date.now() > end) throw new Error(`timed out: ${what()}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe.skipIf(!available)('live dashboard of a testnet run on the emulator, in headless Chromium', () => {
  it('shows the fill the emulator made within a second of it happening', async () => {
    const key = 'emulator-test-key-0014'
    const secret = 'emulator-test-secret-0014'
    const emulator = await startEmulator({ balance: 10_000, seed: 14, apiKeys: [{ key, secret }] })
    const minute = Math.floor(emulator.clock.now() / 60_000) * 60_000
    let k = 0
    const bar = (): void => {
      const open = 60_000 + k
      emulator.pushBar('BTCUSDT', {
        openTime: minute + k * 60_000,
        open,
        high: open + 20,
        low: open - 20,
        close: open + 5,
        volume: 3,
      })
      k++
    }
    // The moment the emulator's matching engine fills the run's entry.
    let filledAt: number | undefined
    let fillId: string | undefined
    const fills = emulator.engine.events$.subscribe((event) => {
      if (event.type !== 'fill' || filledAt !== undefined) return
      filledAt = performance.now()
      fillId = event.fill.id
    })
    const cwd = await tempDir()
    const child = spawn(
      process.execPath,
      [
        cliPath,
        fixture('venue.config.ts'),
        '--mode',
        'testnet',
        '--http',
        '127.0.0.1:0',
        '--log-level',
        'info',
        '--out',
        'run',
      ],
      {
        cwd,
        env: {
          ...process.env,
          NO_COLOR: '1',
          QUANTUM_BINANCE_TESTNET_API_KEY: key,
          QUANTUM_BINANCE_TESTNET_API_SECRET: secret,
          QUANTUM_BINANCE_REST_URL: emulator.restUrl,
          QUANTUM_BINANCE_WS_URL: emulator.wsUrl,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    )
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const browser = await launchChromium()
    try {
      const url = await until(
        () => `no http url from quantum-run: ${stderr}`,
        60_000,
        () => /url[=":]+(http:\/\/[\d.:]+)/.exec(stderr)?.[1],
      )
      const page = await browser.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(url)
      await page.waitForSelector('#app:not([hidden])', { timeout: 10_000 })
      await page.waitForSelector('#stream:text-is("live")', { timeout: 10_000 })
      expect(await page.locator('#fills tr[data-fill]').count()).toBe(0)

      // Closed bars until the run's first one makes it buy; the emulator fills the market order.
      const feeder = setInterval(bar, 250)
      try {
        await until(
          () => `no fill on the emulator: ${stderr}`,
          60_000,
          () => filledAt,
        )
      } finally {
        clearInterval(feeder)
      }
      // Within a second of the fill (less what already passed since it), the page shows it.
      const left = Math.max(1, 1000 - (performance.now() - filledAt!))
      await page.waitForSelector('#fills tr[data-fill]', { timeout: left })
      const shownMs = performance.now() - filledAt!
      expect(await page.textContent('#fills tbody')).toContain('BTCUSDT')
      expect(fillId).toBeDefined()
      expect(errors).toEqual([])
      console.log(
        `dashboard (testnet run on the emulator): fill shown ${shownMs.toFixed(0)} ms after the emulator made it`,
      )
    } finally {
      fills.unsubscribe()
      await browser.close()
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
      await emulator.close()
    }
  }, 150_000)
})
