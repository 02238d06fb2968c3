import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.base.js'

// shims: the CommonJS build gets `import.meta.url` (optional-deps.ts requires onnx-proto lazily through it).
export default defineConfig({ ...packageBuild, shims: true })
