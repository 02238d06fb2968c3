/**
 * Opens a rendered report.html in headless Chromium (playwright-core) and checks that it draws its charts
 * with no console error and no network request. Skipped, with a printed reason, when /usr/bin/chromium is absent.
 * Set QUANTUM_SCREENSHOT_DIR to keep the screenshot somewhere else than a temporary folder.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { launchChromium, requireChromium } from '../../../test-utils/chromium.js'
import { renderReportHtml } from '../src/report-html.js'
import { tempDir } from './helpers.js'
import { makeResult } from './make-result.js'

const available = requireChromium('report.browser.test.ts')
interface CanvasInfo {
  readonly id: string
  readonly width: number
  readonly height: number
  readonly inked: number
}

describe.skipIf(!available)('report.html in headless Chromium', () => {
  it('should draw every chart with no console error and no network request', async () => {
    const dir = process.env.QUANTUM_SCREENSHOT_DIR ?? (await tempDir('quantum-report-'))
    await mkdir(dir, { recursive: true })
    const file = join(dir, 'report.html')
    const result = makeResult({ bars: 4000, trades: 36, symbols: ['BTCUSDT', 'ETHUSDT'] })
    await writeFile(file, renderReportHtml(result))
    const url = pathToFileURL(file).href

    const browser = await launchChromium()
    try {
      const page = await browser.newPage({ width: 1280, height: 900 })
      const errors: string[] = []
      const requests: string[] = []
      const failed: string[] = []
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text())
      })
      page.on('pageerror', (e) => errors.push(e.message))
      page.on('request', (r) => requests.push(r.url()))
      page.on('requestfailed', (r) => failed.push(r.url()))

      await page.goto(url)
      await page.waitForSelector('html[data-charts="ready"]', { timeout: 10_000 })
      const canvases: CanvasInfo[] = await page.$$eval('canvas', (list) =>
        list.map((c) => {
          const ctx = c.getContext('2d')
          const pixels = ctx?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray()
          let inked = 0
          for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) inked++
          return { id: c.id, width: c.width, height: c.height, inked }
        }),
      )
      expect(canvases.map((c) => c.id)).toEqual(['equity-chart', 'drawdown-chart', 'candle-chart'])
      for (const c of canvases) {
        expect(c.width, c.id).toBeGreaterThan(300)
        expect(c.height, c.id).toBeGreaterThan(100)
        expect(c.inked, c.id).toBeGreaterThan(2000)
      }

      // Hovering the candle chart shows a read-out; switching symbol redraws without errors.
      await page.locator('#candle-chart').hover()
      await expect.poll(() => page.locator('#tip').isVisible()).toBe(true)
      expect(await page.locator('#tip').textContent()).toMatch(/UTC/)
      await page.locator('h1').hover()
      await expect.poll(() => page.locator('#tip').isVisible()).toBe(false)
      await page.selectOption('#symbol', '1')
      expect(await page.locator('#candle-note').textContent()).toContain('ETHUSDT')

      await page.selectOption('#symbol', '0')
      const screenshot = join(dir, 'report.png')
      await page.screenshot({ path: screenshot, fullPage: true })
      console.info(`[screenshot] ${screenshot}`)

      expect(errors).toEqual([])
      expect(failed).toEqual([])
      expect(requests).toEqual([url])
    } finally {
      await browser.close()
    }
  })
})
