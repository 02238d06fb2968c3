/**
 * What `quantum-run` adds around a paper, testnet or live run so it can be watched: the one HTTP server
 * (`--http`: `/health`, `/ready`, `/metrics`, the live dashboard), the metrics and dashboard observers,
 * readiness from the feed's freshness and the emergency stop, and the plugin-error report that keeps a
 * failing plugin from passing silently.
 * @packageDocumentation
 */
import type {
  BacktestResult,
  EngineEvent,
  Logger,
  ObserverPlugin,
  PluginContext,
  QuantumPlugin,
  ReconnectEvent,
  RunMode,
} from '@quantum/core'
import { ConfigError } from '@quantum/core'
import { z } from 'zod'
import type { createReduceOnlyGate, OpsRoute, PastRunView, Readiness, SupervisionEvent } from '@quantum/ops'

/** `--http [host:]port` parsed. */
export interface HttpAddress {
  readonly host: string
  readonly port: number
}

/**
 * Parses `--http`: `9464`, `127.0.0.1:9464`, `0.0.0.0:0`, `[::1]:9464`. The host defaults to 127.0.0.1.
 * @throws {ConfigError} naming `--http` for anything else.
 */
export function parseHttpAddress(value: string): HttpAddress {
  const match = /^(?:(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(value.trim())
  const port = match === null ? Number.NaN : Number(match[2])
  if (match === null || port > 65_535) {
    throw new ConfigError('Invalid command line (see quantum-run --help)', [
      { path: '--http', message: `"${value}" is not [host:]port (e.g. 9464 or 127.0.0.1:9464)` },
    ])
  }
  return { host: (match[1] ?? '127.0.0.1').replace(/^\[|\]$/g, ''), port }
}

/** Options of {@link startRunOps}. */
export interface RunOpsOptions {
  readonly mode: RunMode
  /** Shown on the dashboard, e.g. `{ config: 'quickstart', mode: 'paper' }`. */
  readonly run: Readonly<Record<string, string | number>>
  /** Where to listen; undefined: no server (metrics and dashboard still recorded). */
  readonly http?: HttpAddress | undefined
  /** The server's token (`QUANTUM_HTTP_TOKEN`). */
  readonly token?: string | undefined
  /** A bar later than this after the previous one makes the run not ready. @default 3 * 60 s */
  readonly staleAfterMs?: number
  readonly logger: Logger
  /** Routes mounted beside the built-in ones (the model registry's). @default none */
  readonly routes?: readonly OpsRoute[]
  /** Clock. @default Date.now */
  readonly now?: () => number
  /** The health supervisor's round interval (the seed's health monitor: 30 s). @default 30000 */
  readonly superviseEveryMs?: number
  /**
   * Self-healing of a stale feed: resubscribe it (the venue feed's hook; also settable later with
   * {@link RunOps.setResubscribe}). @default none: a failed self-heal is reported
   */
  readonly resubscribe?: () => void | Promise<void>
  /** Past runs from the state store, for the dashboard (`/api/runs`). @default none (404) */
  readonly pastRuns?: () => Promise<readonly PastRunView[]>
  /** Plugin errors within one supervision round that fail the `plugins` check. @default 10 */
  readonly pluginErrorLimit?: number
}

/** The observers and server of one run. */
export interface RunOps {
  /** Plugins to add to the config's (the reduce-only guard, the metrics and dashboard observers). */
  readonly plugins: readonly QuantumPlugin[]
  /** The server's base URL, when it listens. */
  readonly url: string | undefined
  /** Call for every bar the run processes (the progress callback): feeds readiness and the feed-lag metric. */
  onBar(): void
  /** Call for every engine event (the ESS state for readiness). */
  onEvent(event: EngineEvent): void
  /** What `/ready` answers now. */
  readiness(): Readiness
  /** Sets the feed's resubscribe hook once the feed exists (the supervisor heals a stale feed with it). */
  setResubscribe(hook: () => void | Promise<void>): void
  /**
   * Reports a venue stream that failed and is reconnecting: a `reconnect` event on the run's bus (the
   * metric, the dashboard's errors, the notifier's reconnect-storm alert).
   */
  reconnecting(stream: string, reason: string): void
  /** Why the supervisor put the run into reduce-only, or undefined while it has not. */
  reduceOnly(): string | undefined
  /** Supervisor findings so far (newest last, at most 200), also on the dashboard. */
  findings(): readonly SupervisionEvent[]
  /** Runs one supervision round now. */
  supervise(): Promise<void>
  /** Stops the server. */
  close(): Promise<void>
}

/**
 * Creates the run's metrics and dashboard observers and, with `http`, starts the server.
 * @throws {ConfigError} a non-loopback host without a token, or a token under 24 characters.
 */
export async function startRunOps(options: RunOpsOptions): Promise<RunOps> {
  // Loaded here, not at the top: a run without `--http` never needs the metrics, server or dashboard
  // (prom-client alone took ~0.05 s of every run's start).
  const {
    DASHBOARD_HTML,
    DashboardState,
    createHealthSupervisor,
    createReduceOnlyGate,
    createOpsServer,
    createTradingMetrics,
    metricsObserver,
    recordSupervision,
  } = await import('@quantum/ops')
  const now = options.now ?? Date.now
  const metrics = createTradingMetrics({ defaultLabels: { service: 'quantum-run', mode: options.mode } })
  const started = now()
  let lastBar: number | undefined
  let ess = 'ARMED'
  const staleAfter = options.staleAfterMs ?? 180_000
  const readiness = (): Readiness => {
    const age = now() - (lastBar ?? started)
    const feedOk = age <= staleAfter
    const essOk = ess !== 'TRIPPED'
    return {
      ready: feedOk && essOk,
      checks: {
        feed: {
          ok: feedOk,
          detail:
            lastBar === undefined
              ? `no bar yet (${Math.round(age / 1000)} s)`
              : `last bar ${Math.round(age / 1000)} s ago`,
        },
        ess: { ok: essOk, detail: ess },
      },
    }
  }
  // The health supervisor (the seed's Health Monitor and Self-Healing System): a stale feed is
  // resubscribed, a plugin that keeps failing is reported (the kernel isolates it), repeated failures
  // escalate with an error line and the `quantum_escalations_total` metric; every action is an event.
  const findings: SupervisionEvent[] = []
  const gate = createReduceOnlyGate()
  let resubscribe = options.resubscribe
  // The run's bus, for events the runtime raises outside the engine (stream reconnects).
  let wiring: PluginContext | undefined
  const pending: ReconnectEvent[] = []
  const busTap: ObserverPlugin = {
    name: 'ops:events',
    kind: 'observer',
    setup: (ctx: PluginContext): void => {
      wiring = ctx
      for (const event of pending.splice(0)) ctx.bus.emit(event)
    },
    dispose: (): void => {
      wiring = undefined
    },
    onEvent: (): void => {},
  }
  let roundErrors = 0
  const isolated = new Map<string, string>()
  const errorLimit = options.pluginErrorLimit ?? 10
  const supervisor = createHealthSupervisor({
    intervalMs: options.superviseEveryMs ?? 30_000,
    now,
    checks: [
      {
        name: 'feed',
        check: () => readiness().checks.feed!,
        heal: async () => {
          if (resubscribe === undefined) throw new Error('this feed cannot be resubscribed (a replay or a stub)')
          await resubscribe()
        },
      },
      {
        name: 'plugins',
        check: () => {
          const errors = roundErrors
          roundErrors = 0
          const ok = isolated.size === 0 && errors < errorLimit
          const names = [...isolated].map(([plugin, why]) => `${plugin} (${why})`)
          const detail = `${errors} plugin error(s) this round${names.length > 0 ? `; isolated: ${names.join(', ')}` : ''}`
          return { ok, detail }
        },
        gatesReadiness: false,
      },
    ],
    onEvent: (event) => {
      recordSupervision(metrics, event)
      findings.push(event)
      if (findings.length > 200) findings.shift()
      if (event.type === 'health-check' && !event.ok) options.logger.warn('health check failed', { ...event })
      if (event.type === 'self-heal') options.logger.info('self-heal', { ...event })
    },
    // Repeated failures: the run goes reduce-only (entries refused, exits and stops go on) with an alert.
    onEscalate: (reason) => {
      if (gate.engage(reason)) options.logger.error('supervisor escalation: the run is now reduce-only', { reason })
    },
  })
  const dashboard = new DashboardState({ run: options.run, health: readiness, findings: () => findings })
  const plugins = [gate.plugin, busTap, metricsObserver(metrics), dashboard.observer()]
  let server: ReturnType<typeof createOpsServer> | undefined
  let url: string | undefined
  if (options.http !== undefined) {
    server = createOpsServer({
      host: options.http.host,
      port: options.http.port,
      token: options.token,
      metrics,
      readiness,
      dashboard: {
        html: DASHBOARD_HTML,
        snapshot: () => dashboard.snapshot(),
        hub: dashboard.hub,
        ...(options.pastRuns === undefined ? {} : { pastRuns: options.pastRuns }),
      },
      routes: [...(options.routes ?? []), liftRoute(gate, options.logger)],
    })
    url = await server.listen()
    const extra = [...new Set((options.routes ?? []).map((r) => ` ${r.path}`))].join('')
    options.logger.info('http listening', { url, routes: `/health /ready /metrics / (dashboard)${extra}` })
  }
  return {
    plugins,
    url,
    onBar: () => {
      lastBar = now()
    },
    onEvent: (event) => {
      if (event.type === 'risk-state' && event.source === 'ess') ess = event.state
      else if (event.type === 'plugin-error') roundErrors++
      else if (event.type === 'plugin-isolated') isolated.set(event.plugin, event.reason)
    },
    readiness,
    setResubscribe: (hook) => {
      resubscribe = hook
    },
    reconnecting: (stream, reason) => {
      const event: ReconnectEvent = { type: 'reconnect', stream, reason, time: wiring?.clock.now() ?? now() }
      if (wiring !== undefined) return wiring.bus.emit(event)
      pending.push(event)
      if (pending.length > 100) pending.shift()
    },
    reduceOnly: () => gate.reason,
    findings: () => findings,
    supervise: () => supervisor.runOnce(),
    close: async () => {
      supervisor.stop()
      await server?.close()
    },
  }
}

/**
 * `POST /api/reduce-only/lift` (the server's token, or the dashboard's session): lifts the supervisor's
 * reduce-only once the operator has fixed its cause. Body `{ "by"?: string }` (who, for the event and
 * the log; at most 80 characters). Answers `{ lifted, reason }`: `lifted` false when it was not engaged.
 */
function liftRoute(gate: ReturnType<typeof createReduceOnlyGate>, logger: Logger): OpsRoute {
  return {
    method: 'POST',
    path: '/api/reduce-only/lift',
    handle: ({ body }) => {
      const parsed = LiftBody.safeParse(body ?? {})
      if (!parsed.success) {
        return {
          status: 400,
          body: {
            error: 'invalid body',
            issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          },
        }
      }
      const was = gate.reason
      const by = parsed.data.by ?? 'http'
      const lifted = gate.lift(by)
      if (lifted) logger.warn('reduce-only lifted', { by, was })
      return { status: 200, body: { lifted, reason: was ?? null } }
    },
  }
}

const LiftBody = z.strictObject({ by: z.string().min(1).max(80).optional() })

/**
 * The problems of a finished run a user must see (no silent failure): plugin errors with the first few
 * messages, rejected orders. Empty when there were none.
 */
export function runProblems(result: Pick<BacktestResult, 'summary' | 'notableEvents'>): string[] {
  const problems: string[] = []
  const { pluginErrors, ordersRejected } = result.summary
  if (pluginErrors > 0) {
    const byHook = new Map<string, { count: number; message: string }>()
    for (const event of result.notableEvents) {
      if (event.type !== 'plugin-error') continue
      const key = `${event.plugin}.${event.hook}`
      const seen = byHook.get(key)
      if (seen) seen.count++
      else byHook.set(key, { count: 1, message: event.error.message })
    }
    const lines = [...byHook].slice(0, 5).map(([where, { count, message }]) => `  ${where}: ${message} (${count}x)`)
    problems.push(`${pluginErrors} plugin error(s): the strategy did not run as written\n${lines.join('\n')}`)
  }
  if (ordersRejected > 0) problems.push(`${ordersRejected} order(s) or cancel(s) rejected by the exchange`)
  return problems
}

/** True for a config with agents but no sizer: its decisions can never become orders. */
export function hasAgentsWithoutSizer(plugins: readonly QuantumPlugin[]): boolean {
  return plugins.some((p) => p.kind === 'agent') && !plugins.some((p) => p.kind === 'sizer')
}
