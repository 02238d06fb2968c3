import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.base.js'

export default defineConfig([
  // ESM: the library and the CLI entry (bin/quantum-run.js imports it), with shared chunks; the CLI loads
  // the run and venue code on demand (`--help` loads neither). Cleans dist/ but the CommonJS files.
  {
    ...packageBuild,
    // The worker thread of optimisation trials is loaded by path from dist/.
    entry: { index: 'src/index.ts', cli: 'src/cli.ts', 'trial-worker': 'src/trial-worker.ts' },
    shims: true,
    format: ['esm'],
    dts: { entry: { index: 'src/index.ts' } },
    clean: ['!index.cjs', '!index.cjs.map'],
  },
  // CommonJS: the library only.
  { ...packageBuild, format: ['cjs'], clean: false },
])
