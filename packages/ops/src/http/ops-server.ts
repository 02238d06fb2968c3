/**
 * The runtime's one HTTP server over `node:http`: liveness, readiness, Prometheus metrics, the live
 * dashboard and its event stream, and routes mounted by other packages (the risk API). node:http rather
 * than a framework: a dozen routes, no templating, and every guard below must apply to every route the
 * same way, which is simplest to see in one function.
 * @packageDocumentation
 */
import { createHmac } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ConfigError } from '@quantum/core'
import type { TradingMetrics } from '../metrics/trading-metrics.js'
import {
  MIN_TOKEN_LENGTH,
  RateLimiter,
  hostAllowed,
  isLoopback,
  originAllowed,
  presentedToken,
  tokenMatches,
} from './guard.js'
import type { SseHub } from './sse-hub.js'

/** A request as a mounted route sees it: the parsed JSON body and the query. */
export interface OpsRequest {
  readonly body: unknown
  readonly query: URLSearchParams
  /** The verified token, when the request carried a valid one. */
  readonly authenticated: boolean
}

/** A route's answer: a status and a JSON body (or text with a content type). */
export interface OpsReply {
  readonly status: number
  readonly body: unknown
  /** `application/json` unless given; a string body is sent as it is. */
  readonly contentType?: string
  readonly headers?: Readonly<Record<string, string>>
}

/** A route mounted on the server. Every `POST` needs the token, JSON and a same-origin request. */
export interface OpsRoute {
  readonly method: 'GET' | 'POST'
  readonly path: string
  /** A `GET` that needs the token even on loopback. @default false (POST always does) */
  readonly auth?: boolean
  handle(request: OpsRequest): OpsReply | Promise<OpsReply>
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
  readonly dashboard?: { readonly html: string; readonly snapshot: () => unknown; readonly hub: SseHub<unknown> }
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

class Problem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

const SESSION_COOKIE = 'quantum_session'
const started = Date.now()

/**
 * Creates the server (not listening yet).
 * @throws {ConfigError} `token` shorter than 24 characters, or a non-loopback `host` without a token.
 */
export function createOpsServer(options: OpsServerOptions): OpsServer {
  const host = options.host ?? '127.0.0.1'
  const { token } = options
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new ConfigError('invalid HTTP server options', [
      { path: 'http.token', message: `at least ${MIN_TOKEN_LENGTH} characters` },
    ])
  }
  if (token === undefined && !isLoopback(host)) {
    throw new ConfigError('invalid HTTP server options', [
      { path: 'http.host', message: `binding ${host} needs a token (QUANTUM_HTTP_TOKEN), or bind 127.0.0.1` },
    ])
  }
  const now = options.now ?? Date.now
  const authReads = options.authReads ?? !isLoopback(host)
  const session =
    token === undefined ? undefined : createHmac('sha256', token).update('dashboard-session').digest('hex')
  const requests = new RateLimiter(options.requestsPerMinute ?? 1200, 60_000, now)
  const failures = new RateLimiter(options.authFailuresPerMinute ?? 10, 60_000, now)
  const routes = new Map<string, OpsRoute>()
  for (const route of builtInRoutes(options, session)) routes.set(`${route.method} ${route.path}`, route)
  for (const route of options.routes ?? []) routes.set(`${route.method} ${route.path}`, route)
  const knownPaths = new Set([...routes.values()].map((r) => r.path))
  let bound = { host, port: options.port ?? 0 }

