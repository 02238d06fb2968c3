import { defineConfig } from 'tsup'

export default defineConfig([
  {
    // The library: ESM + CJS + types. Cleans dist/ but leaves the CLI bundle built in parallel alone.
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: ['!cli.js', '!cli.js.map'],
    sourcemap: true,
    target: 'node20',
  },
  {
    // The `quantum-run` bin: ESM only, executable through its shebang.
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
])
