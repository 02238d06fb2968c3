/**
 * The one way tests start headless Chromium (playwright-core on the Debian `chromium` binary): the same
 * flags everywhere, a fresh profile per launch, and a printed reason when the binary is absent.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'

/** The Chromium binary (`QUANTUM_CHROMIUM` overrides). .ci/run installs Debian's. */
export const CHROMIUM: string = process.env.QUANTUM_CHROMIUM ?? '/usr/bin/chromium'

/** Flags of every launch: headless, no sandbox, no GPU, and nothing that reaches the network by itself. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** True when the binary exists. */
export const chromiumAvailable: boolean = existsSync(CHROMIUM)

/** Prints why `test` is skipped when Chromium is absent; returns {@link chromiumAvailable}. */
export function requireChromium(test: string): boolean {
  if (!chromiumAvailable) console.warn(`[skip] ${test}: ${CHROMIUM} does not exist (apt-get install -y chromium)`)
  return chromiumAvailable
}

/** A launched browser with its own profile folder. */
export interface ChromiumSession {
  readonly context: BrowserContext
  /** A new tab, optionally with a viewport. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>
  /** Closes the browser and removes its profile folder. */
  close(): Promise<void>
}

/** Launches headless Chromium with {@link CHROMIUM_ARGS} and a fresh user-data-dir. */
export async function launchChromium(): Promise<ChromiumSession> {
  const { chromium } = await import('playwright-core')
  const profile = await mkdtemp(join(tmpdir(), 'quantum-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS],
    headless: true,
  })
  return {
    context,
    newPage: async (viewport) => {
      const page = await context.newPage()
      if (viewport !== undefined) await page.setViewportSize(viewport)
      return page
    },
    close: async () => {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    },
  }
}
