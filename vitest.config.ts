import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultClientConditions, defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

// Every workspace package is a test project (a new package needs no edit here).
const packages = readdirSync(new URL('packages/', import.meta.url)).filter((name) =>
  existsSync(new URL(`packages/${name}/package.json`, import.meta.url)),
)

// Runs that keep ESS state where a user's live run would (`~/.quantum/state`) must never do so from a
// test: a tripped drill there would halt the next real run. Every test process (and the CLI processes
// they spawn, which inherit the environment) gets a fresh folder instead.
const stateDir = mkdtempSync(join(tmpdir(), 'quantum-test-state-'))

export default defineConfig({
  // Tests run against the TypeScript sources of sibling packages, not their builds.
  resolve: { conditions: ['@quantum/source', ...defaultClientConditions] },
  ssr: {
    resolve: { conditions: ['@quantum/source', ...defaultServerConditions], externalConditions: ['@quantum/source'] },
  },
  test: {
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: {
          name,
          root: `packages/${name}`,
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
        },
      })),
      {
        extends: true as const,
        test: { name: 'examples', include: ['examples/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'] },
      },
    ],
    testTimeout: 60_000,
    env: { QUANTUM_STATE_DIR: stateDir },
  },
})
