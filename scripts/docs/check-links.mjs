// @ts-check
/**
 * Link check of the built docs site: every relative `href`/`src` in `docs/api/**\/*.html` must name a
 * file of the site (anchors and queries aside). External links are not fetched (no network here); they
 * are counted. Exits 1 listing each broken link with the page it is on.
 *
 * Usage: node scripts/docs/check-links.mjs [site dir, default docs/api]
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

/** @param {string} dir @returns {string[]} */
function htmlFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return htmlFiles(path)
    return name.endsWith('.html') ? [path] : []
  })
}

/**
 * The broken relative links of a site.
 * @param {string} site
 * @returns {{ broken: { page: string, link: string }[], checked: number, external: number }}
 */
export function checkSite(site) {
  const broken = []
  let checked = 0
  let external = 0
  for (const page of htmlFiles(site)) {
    const html = readFileSync(page, 'utf8')
    for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const link = m[1].replace(/&amp;/g, '&')
      if (link === '' || link.startsWith('#') || link.startsWith('data:') || link.startsWith('javascript:')) continue
      if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('//')) {
        external++
        continue
      }
      const path = decodeURIComponent(link.split('#')[0].split('?')[0])
      if (path === '') continue
      checked++
      const target = resolve(dirname(page), path)
      if (!existsSync(target)) broken.push({ page: relative(site, page), link })
    }
  }
  return { broken, checked, external }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const site = resolve(process.argv[2] ?? 'docs/api')
  const { broken, checked, external } = checkSite(site)
  for (const b of broken) process.stderr.write(`broken link in ${b.page}: ${b.link}\n`)
  process.stdout.write(
    `links: ${checked} relative checked, ${broken.length} broken; ${external} external not fetched\n`,
  )
  if (broken.length > 0) process.exitCode = 1
}
