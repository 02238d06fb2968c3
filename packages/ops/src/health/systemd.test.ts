import { chmodSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { sdNotify, startSystemdWatchdog } from './systemd.js'

/** A fake `systemd-notify` on PATH that appends its argument and $NOTIFY_SOCKET to a log file. */
function fakeSystemd(): { env: NodeJS.ProcessEnv; calls: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'sdnotify-'))
  const log = join(dir, 'calls.log')
  const tool = join(dir, 'systemd-notify')
  writeFileSync(tool, `#!/bin/sh\necho "$1 $NOTIFY_SOCKET" >> ${log}\n`)
  chmodSync(tool, 0o755)
  return {
    env: {
      ...process.env,
      PATH: `${dir}:${process.env.PATH ?? ''}`,
      NOTIFY_SOCKET: '/run/fake.sock',
      WATCHDOG_USEC: '40000',
    },
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
  }
}

describe('systemd notify and watchdog', () => {
  it('does nothing outside systemd', async () => {
    expect(await sdNotify('READY=1', { PATH: process.env.PATH })).toBe(false)
    const watchdog = await startSystemdWatchdog(() => true, { PATH: process.env.PATH })
    await watchdog.stop()
  })

  it('reports ready, pings while healthy, stops pinging when not, and says stopping', async () => {
    const { env, calls } = fakeSystemd()
    let healthy = true
    const watchdog = await startSystemdWatchdog(() => healthy, env)
    await new Promise((r) => setTimeout(r, 150))
    healthy = false
    await new Promise((r) => setTimeout(r, 60))
    const whilePinging = calls().length
    await new Promise((r) => setTimeout(r, 150))
    expect(calls().length).toBe(whilePinging)
    await watchdog.stop()
    const all = calls()
    expect(all[0]).toBe('READY=1 /run/fake.sock')
    expect(all.filter((c) => c.startsWith('WATCHDOG=1')).length).toBeGreaterThanOrEqual(2)
    expect(all.at(-1)).toBe('STOPPING=1 /run/fake.sock')
  })
})
