import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.base.js'

export default defineConfig([
  // The library. Cleans dist/ but leaves the CLI bundle built in parallel alone.
  { ...packageBuild, clean: ['!cli.js', '!cli.js.map', '!trial-worker.js', '!trial-worker.js.map'], shims: true },
  // The CLI entry (bin/quantum-run.js imports it): ESM only.
  { ...packageBuild, entry: { cli: 'src/cli.ts' }, format: ['esm'], dts: false, clean: false },
  // The worker thread of optimisation trials (loaded by path from dist/): ESM only.
  { ...packageBuild, entry: { 'trial-worker': 'src/trial-worker.ts' }, format: ['esm'], dts: false, clean: false },
])