  const authenticated = (req: IncomingMessage): boolean => {
    if (token === undefined || session === undefined) return false
    const presented = presentedToken(req, SESSION_COOKIE)
    return tokenMatches(presented, token) || tokenMatches(presented, session)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const client = req.socket.remoteAddress ?? 'unknown'
    if (!requests.allow(client)) throw new Problem(429, 'too many requests')
    if (!hostAllowed(req, bound, options.allowedHosts ?? [])) throw new Problem(421, 'unexpected Host header')
    const url = new URL(req.url ?? '/', 'http://localhost')
    const method = req.method ?? 'GET'
    if (method !== 'GET' && method !== 'POST' && method !== 'HEAD')
      throw new Problem(405, `method ${method} not allowed`)
    const route = routes.get(`${method === 'HEAD' ? 'GET' : method} ${url.pathname}`)
    if (route === undefined) {
      throw knownPaths.has(url.pathname)
        ? new Problem(405, `method ${method} not allowed on ${url.pathname}`)
        : new Problem(404, `no route ${url.pathname}`)
    }
    const isPublic = ['/health', '/', '/favicon.ico', '/api/login'].includes(url.pathname)
    const needsToken =
      method === 'POST' ? url.pathname !== '/api/login' : route.auth === true || (authReads && !isPublic)
    // A client past its failure budget is refused before its token is compared, so guessing learns nothing.
    if (needsToken && failures.blocked(client)) throw new Problem(429, 'too many failed authentications; wait a minute')
    const ok = authenticated(req)
    if (needsToken && !ok) {
      failures.hit(client)
      throw new Problem(
        token === undefined ? 403 : 401,
        token === undefined
          ? 'this route needs the server to have a token (--http-token or QUANTUM_HTTP_TOKEN)'
          : 'a valid bearer token is required',
      )
    }
    let body: unknown
    if (method === 'POST') {
      if (!originAllowed(req)) throw new Problem(403, 'cross-origin request refused')
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
        throw new Problem(415, 'content type must be application/json')
      body = await readJson(req, options.maxBodyBytes ?? 16_384)
      if (url.pathname === '/api/login' && failures.blocked(client))
        throw new Problem(429, 'too many failed authentications; wait a minute')
    }
    if (url.pathname === '/api/events' && options.dashboard) {
      options.dashboard.hub.attach(res)
      return
    }
    const reply = await route.handle({ body, query: url.searchParams, authenticated: ok })
    if (url.pathname === '/api/login' && reply.status === 401) failures.hit(client)
    send(res, reply, method === 'HEAD')
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const problem =
        error instanceof Problem ? error : new Problem(500, error instanceof Error ? error.message : String(error))
      if (!res.headersSent) send(res, { status: problem.status, body: { error: problem.message } }, false)
      else res.destroy()
    })
  })
  server.requestTimeout = 10_000
  server.headersTimeout = 5_000
  server.keepAliveTimeout = 5_000

  return {
    server,
    listen: () =>
      new Promise<string>((resolve, reject) => {
        server.once('error', reject)
        server.listen(options.port ?? 0, host, () => {
          const address = server.address() as AddressInfo
          bound = { host, port: address.port }
          const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address
          resolve(`http://${shown}:${address.port}`)
        })
      }),
    close: () =>
      new Promise<void>((resolve) => {
        options.dashboard?.hub.close()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function builtInRoutes(options: OpsServerOptions, session: string | undefined): OpsRoute[] {
  const routes: OpsRoute[] = [
    {
      method: 'GET',
      path: '/health',
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
        handle: () => ({ status: 200, body: dashboard.html, contentType: 'text/html; charset=utf-8' }),
      },
      { method: 'GET', path: '/favicon.ico', handle: () => ({ status: 204, body: '', contentType: 'image/x-icon' }) },
      { method: 'GET', path: '/api/snapshot', handle: () => ({ status: 200, body: dashboard.snapshot() }) },
      { method: 'GET', path: '/api/events', handle: () => ({ status: 500, body: { error: 'stream not attached' } }) },
    )
  }
  if (session !== undefined && options.token !== undefined) {
    const token = options.token
    routes.push({
      method: 'POST',
      path: '/api/login',
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

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) throw new Problem(413, `body larger than ${limit} bytes`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) throw new Problem(413, `body larger than ${limit} bytes`)
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new Problem(400, `malformed JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
}

function send(res: ServerResponse, reply: OpsReply, headOnly: boolean): void {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body)
  res.writeHead(reply.status, {
    'content-type': reply.contentType ?? 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'content-security-policy':
      "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; connect-src 'self'",
    ...reply.headers,
  })
  res.end(headOnly ? undefined : text)
}
