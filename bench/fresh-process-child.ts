/** The child side of {@link inFreshProcess}: imports the module, calls the export, sends the result. */
import { pathToFileURL } from 'node:url'

const send = (reply: unknown): void => void process.send?.(reply)
try {
  const mod = (await import(pathToFileURL(process.env['BENCH_MODULE'] ?? '').href)) as Record<string, unknown>
  const fn = mod[process.env['BENCH_EXPORT'] ?? '']
  if (typeof fn !== 'function') throw new Error('no such export')
  const args = JSON.parse(process.env['BENCH_ARGS'] ?? '[]') as unknown[]
  send({ ok: true, value: await (fn as (...a: unknown[]) => Promise<unknown>)(...args) })
} catch (error) {
  send({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
}
