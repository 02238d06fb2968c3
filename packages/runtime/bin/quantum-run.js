#!/usr/bin/env node
// The `quantum-run` bin. It is a committed file (not dist/cli.js itself) so that `npm ci` can link it
// before the build that `npm ci` runs has produced dist/.
import('../dist/cli.js').catch((error) => {
  const missing = error && error.code === 'ERR_MODULE_NOT_FOUND'
  console.error(missing ? 'quantum-run is not built yet: run "npm run build" (npm ci does it).' : error)
  process.exitCode = 1
})
