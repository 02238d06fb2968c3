/**
 * The one set of HTTP guards every server of the SDK runs (the runtime's ops server, the risk API when
 * it listens on its own): over `node:http`, because a dozen routes do not need a framework and every
 * guard below must apply to every route the same way, which is simplest to see in one function.
 *
 * In order, for every request: a per-client rate limit (429); the `Host` header must name this server
 * (421, against DNS rebinding); the `Origin`, when present, must be this server's or an allowed one
 * (403); the route must exist (404, so `..` and encoded traversal never reach anything) and take the
 * method (405); a client past its budget of failed authentications gets 429 before any token of its is
 * compared; the server's token (bearer or session cookie, compared in constant time) where the route
 * needs it (401; 403 when the server has none); a POST body must be declared JSON (415), fit the limit
 * (413) and parse (400). A route's own `AuthError` (a wrong emergency-stop token) counts as a failed
 * authentication and answers 401. Every error reply is JSON `{ error, issues? }`.
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ConfigError, isQuantumError, type ValidationIssue } from '../errors.js'
import {
  MIN_TOKEN_LENGTH,
  RateLimiter,
  hostAllowed,
  isLoopback,
  originAllowed,
  presentedToken,
  tokenMatches,
} from './guard.js'

/** A request as a route sees it: the parsed JSON body (POST), the query and what authenticated it. */
export interface HttpRequest {
  /** The parsed JSON body of a POST (`{}` when empty); undefined for GET. */
  readonly body: unknown
  readonly query: URLSearchParams
  /** Whether the request carried the server's token (or its session cookie). */
  readonly authenticated: boolean
  /** The `Authorization: Bearer` value, as presented (a route may check its own token against it). */
  readonly bearer: string | undefined
  /** The response, for routes that take it over (event streams): reply `{ handled: true }` then. */
  readonly response: ServerResponse
}

/** A route's answer: a status and a JSON body (or text with a content type), or `handled` when it wrote the response itself. */
export type HttpReply =
  | {
      readonly status: number
      readonly body: unknown
      /** `application/json` unless given; a string body is sent as it is. */
      readonly contentType?: string
      readonly headers?: Readonly<Record<string, string>>
    }
  | { readonly handled: true }

/**
 * Who may call a route: `token` needs the server's token; `public` nobody; `self` authenticates in its
 * handler (throwing `AuthError`, counted as a failed attempt) and is refused while its client is throttled.
 */
export type RouteAuth = 'token' | 'public' | 'self'

/** A route of a {@link createGuardedServer}. */
export interface HttpRoute {
  readonly method: 'GET' | 'POST'
  /** Exact path, e.g. `/risk/ess/trip`. */
  readonly path: string
  /** @default `token` for POST; for GET `token` when the server authenticates reads, else `public` */
  readonly auth?: RouteAuth
  handle(request: HttpRequest): HttpReply | Promise<HttpReply>
}

/** Options of {@link createGuardedServer}. */
export interface GuardedServerOptions {
  readonly routes: readonly HttpRoute[]
  /** Interface to bind. Anything but loopback requires `token` unless `openWithoutToken`. @default '127.0.0.1' */
  readonly host?: string
  /** Port; 0 picks a free one. @default 0 */
  readonly port?: number
  /** The server's token (at least 24 characters). Without it, `token` routes answer 403. */
  readonly token?: string
  /** Further secrets accepted as the token (a session cookie's value derived from it). @default none */
  readonly alsoAccept?: readonly string[]
  /** Cookie that may carry the token or an `alsoAccept` value. @default none (bearer only) */
  readonly sessionCookie?: string
  /** GET routes without an explicit `auth` need the token. @default true off loopback, false on it */
  readonly authReads?: boolean
  /** Bind a non-loopback host without a token (routes then authenticate themselves). @default false */
  readonly openWithoutToken?: boolean
  /** Extra host names clients may use in the `Host` header (behind a reverse proxy). @default none */
  readonly allowedHosts?: readonly string[]
  /** Origins besides this server's own whose browser requests are accepted. @default none */
  readonly allowedOrigins?: readonly string[]
  /** Largest request body, bytes. @default 16384 */
  readonly maxBodyBytes?: number
  /** Requests per client address per window. @default 1200 */
  readonly requestsPerWindow?: number
  /** Failed authentications per client per window before it gets 429 for the rest of it. @default 10 */
  readonly authFailuresPerWindow?: number
  /** The window of both limits, ms. @default 60000 */
  readonly windowMs?: number
  /** Where {@link ConfigError}s name the options, e.g. `http`. @default 'http' */
  readonly configPath?: string
  /** Clock of the limit windows. @default Date.now */
  readonly now?: () => number
}

/** A running (or ready) server. */
export interface GuardedServer {
  readonly server: Server
  /** Starts listening; resolves with the base URL, e.g. `http://127.0.0.1:43121`. */
  listen(): Promise<string>
  /** Stops accepting connections and closes the open ones. */
  close(): Promise<void>
}

/** An HTTP error reply: a 4xx/5xx status, a message, and the issues of an invalid body. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem'
  constructor(
    /** The HTTP status. */
    readonly status: number,
    message: string,
    readonly extra: {
      readonly issues?: readonly ValidationIssue[]
      readonly headers?: Readonly<Record<string, string>>
    } = {},
  ) {
    super(message)
  }
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; connect-src 'self'",
} as const

/**
 * Creates a server (not listening yet) that runs every guard of this module before its routes.
 * @throws {ConfigError} a token under 24 characters, or a non-loopback host without one.
 * @example
 * const api = createGuardedServer({ routes: [{ method: 'GET', path: '/health', handle: () => ({ status: 200, body: 'ok' }) }] })
 * const url = await api.listen()
 */
