import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.base.js'

// The GBDT trainer's and the job steps' worker threads are their own entries (dist/gbdt-worker.js|cjs,
// dist/job-worker.js|cjs) and the worker host process (dist/worker-host.js|cjs), found beside index.js.
export default defineConfig({
  ...packageBuild,
  entry: {
    index: 'src/index.ts',
    'gbdt-worker': 'src/gbdt/gbdt-worker.ts',
    'job-worker': 'src/worker/job-worker.ts',
    'worker-host': 'src/worker/worker-host.ts',
  },
  shims: true,
})
