import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkSite } from './check-links.mjs'

describe('docs link check', () => {
  it('finds a relative link to a missing page, and passes links to pages, assets and anchors', () => {
    const site = mkdtempSync(join(tmpdir(), 'quantum-links-'))
    mkdirSync(join(site, 'modules'))
    writeFileSync(
      join(site, 'index.html'),
      '<a href="modules/core.html#engine">x</a><a href="https://example.org">y</a>',
    )
    writeFileSync(
      join(site, 'modules/core.html'),
      '<a href="../index.html">up</a><a href="#top">top</a><img src="../media/chart.png"><a href="gone.html">z</a>',
    )
    const result = checkSite(site)
    expect(result.broken).toEqual([
      { page: join('modules', 'core.html'), link: '../media/chart.png' },
      { page: join('modules', 'core.html'), link: 'gone.html' },
    ])
    expect(result.checked).toBe(4)
    expect(result.external).toBe(1)
  })
})
