import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Runs `lines` as a child process that opens stores through this package's source (with `openSqliteStore`,
 * `intent` and `run` imported) and then kills itself with SIGKILL; returns the signal it ended with.
 */
export function runKilledChild(dir: string, name: string, lines: readonly string[]): NodeJS.Signals | null {
  const child = join(dir, `${name}.mts`)
  const src = join(import.meta.dirname, '../src/index.ts')
  const contract = join(import.meta.dirname, 'store-contract.ts')
  writeFileSync(
    child,
    [
      `import { openSqliteStore } from ${JSON.stringify(src)}`,
      `import { intent, run } from ${JSON.stringify(contract)}`,
      ...lines,
      `process.kill(process.pid, 'SIGKILL')`,
    ].join('\n'),
  )
  const result = spawnSync(process.execPath, ['--conditions=@quantum/source', '--import', 'tsx', child], {
    encoding: 'utf8',
  })
  return result.signal
}
