/**
 * The runtime's one HTTP server: liveness, readiness, Prometheus metrics, the live dashboard and its
 * event stream, and routes mounted by other packages (the risk API under `/risk`, the model registry).
 * Every guard (token, Host/Origin, JSON bodies, limits, throttled failures) is core's
 * `createGuardedServer`, the same one the risk API uses when it listens on its own.
 * @packageDocumentation
 */
import { createHmac } from 'node:crypto'
import type { Server } from 'node:http'
import { createGuardedServer, tokenMatches, type HttpReply, type HttpRequest, type HttpRoute } from '@quantum/core'
import type { TradingMetrics } from '../metrics/trading-metrics.js'
import type { SseHub } from './sse-hub.js'

/** A request as a mounted route sees it (the shared {@link HttpRequest}). */
export type OpsRequest = HttpRequest

/** A route's answer (the shared {@link HttpReply}). */
export type OpsReply = HttpReply

/** A route mounted on the server (the shared {@link HttpRoute}). Every `POST` needs the token unless its `auth` says otherwise. */
export type OpsRoute = HttpRoute

/** One past run as `/api/runs` lists it (a stored run record, as `quantum-run runs list` shows it). */
export interface PastRunView {
  readonly id: string
  readonly name: string
  readonly mode: string
  readonly status: string
  readonly account: string
  readonly startedAt: number
  readonly endedAt?: number
}

/** What `/ready` reports: each check and whether it passes. */
export interface Readiness {
  readonly ready: boolean
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail?: string }>>
}

/** Options of {@link createOpsServer}. */
export interface OpsServerOptions {
  /** Interface to bind. Anything but loopback requires `token`. @default '127.0.0.1' */
  readonly host?: string
  /** Port; 0 picks a free one. @default 0 */
  readonly port?: number
  /** Bearer token (at least 24 characters) for every `POST`, and for every route but `/health` off loopback. */
  readonly token?: string
  /** Require the token for reads (every route but `/health` and the page itself). @default true off loopback, false on it */
  readonly authReads?: boolean
  /** Extra host names clients may use in the `Host` header (behind a reverse proxy). */
  readonly allowedHosts?: readonly string[]
  /** Largest request body, bytes. @default 16384 */
  readonly maxBodyBytes?: number
  /** Requests per client address per minute. @default 1200 */
  readonly requestsPerMinute?: number
  /** Failed authentications per client per minute before it gets 429 for the rest of the minute. @default 10 */
  readonly authFailuresPerMinute?: number
  /** Metrics served at `/metrics`. */
  readonly metrics?: TradingMetrics
  /** Readiness checks for `/ready` (feed fresh, venue reachable, store writable, ESS). */
  readonly readiness?: () => Readiness | Promise<Readiness>
  /** The dashboard: its page, a snapshot for `/api/snapshot`, and the hub behind `/api/events`. */
  readonly dashboard?: {
    readonly html: string
    readonly snapshot: () => unknown
    readonly hub: SseHub<unknown>
    /** Past runs from the state store for `/api/runs` (newest first); absent: 404. A throw answers 503. */
    readonly pastRuns?: () => Promise<readonly PastRunView[]>
  }
  /** Routes mounted by other packages, e.g. the risk API under `/risk/…`. */
  readonly routes?: readonly OpsRoute[]
  /** Clock for rate-limit windows. @default Date.now */
  readonly now?: () => number
}

/** A running (or ready) server. */
export interface OpsServer {
  readonly server: Server
  /** Starts listening; resolves with the base URL. */
  listen(): Promise<string>
  /** Stops accepting connections and closes the open ones (event streams included). */
  close(): Promise<void>
}

const SESSION_COOKIE = 'quantum_session'
const started = Date.now()

/**
 * Creates the server (not listening yet).
 * @throws {ConfigError} `token` shorter than 24 characters, or a non-loopback `host` without a token.
 */
