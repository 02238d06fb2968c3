import { cpSync } from 'node:fs'
import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.base.js'

// The JSON fixtures are inlined by the bundler; the gzip-compressed full exchangeInfo is read at run time
// (`new URL('./data/…', import.meta.url)`), so it is copied next to the bundles, and `shims` gives the CJS
// build an `import.meta.url`.
export default defineConfig({
  ...packageBuild,
  shims: true,
  onSuccess: () => {
    cpSync('src/data/fapi_v1_exchangeInfo.full.json.gz', 'dist/data/fapi_v1_exchangeInfo.full.json.gz')
    return Promise.resolve()
  },
})
