/**
 * The live dashboard in headless Chromium (Debian `chromium` through test-utils/chromium.ts), on loopback:
 *  - first paint: navigation to the browser's first-contentful-paint, and to the page showing the run
 *    (snapshot loaded, equity drawn), per fresh tab; median and range over `loads`;
 *  - 1,000 events/s: the runtime publishes 1,000 dashboard events per second (decisions stamped with
 *    their publish time) for `seconds`; every second the bench reads how far the page's newest applied
 *    event lags behind now and how many bytes wait in the server's socket for the page. No growing
 *    backlog: the lag and the unsent bytes stay flat and nothing is dropped.
 */
import type { Decision } from '@quantum/core'
import { createOpsServer, DASHBOARD_HTML, DashboardState } from '@quantum/ops'
import { chromiumAvailable, launchChromium } from '../test-utils/chromium.js'

/** What {@link benchDashboard} measured. */
export interface DashboardBench {
  readonly skipped?: string
  /** Navigation start to first-contentful-paint, ms (per load). */
  readonly fcpMs: readonly number[]
  /** Navigation start to the run shown (snapshot applied, equity drawn), ms (per load; an upper bound: read after it). */
  readonly shownMs: readonly number[]
  /** Events published and applied by the page in the stream test. */
  readonly published: number
  readonly applied: number
  /** Lag of the page's newest event behind now, sampled each second, ms. */
  readonly lagMs: readonly number[]
  /** Bytes queued in the server socket for the page, sampled each second. */
  readonly queuedBytes: readonly number[]
  /** Clients the hub disconnected for being slow. */
  readonly dropped: number
}

/** Runs both dashboard benches; `skipped` says why when Chromium is absent. */
export async function benchDashboard(
  options: { loads?: number; seconds?: number; rate?: number } = {},
): Promise<DashboardBench> {
  const empty = { fcpMs: [], shownMs: [], published: 0, applied: 0, lagMs: [], queuedBytes: [], dropped: 0 }
  if (!chromiumAvailable) return { ...empty, skipped: '/usr/bin/chromium is absent' } satisfies DashboardBench
  const state = new DashboardState({ run: { mode: 'paper', config: 'bench' } })
  const server = createOpsServer({
    dashboard: { html: DASHBOARD_HTML, snapshot: () => state.snapshot(), hub: state.hub },
  })
  const url = await server.listen()
  const browser = await launchChromium()
  try {
    // warm the browser process once (its own start is not the page's paint)
    await (await browser.newPage()).close()
    const fcpMs: number[] = []
    const shownMs: number[] = []
    for (let i = 0; i < (options.loads ?? 5); i++) {
      const page = await browser.newPage()
      await page.goto(url)
      await page.waitForSelector('#app:not([hidden])')
      const shown = await page.evaluate(() => performance.now())
      // the paint entry may be recorded just after the page changed: wait for it (buffered)
      const fcp = Number(
        await page.evaluate(`new Promise((resolve) => {
          new PerformanceObserver((list) => {
            const entry = list.getEntriesByName('first-contentful-paint')[0]
            if (entry !== undefined) resolve(entry.startTime)
          }).observe({ type: 'paint', buffered: true })
          setTimeout(() => resolve(Number.NaN), 5000)
        })`),
      )
      fcpMs.push(fcp)
      shownMs.push(shown)
      await page.close()
    }

    const page = await browser.newPage()
    await page.goto(url)
    await page.waitForSelector('#stream:text-is("live")')
    // count what the page applies: its top-level apply() is a global binding the stream handler looks up
    await page.evaluate(
      'window.__applied = 0; const __apply = apply; apply = (e) => { window.__applied++; __apply(e) }',
    )
    const rate = options.rate ?? 1000
    const seconds = options.seconds ?? 10
    let published = 0
    const decision = (): Decision => ({
      symbol: 'BTCUSDT',
      time: Date.now(),
      action: published % 2 === 0 ? 'BUY' : 'SELL',
      confidence: 0.5,
      price: 60_000,
      votes: [],
    })
    // every 10 ms the events due by then (rate per second of wall time), never waiting on the page
    const start = performance.now()
    const timer = setInterval(() => {
      const due = Math.floor(((performance.now() - start) / 1000) * rate)
      while (published < due) {
        state.hub.publish({ type: 'decision', decision: decision() })
        published++
      }
    }, 10)
    const lagMs: number[] = []
    const queuedBytes: number[] = []
    const sockets = (): number =>
      [...(state.hub as unknown as { clients: Set<{ writableLength: number }> }).clients].reduce(
        (sum, res) => sum + res.writableLength,
        0,
      )
    for (let s = 0; s < seconds; s++) {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      const newest = await page.evaluate(
        'state.decisions.length ? state.decisions[state.decisions.length - 1].time : 0',
      )
      lagMs.push(Date.now() - Number(newest))
      queuedBytes.push(sockets())
    }
    clearInterval(timer)
    await new Promise((resolve) => setTimeout(resolve, 500)) // the last batch lands
    const applied = Number(await page.evaluate('window.__applied'))
    await page.close()
    return {
      fcpMs,
      shownMs,
      published,
      applied,
      lagMs,
      queuedBytes,
      dropped: state.hub.slowClientsDropped,
    } satisfies DashboardBench
  } finally {
    await browser.close()
    await server.close()
  }
}
