/**
 * The risk HTTP API over `node:http`: `POST /validate`, `GET /ess/status`, `POST /ess/trip` (token),
 * `POST /ess/reset` (token), `GET /policy`, `GET /openapi.json`. Bodies are validated with zod; a
 * malformed body is a 400 with the issues, a trip or reset without a valid token a 401.
 *
 * Defences against the browser on the same machine (a web page can send simple requests to 127.0.0.1):
 * every POST needs `Content-Type: application/json` (415 otherwise: a cross-site form or `text/plain`
 * request cannot set it without a CORS preflight, which this server never answers); the `Host` header
 * must name this server (a loopback name or the bound address: 403 otherwise, against DNS rebinding);
 * a request with an `Origin` header is refused unless the origin is listed in `allowedOrigins`; and
 * after `maxAuthFailures` wrong tokens within `authWindowMs` every token check answers 429 until the
 * window has passed (guessing is throttled). Binds 127.0.0.1 by default. Usable standalone or mounted
 * by a policy's `http` option.
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isQuantumError, zodIssues } from '@quantum/core'
import type { OrderIntent, PluginContext } from '@quantum/core'
import type { z } from 'zod'
import type { RiskPolicy } from '../policy/risk-policy.js'
import { riskOpenApi } from './openapi.js'
import { ResetRequestSchema, TripRequestSchema, ValidateRequestSchema } from './schemas.js'

/** Options of {@link createRiskServer}. */
export interface RiskServerOptions {
  /** The policy whose guards, ESS and limits the API serves. */
  readonly policy: RiskPolicy
  /** The context `POST /validate` checks against (account, exchange rules, clock): a value or a getter. */
  readonly context: PluginContext | (() => PluginContext)
  /** Interface to bind. @default '127.0.0.1' */
  readonly host?: string
  /** Port; 0 picks a free one. @default 0 */
  readonly port?: number
  /** Largest accepted body, bytes. @default 65536 */
  readonly maxBodyBytes?: number
  /** Host names (without port) accepted besides localhost, 127.0.0.1, [::1] and the bound address. @default [] */
  readonly allowedHosts?: readonly string[]
  /** Origins (e.g. `https://ops.example.com`) whose browser requests are accepted. @default [] (none) */
  readonly allowedOrigins?: readonly string[]
  /** Wrong tokens tolerated within {@link RiskServerOptions.authWindowMs} before token checks answer 429. @default 5 */
  readonly maxAuthFailures?: number
  /** The window of the failure count, ms. @default 60000 */
  readonly authWindowMs?: number
  /** Clock of the throttle. @default Date.now */
  readonly now?: () => number
}

/** A running (or ready) risk API server. */
export interface RiskServer {
  /** The underlying node server. */
  readonly server: Server
  /** Starts listening; resolves with the base URL, e.g. `http://127.0.0.1:43121`. */
  listen(): Promise<string>
  /** Stops accepting connections and closes the open ones. */
  close(): Promise<void>
}

interface Reply {
  readonly status: number
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: {
      readonly issues?: readonly { path: string; message: string }[]
      readonly headers?: Readonly<Record<string, string>>
    } = {},
  ) {
    super(message)
  }
}

/**
 * Creates the risk API server (not listening yet).
 * @example
 * const api = createRiskServer({ policy, context: () => ctx })
 * const url = await api.listen() // http://127.0.0.1:<port>
 */
export function createRiskServer(options: RiskServerOptions): RiskServer {
  const throttle = new FailureThrottle(
    options.maxAuthFailures ?? 5,
    options.authWindowMs ?? 60_000,
    options.now ?? Date.now,
  )
  const server = createServer((req, res) => {
    handle({ ...options, throttle, bound: server.address() as AddressInfo | null }, req)
      .then((reply) => send(res, reply))
      .catch((error: unknown) => send(res, toProblemReply(error)))
  })
  return {
    server,
    listen: () =>
      new Promise<string>((resolve, reject) => {
        server.once('error', reject)
        server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
          const address = server.address() as AddressInfo
          const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
          resolve(`http://${host}:${address.port}`)
        })
      }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error === undefined ? resolve() : reject(error)))
      }),
  }
}

type Handling = RiskServerOptions & { readonly throttle: FailureThrottle; readonly bound: AddressInfo | null }

async function handle(options: Handling, req: IncomingMessage): Promise<Reply> {
  checkHost(req, options)
  checkOrigin(req, options)
  const path = new URL(req.url ?? '/', 'http://localhost').pathname
  const route = `${req.method ?? 'GET'} ${path}`
  if (req.method === 'POST') checkJson(req)
  const { policy } = options
  const ctx = (): PluginContext => (typeof options.context === 'function' ? options.context() : options.context)
  switch (route) {
    case 'GET /policy':
      return { status: 200, body: policy.describe() }
    case 'GET /openapi.json':
      return { status: 200, body: riskOpenApi() }
    case 'GET /ess/status':
      return { status: 200, body: essOf(policy).status() }
    case 'POST /validate':
      return { status: 200, body: validate(policy, parse(ValidateRequestSchema, await readJson(req, options)), ctx()) }
    case 'POST /ess/trip': {
      const body = parse(TripRequestSchema, await readJson(req, options))
      const ess = essOf(policy)
      options.throttle.guard(() => ess.verifyToken(bearer(req) ?? body.token))
      ess.trip(body.reason, { trigger: 'manual', time: ctx().clock.now() })
      return { status: 200, body: ess.status() }
    }
    case 'POST /ess/reset': {
      const body = parse(ResetRequestSchema, await readJson(req, options, true))
      const ess = essOf(policy)
      options.throttle.guard(() => ess.verifyToken(bearer(req) ?? body.token))
      ess.reset(bearer(req) ?? body.token, ctx().clock.now())
      return { status: 200, body: ess.status() }
    }
    default:
      throw KNOWN_PATHS.has(path)
        ? new HttpProblem(405, `method ${req.method ?? ''} not allowed on ${path}`)
        : new HttpProblem(404, `no route ${path}`)
  }
}

