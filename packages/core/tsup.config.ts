import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.base.js'

// shims: the CommonJS build gets `import.meta.url` (native-watchdog.ts finds the optional addon through it).
export default defineConfig({ ...packageBuild, shims: true })
