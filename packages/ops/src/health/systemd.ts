import { execFile } from 'node:child_process'

/** Where systemd expects notifications, if the process runs under a `Type=notify` unit. */
export const notifySocket = (env: NodeJS.ProcessEnv = process.env): string | undefined => env.NOTIFY_SOCKET || undefined

/**
 * Sends one sd_notify message (`READY=1`, `WATCHDOG=1`, `STOPPING=1`, `STATUS=…`) through the
 * `systemd-notify` tool (Node has no datagram sockets on unix paths; the unit sets `NotifyAccess=all`).
 * Resolves false, without throwing, when not under systemd or when the tool fails.
 */
export function sdNotify(message: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (notifySocket(env) === undefined) return Promise.resolve(false)
  return new Promise((resolve) => {
    execFile('systemd-notify', [message], { env, timeout: 5000 }, (error) => resolve(error === null))
  })
}

/** A running watchdog pinger; stop it at shutdown. */
export interface SystemdWatchdog {
  /** Stops pinging and tells systemd the service is stopping. */
  stop(): Promise<void>
}

/**
 * Tells systemd the runtime is ready, then pings its watchdog at half the unit's `WatchdogSec`
 * (from `WATCHDOG_USEC`) while `healthy()` holds. A runtime whose event loop is stuck, or whose health
 * check fails, stops pinging and systemd restarts it. Does nothing outside systemd.
 */
export async function startSystemdWatchdog(
  healthy: () => boolean | Promise<boolean>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SystemdWatchdog> {
  if (notifySocket(env) === undefined) return { stop: async () => {} }
  await sdNotify('READY=1', env)
  const usec = Number(env.WATCHDOG_USEC)
  const timer =
    Number.isFinite(usec) && usec > 0
      ? setInterval(
          () => {
            void Promise.resolve()
              .then(healthy)
              .then((ok) => (ok ? sdNotify('WATCHDOG=1', env) : false))
              .catch(() => false)
          },
          Math.max(1, usec / 2000),
        )
      : undefined
  timer?.unref()
  return {
    stop: async () => {
      if (timer) clearInterval(timer)
      await sdNotify('STOPPING=1', env)
    },
  }
}
