import type { Options } from 'tsup'

/** The build every package shares: ESM + CJS + type declarations from `src/index.ts`. */
export const packageBuild: Options = {
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
}
