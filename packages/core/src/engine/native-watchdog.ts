/**
 * The kernel's hook watchdog, native when it could be built. `node:vm`'s `timeout` starts and joins a
 * thread on every call (about 0.1–0.3 ms, and milliseconds at the tail on a busy 2-core machine), which
 * sat on the signal -> wire path of every live bar. The optional addon in `native/` (built by the
 * package's build with npm's node-gyp when Node's headers are on the machine, never downloaded) keeps
 * one watchdog thread per isolate: arming it costs a mutex and a signal. Both cut an endless loop the
 * same way and throw an error with code `ERR_SCRIPT_EXECUTION_TIMEOUT`.
 * @packageDocumentation
 */
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

/** The addon's one function: calls `fn` bound to `self` with `a, b, c` under a deadline of `timeoutMs`. */
// eslint-disable-next-line max-params -- the addon's native signature: no object is allocated per call
export type NativeRun = (
  fn: (...args: unknown[]) => unknown,
  self: unknown,
  a: unknown,
  b: unknown,
  c: unknown,
  timeoutMs: number,
) => unknown

let loaded: { run: NativeRun | undefined; why: string } | undefined

/**
 * The native watchdog's `run`, or undefined with why (not built here, `QUANTUM_NATIVE_WATCHDOG=0`, or
 * built for another Node version): then the kernel uses `node:vm`'s timeout. Loaded once.
 */
export function nativeWatchdog(): { readonly run: NativeRun | undefined; readonly why: string } {
  if (loaded !== undefined) return loaded
  if (process.env.QUANTUM_NATIVE_WATCHDOG === '0')
    return (loaded = { run: undefined, why: 'QUANTUM_NATIVE_WATCHDOG=0' })
  const require = createRequire(import.meta.url)
  // From dist/index.js and from src/engine/ (the source condition) alike.
  const errors: string[] = []
  for (const rel of ['../native/build/Release/watchdog.node', '../../native/build/Release/watchdog.node']) {
    try {
      const addon = require(fileURLToPath(new URL(rel, import.meta.url))) as { run?: unknown }
      if (typeof addon.run === 'function') return (loaded = { run: addon.run as NativeRun, why: 'native' })
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code
      if (code !== 'MODULE_NOT_FOUND') errors.push(error instanceof Error ? error.message : String(error))
    }
  }
  return (loaded = {
    run: undefined,
    why: errors.length > 0 ? `the addon failed to load: ${errors[0]}` : 'the addon is not built here',
  })
}

/** Which watchdog cuts hook calls in this process: `native` or `node:vm (<why>)`. */
export function hookWatchdogKind(): string {
  const { run, why } = nativeWatchdog()
  return run === undefined ? `node:vm (${why})` : 'native'
}
