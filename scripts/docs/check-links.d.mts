/** Types of `check-links.mjs` (a plain script run by `npm run docs`). */
export interface SiteCheck {
  /** Relative links naming no file of the site, with the page they are on. */
  readonly broken: { readonly page: string; readonly link: string }[]
  /** Relative links checked. */
  readonly checked: number
  /** External links counted, not fetched. */
  readonly external: number
}

/** The broken relative links of a built site (`docs/api`). */
export function checkSite(site: string): SiteCheck
