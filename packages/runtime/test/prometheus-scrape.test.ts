/**
 * A real Prometheus (the Debian `prometheus` binary) scrapes a running `quantum-run --mode paper --http`
 * and the test asks it, through its HTTP API, what it stored: the scrape target is up and the run's
 * equity and bar counters arrived with their labels.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cliBuilt, cliPath } from '../../../test-utils/cli.js'
import { repoDir } from '../../../test-utils/shared.js'
import { tempDir } from './helpers.js'

const PROMETHEUS = process.env.QUANTUM_PROMETHEUS_BIN ?? '/usr/bin/prometheus'
const hasPrometheus = existsSync(PROMETHEUS)
if (!hasPrometheus) {
  console.warn(`[skip] ${PROMETHEUS} is missing: install the Debian "prometheus" package to run the scrape test`)
}

/** A free loopback port (bound, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })
}

/** Starts a process, keeping its stderr; killed in afterAll. */
const children: ChildProcess[] = []
function start(command: string, args: readonly string[], cwd: string): { child: ChildProcess; stderr: () => string } {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  children.push(child)
  let text = ''
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()))
  return { child, stderr: () => text }
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
})

/** Polls `probe` every 250 ms until it returns a value, or throws with `what` after `limitMs`. */
async function until<T>(what: () => string, limitMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + limitMs
  for (;;) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > end) throw new Error(`timed out: ${what()}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

interface VectorSample {
  readonly metric: Record<string, string>
  readonly value: [number, string]
}

/** One instant PromQL query through the HTTP API; the vector's samples (empty when nothing matched). */
async function query(base: string, promql: string): Promise<readonly VectorSample[]> {
  const response = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`)
  const body = (await response.json()) as { status: string; data: { resultType: string; result: VectorSample[] } }
  if (body.status !== 'success' || body.data.resultType !== 'vector') throw new Error(JSON.stringify(body))
  return body.data.result
}

describe.runIf(hasPrometheus && cliBuilt)('Prometheus scraping a paper run (real prometheus binary)', () => {
  it('stores the run metrics: target up, equity labelled by mode, signals counted', async () => {
    const dir = await tempDir('quantum-prometheus-')
    const run = start(
      process.execPath,
      [
        cliPath,
        join(repoDir, 'examples/quickstart/quantum.config.ts'),
        '--mode',
        'paper',
        '--speed',
        '100',
        '--http',
        '127.0.0.1:0',
        '--no-progress',
        '--log-level',
        'info',
        '--out',
        join(dir, 'run'),
      ],
      dir,
    )
    const target = await until(
      () => `no http url from quantum-run: ${run.stderr()}`,
      60_000,
      () => Promise.resolve(/url[=":]+(http:\/\/[\d.:]+)/.exec(run.stderr())?.[1]),
    )
    const promPort = await freePort()
    await writeFile(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: quantum',
        '    static_configs:',
        `      - targets: ['${target.replace('http://', '')}']`,
        '',
      ].join('\n'),
    )
    const prometheus = start(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--log.level=warn',
      ],
      dir,
    )
    const base = `http://127.0.0.1:${promPort}`
    try {
      const up = await until(
        () => `target never up; prometheus: ${prometheus.stderr()}`,
        60_000,
        async () => {
          const samples = await query(base, 'up{job="quantum"} == 1')
          return samples.length > 0 ? samples : undefined
        },
      )
      expect(up[0]!.metric.instance).toBe(target.replace('http://', ''))

      const equity = await until(
        () => 'no quantum_equity_usdt sample',
        30_000,
        async () => {
          const samples = await query(base, 'quantum_equity_usdt{job="quantum"}')
          return samples.length > 0 ? samples : undefined
        },
      )
      expect(equity[0]!.metric).toMatchObject({ mode: 'paper' })
      expect(Number(equity[0]!.value[1])).toBeGreaterThan(0)

      // Counters grow between scrapes while the replay runs: an increase over the stored window.
      const signals = await until(
        () => 'quantum_signals_total never increased',
        30_000,
        async () => {
          const samples = await query(base, 'sum(increase(quantum_signals_total[30s])) > 0')
          return samples.length > 0 ? samples : undefined
        },
      )
      expect(Number(signals[0]!.value[1])).toBeGreaterThan(0)
    } finally {
      prometheus.child.kill('SIGTERM')
      run.child.kill('SIGTERM')
    }
  }, 180_000)
})