/** Counts wrong tokens; beyond the limit within the window, token checks are refused with 429. */
class FailureThrottle {
  private readonly failures: number[] = []
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Runs the token check unless throttled; a failed check (AuthError) is counted and rethrown. */
  guard(check: () => void): void {
    const now = this.now()
    while (this.failures.length > 0 && this.failures[0]! <= now - this.windowMs) this.failures.shift()
    if (this.failures.length >= this.limit) {
      const retry = Math.max(1, Math.ceil((this.failures[0]! + this.windowMs - now) / 1000))
      throw new HttpProblem(429, `too many wrong tokens: try again in ${retry} s`, {
        headers: { 'retry-after': String(retry) },
      })
    }
    try {
      check()
    } catch (error) {
      if (isQuantumError(error) && error.code === 'UNAUTHORIZED') this.failures.push(now)
      throw error
    }
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/** The Host header must name this server: a loopback name, the bound address, or an allowed host. */
function checkHost(req: IncomingMessage, options: Handling): void {
  const header = req.headers.host
  let hostname: string
  let port: string
  try {
    const url = new URL(`http://${header ?? ''}`)
    hostname = url.hostname.toLowerCase()
    port = url.port
  } catch {
    throw new HttpProblem(403, 'missing or malformed Host header')
  }
  const bound = options.bound
  const boundHost = bound === null ? undefined : bound.family === 'IPv6' ? `[${bound.address}]` : bound.address
  const known =
    LOOPBACK_HOSTS.has(hostname) || hostname === boundHost || (options.allowedHosts ?? []).includes(hostname)
  const samePort = bound === null || port === '' || port === String(bound.port)
  if (header === undefined || header === '' || !known || !samePort) {
    throw new HttpProblem(403, `host ${JSON.stringify(header ?? '')} is not this server (see allowedHosts)`)
  }
}

/** Browser requests carry Origin: refused unless the origin is listed. */
function checkOrigin(req: IncomingMessage, options: Handling): void {
  const origin = req.headers.origin
  if (origin === undefined) return
  if ((options.allowedOrigins ?? []).includes(origin)) return
  throw new HttpProblem(403, `origin ${JSON.stringify(origin)} is not allowed (see allowedOrigins)`)
}

/** POST bodies must be declared JSON: `text/plain` and form posts (no CORS preflight) are refused. */
function checkJson(req: IncomingMessage): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json') {
    throw new HttpProblem(415, `content type must be application/json, got ${JSON.stringify(type)}`)
  }
}

const KNOWN_PATHS = new Set(['/policy', '/openapi.json', '/ess/status', '/validate', '/ess/trip', '/ess/reset'])

function validate(policy: RiskPolicy, body: z.output<typeof ValidateRequestSchema>, ctx: PluginContext) {
  const { reduceOnly, ...rest } = body
  const intent: OrderIntent = { ...rest, ...(reduceOnly ? { reduceOnly } : {}), reason: 'http:validate' }
  const result = policy.validate(intent, ctx)
  const price = body.price ?? ctx.account.getLastPrice(body.symbol)
  const sized = result.intent
  const size = sized === undefined ? 0 : (sized.quantity ?? (sized.quoteQuantity ?? 0) / price)
  return {
    allowed: result.allowed,
    max_size: Number.isFinite(size) ? size : 0,
    max_leverage: policy.limits.maxLeverage,
    reasons: result.reasons,
  }
}

function essOf(policy: RiskPolicy) {
  if (policy.ess === undefined) throw new HttpProblem(404, `policy ${policy.policy} has no emergency stop`)
  return policy.ess
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization
  const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header)
  return match?.[1]
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  throw new HttpProblem(400, 'invalid request body', { issues: zodIssues(result.error) })
}

async function readJson(req: IncomingMessage, options: RiskServerOptions, optional = false): Promise<unknown> {
  const limit = options.maxBodyBytes ?? 65_536
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) throw new HttpProblem(413, `body larger than ${limit} bytes`)
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') {
    if (optional) return {}
    throw new HttpProblem(400, 'a JSON body is required')
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new HttpProblem(400, `malformed JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
}

function toProblemReply(error: unknown): Reply {
  if (error instanceof HttpProblem) {
    return {
      status: error.status,
      body: { error: error.message, ...(error.extra.issues ? { issues: error.extra.issues } : {}) },
      ...(error.extra.headers === undefined ? {} : { headers: error.extra.headers }),
    }
  }
  if (isQuantumError(error) && error.code === 'UNAUTHORIZED') return { status: 401, body: { error: error.message } }
  if (isQuantumError(error) && error.code === 'CONFIG_INVALID') return { status: 400, body: { error: error.message } }
  return { status: 500, body: { error: error instanceof Error ? error.message : String(error) } }
}

function send(res: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body)
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...reply.headers,
  })
  res.end(text)
}