export function createOpsServer(options: OpsServerOptions): OpsServer {
  const session =
    options.token === undefined
      ? undefined
      : createHmac('sha256', options.token).update('dashboard-session').digest('hex')
  // Mounted routes cannot replace the built-in ones (a later route with the same key would win).
  const builtIn = builtInRoutes(options, session)
  const taken = new Set(builtIn.map((r) => `${r.method} ${r.path}`))
  const guarded = createGuardedServer({
    routes: [...builtIn, ...(options.routes ?? []).filter((r) => !taken.has(`${r.method} ${r.path}`))],
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    ...(options.token === undefined ? {} : { token: options.token }),
    ...(session === undefined ? {} : { alsoAccept: [session] }),
    sessionCookie: SESSION_COOKIE,
    ...(options.authReads === undefined ? {} : { authReads: options.authReads }),
    allowedHosts: options.allowedHosts ?? [],
    maxBodyBytes: options.maxBodyBytes ?? 16_384,
    requestsPerWindow: options.requestsPerMinute ?? 1200,
    authFailuresPerWindow: options.authFailuresPerMinute ?? 10,
    windowMs: 60_000,
    ...(options.now === undefined ? {} : { now: options.now }),
  })
  return {
    server: guarded.server,
    listen: () => guarded.listen(),
    close: async () => {
      options.dashboard?.hub.close()
      await guarded.close()
    },
  }
}

function builtInRoutes(options: OpsServerOptions, session: string | undefined): OpsRoute[] {
  const routes: OpsRoute[] = [
    {
      method: 'GET',
      path: '/health',
      auth: 'public',
      handle: () => ({ status: 200, body: { status: 'ok', uptimeSeconds: Math.round((Date.now() - started) / 1000) } }),
    },
    {
      method: 'GET',
      path: '/ready',
      handle: async () => {
        const readiness = (await options.readiness?.()) ?? { ready: true, checks: {} }
        return { status: readiness.ready ? 200 : 503, body: readiness }
      },
    },
  ]
  const { metrics, dashboard } = options
  if (metrics) {
    routes.push({
      method: 'GET',
      path: '/metrics',
      handle: async () => ({ status: 200, body: await metrics.scrape(), contentType: metrics.registry.contentType }),
    })
  }
  if (dashboard) {
    routes.push(
      {
        method: 'GET',
        path: '/',
        auth: 'public',
        handle: () => ({ status: 200, body: dashboard.html, contentType: 'text/html; charset=utf-8' }),
      },
      {
        method: 'GET',
        path: '/favicon.ico',
        auth: 'public',
        handle: () => ({ status: 204, body: '', contentType: 'image/x-icon' }),
      },
      { method: 'GET', path: '/api/snapshot', handle: () => ({ status: 200, body: dashboard.snapshot() }) },
      ...(dashboard.pastRuns === undefined
        ? []
        : [
            {
              method: 'GET' as const,
              path: '/api/runs',
              handle: async () => {
                try {
                  return { status: 200, body: { runs: await dashboard.pastRuns!() } }
                } catch (error) {
                  return { status: 503, body: { error: error instanceof Error ? error.message : String(error) } }
                }
              },
            },
          ]),
      {
        method: 'GET',
        path: '/api/events',
        handle: ({ response }) => {
          dashboard.hub.attach(response)
          return { handled: true }
        },
      },
    )
  }
  if (session !== undefined && options.token !== undefined) {
    const token = options.token
    routes.push({
      method: 'POST',
      path: '/api/login',
      auth: 'self',
      handle: ({ body }) => {
        const presented = typeof body === 'object' && body !== null ? (body as { token?: unknown }).token : undefined
        if (typeof presented !== 'string' || !tokenMatches(presented, token))
          return { status: 401, body: { error: 'wrong token' } }
        return {
          status: 200,
          body: { ok: true },
          headers: { 'set-cookie': `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/` },
        }
      },
    })
  }
  return routes
}
