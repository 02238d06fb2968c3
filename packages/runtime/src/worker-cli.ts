/**
 * `quantum-run worker --redis <url>`: processes the trials that `optimize --redis` queues, until SIGINT
 * or SIGTERM (then it finishes the running trials and exits 0).
 * @packageDocumentation
 */
import { ConfigError, type ValidationIssue } from '@quantum/core'
import { parseSubcommandArgs, type SubcommandIo } from './compare-runs.js'
import { flagReader } from './research-cli.js'
import { redisConnection, startTrialWorker } from './redis-trials.js'

/** The `quantum-run worker --help` text. */
export const WORKER_USAGE = `Usage: quantum-run worker --redis <url> [options]

Runs the trials that "quantum-run optimize --redis" and "walk-forward --redis" queue on Redis (BullMQ),
on worker threads. Start one or more on each machine; every machine needs the config (and its data) at
the same path. A worker killed mid-trial loses its job after --lock-ms and another worker runs it again;
the study counts it once. Stops on SIGINT/SIGTERM after the running trials (and prints its trials and CPU).

Options:
  --redis <url>        redis://host:port[/db] (required)
  --concurrency <n>    trials at once, one worker thread each (default 1)
  --lock-ms <n>        job lock; a dead worker's trial is taken over after it (default 30000)
  --prefix <p>         Redis key prefix (default quantum)
  --quiet              print nothing but errors`

const FLAGS = {
  redis: { type: 'string' },
  concurrency: { type: 'string' },
  'lock-ms': { type: 'string' },
  prefix: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

/** `quantum-run worker`; resolves with 0 once stopped by a signal. */
export async function runWorker(argv: readonly string[], io: SubcommandIo): Promise<number> {
  const { values: v } = parseSubcommandArgs(argv, FLAGS)
  if (v.help === true) {
    io.stdout.write(`${WORKER_USAGE}\n`)
    return 0
  }
  const issues: ValidationIssue[] = []
  const f = flagReader(v, issues)
  const redis = f.text('redis')
  if (redis === undefined) issues.push({ path: '--redis', message: 'missing, e.g. redis://127.0.0.1:6379' })
  const concurrency = f.int('concurrency') ?? 1
  const lockMs = f.int('lock-ms', 500) ?? 30_000
  if (issues.length > 0) throw new ConfigError('Invalid command line (see quantum-run worker --help)', issues)
  redisConnection(redis as string)
  const say = (line: string): void => {
    if (v.quiet !== true) io.stdout.write(`${line}\n`)
  }
  let done = 0
  const worker = await startTrialWorker({
    redis: redis as string,
    concurrency,
    lockMs,
    ...(f.text('prefix') === undefined ? {} : { prefix: f.text('prefix') }),
    onJob: (e) => {
      if (e.phase === 'done') done++
      say(`${e.phase} ${e.id}`)
    },
  })
  say(`worker ${process.pid} ready (${concurrency} at once)`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await worker.close()
  const cpu = process.cpuUsage()
  say(`worker ${process.pid} stopped: ${done} trials, ${Math.round((cpu.user + cpu.system) / 1000)} ms CPU`)
  return 0
}
