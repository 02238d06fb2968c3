import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.base.js'

// The GBDT trainer's worker thread is its own entry (dist/gbdt-worker.js|cjs), found beside index.js.
export default defineConfig({
  ...packageBuild,
  entry: { index: 'src/index.ts', 'gbdt-worker': 'src/gbdt/gbdt-worker.ts' },
  shims: true,
})
