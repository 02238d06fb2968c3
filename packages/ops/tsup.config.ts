import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.base.js'

// A second entry, `@quantum/ops/run-logger`: every `quantum-run` writes its run.log with it, and the
// barrel would also load prom-client and the HTTP server, which only `--http` needs.
export default defineConfig({
  ...packageBuild,
  entry: { index: 'src/index.ts', 'run-logger': 'src/logging/run-logger.ts' },
})