export function createGuardedServer(options: GuardedServerOptions): GuardedServer {
  const host = options.host ?? '127.0.0.1'
  const where = options.configPath ?? 'http'
  const { token } = options
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new ConfigError('invalid HTTP server options', [
      { path: `${where}.token`, message: `at least ${MIN_TOKEN_LENGTH} characters` },
    ])
  }
  if (token === undefined && !isLoopback(host) && options.openWithoutToken !== true) {
    throw new ConfigError('invalid HTTP server options', [
      { path: `${where}.host`, message: `binding ${host} needs a token (QUANTUM_HTTP_TOKEN), or bind 127.0.0.1` },
    ])
  }
  const now = options.now ?? Date.now
  const windowMs = options.windowMs ?? 60_000
  const authReads = options.authReads ?? !isLoopback(host)
  const requests = new RateLimiter(options.requestsPerWindow ?? 1200, windowMs, now)
  const failures = new RateLimiter(options.authFailuresPerWindow ?? 10, windowMs, now)
  const routes = new Map<string, HttpRoute>()
  for (const route of options.routes) routes.set(`${route.method} ${route.path}`, route)
  const knownPaths = new Set(options.routes.map((r) => r.path))
  const secrets = token === undefined ? [] : [token, ...(options.alsoAccept ?? [])]
  let bound = { host, port: options.port ?? 0 }

  const throttled = (): HttpProblem =>
    new HttpProblem(429, 'too many failed authentications: wait for the window to pass', {
      headers: { 'retry-after': String(failures.retryAfterSeconds()) },
    })

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const client = req.socket.remoteAddress ?? 'unknown'
    if (!requests.allow(client)) throw new HttpProblem(429, 'too many requests')
    if (!hostAllowed(req, bound, options.allowedHosts ?? []))
      throw new HttpProblem(421, `Host ${JSON.stringify(req.headers.host ?? '')} is not this server (see allowedHosts)`)
    if (!originAllowed(req, options.allowedOrigins))
      throw new HttpProblem(403, `origin ${JSON.stringify(req.headers.origin)} is not allowed (see allowedOrigins)`)
    const url = new URL(req.url ?? '/', 'http://localhost')
    const method = req.method ?? 'GET'
    if (method !== 'GET' && method !== 'POST' && method !== 'HEAD')
      throw new HttpProblem(405, `method ${method} not allowed`)
    const route = routes.get(`${method === 'HEAD' ? 'GET' : method} ${url.pathname}`)
    if (route === undefined) {
      throw knownPaths.has(url.pathname)
        ? new HttpProblem(405, `method ${method} not allowed on ${url.pathname}`)
        : new HttpProblem(404, `no route ${url.pathname}`)
    }
    const auth = route.auth ?? (method === 'POST' || authReads ? 'token' : 'public')
    // A client past its failure budget is refused before its token is compared, so guessing learns nothing.
    if (auth !== 'public' && failures.blocked(client)) throw throttled()
    const presented = presentedToken(req, options.sessionCookie)
    const authenticated = secrets.some((secret) => tokenMatches(presented, secret))
    if (auth === 'token' && !authenticated) {
      failures.hit(client)
      throw token === undefined
        ? new HttpProblem(403, 'this route needs the server to have a token (QUANTUM_HTTP_TOKEN)')
        : new HttpProblem(401, 'a valid bearer token is required')
    }
    let body: unknown
    if (method === 'POST') {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
      if (type !== 'application/json')
        throw new HttpProblem(415, `content type must be application/json, got ${JSON.stringify(type)}`)
      body = await readJsonBody(req, options.maxBodyBytes ?? 16_384)
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
    let reply: HttpReply
    try {
      reply = await route.handle({ body, query: url.searchParams, authenticated, bearer, response: res })
    } catch (error) {
      if (isQuantumError(error) && error.code === 'UNAUTHORIZED') failures.hit(client)
      throw error
    }
    if ('handled' in reply) return
    if (reply.status === 401) failures.hit(client)
    sendReply(res, reply, method === 'HEAD')
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy()
      else sendReply(res, problemReply(error), false)
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
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * Reads a JSON body of at most `limit` bytes (`{}` when empty).
 * @throws {HttpProblem} 413 past the limit (declared or streamed), 400 for malformed JSON.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) throw new HttpProblem(413, `body larger than ${limit} bytes`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) throw new HttpProblem(413, `body larger than ${limit} bytes`)
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new HttpProblem(400, `malformed JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** The reply for a thrown error: an {@link HttpProblem} as it says, `AuthError` 401, `ConfigError` 400, else 500. */
export function problemReply(error: unknown): Exclude<HttpReply, { handled: true }> {
  if (error instanceof HttpProblem) {
    return {
      status: error.status,
      body: { error: error.message, ...(error.extra.issues ? { issues: error.extra.issues } : {}) },
      ...(error.extra.headers === undefined ? {} : { headers: error.extra.headers }),
    }
  }
  if (isQuantumError(error) && error.code === 'UNAUTHORIZED') return { status: 401, body: { error: error.message } }
  if (isQuantumError(error) && error.code === 'CONFIG_INVALID') {
    const issues = error instanceof ConfigError ? error.issues : undefined
    return { status: 400, body: { error: error.message, ...(issues === undefined ? {} : { issues }) } }
  }
  return { status: 500, body: { error: error instanceof Error ? error.message : String(error) } }
}

function sendReply(res: ServerResponse, reply: Exclude<HttpReply, { handled: true }>, headOnly: boolean): void {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body)
  res.writeHead(reply.status, {
    'content-type': reply.contentType ?? 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...SECURITY_HEADERS,
    ...reply.headers,
  })
  res.end(headOnly ? undefined : text)
}
