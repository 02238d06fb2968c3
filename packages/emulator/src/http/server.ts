/**
 * The REST server: routing, Binance's SIGNED checks (API key, HMAC, recvWindow), weight headers and
 * budgets, request-level faults, and error replies.
 * @packageDocumentation
 * @internal
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ExecutionPlan, Venue } from '../engine/venue.js'
import { REQUEST_FAULTS, type FaultController } from '../faults.js'
import type { ResolvedEmulatorOptions } from '../options.js'
import type { ListenKeys } from '../ws/listen-keys.js'
import { accountRoutes } from './account-routes.js'
import { BinanceApiError } from './api-error.js'
import { orderRoutes } from './order-routes.js'
import { publicRoutes } from './public-routes.js'
import { RateLimiter } from './rate-limiter.js'
import type { RequestContext, Route } from './route.js'
import { splitSignature, verifySignature } from './signing.js'

/** One handled request, as kept in `emulator.requests` (newest last, at most 1000). */
export interface RequestRecord {
  readonly method: string
  readonly path: string
  /** HTTP status sent, or `'timeout'` / `'dropped'` when none was. */
  readonly status: number | 'timeout' | 'dropped'
  /** Binance error code, when the reply was an error. */
  readonly code?: number
  /** Emulator server time, epoch ms. */
  readonly time: number
}

/** What the REST server works with. */
export interface RestDeps {
  readonly options: ResolvedEmulatorOptions
  readonly venue: Venue
  readonly faults: FaultController
  readonly listenKeys: ListenKeys
  /** Server time (clock + skew). */
  readonly now: () => number
  readonly log: RequestRecord[]
  /** Responses held by `timeout` faults (answered never; destroyed on close). */
  readonly held: Set<ServerResponse>
}

const ROUTES: readonly Route[] = [...publicRoutes, ...accountRoutes, ...orderRoutes]
const BY_KEY = new Map(ROUTES.map((r) => [`${r.method} ${r.path}`, r]))

const BAD_GATEWAY_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n'

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function record(deps: RestDeps, r: RequestRecord): void {
  deps.log.push(r)
  if (deps.log.length > 1000) deps.log.splice(0, deps.log.length - 1000)
}

function mergeParams(query: string, body: string): Map<string, string> {
  const params = new Map<string, string>()
  for (const raw of [query, body]) for (const [k, v] of new URLSearchParams(raw)) params.set(k, v)
  return params
}

/** Binance's SIGNED / USER_STREAM checks, in Binance's order. Returns the API key. */
function authenticate(
  route: Route,
  deps: RestDeps,
  req: { headers: IncomingMessage['headers']; raw: string; params: Map<string, string>; now: number },
): string | undefined {
  if (route.security === 'NONE') return undefined
  const key = req.headers['x-mbx-apikey']
  const pair = typeof key === 'string' ? deps.options.apiKeys.find((k) => k.key === key) : undefined
  if (pair === undefined) throw new BinanceApiError('REJECTED_MBX_KEY')
  if (route.security === 'USER_STREAM') return pair.key
  const signed = splitSignature(req.raw)
  if (signed === undefined) throw new BinanceApiError('ILLEGAL_PARAM', 'signature')
  if (!verifySignature(signed.payload, signed.signature, pair.secret)) throw new BinanceApiError('INVALID_SIGNATURE')
  const timestamp = Number(req.params.get('timestamp'))
  if (!Number.isFinite(timestamp)) throw new BinanceApiError('ILLEGAL_PARAM', 'timestamp')
  const recvWindow = Number(req.params.get('recvWindow') ?? 5000)
  if (!(recvWindow > 0 && recvWindow <= 60_000)) throw new BinanceApiError('ILLEGAL_PARAM', 'recvWindow')
  if (Math.abs(req.now - timestamp) > recvWindow) throw new BinanceApiError('INVALID_TIMESTAMP')
  return pair.key
}

function send(res: ServerResponse, out: { status: number; body: string; headers: Record<string, string> }): void {
  res.writeHead(out.status, { 'Content-Type': 'application/json;charset=UTF-8', ...out.headers })
  res.end(out.body)
}

/** Creates the request listener of the emulator's HTTP server. */
export function createRestHandler(deps: RestDeps, limiter: RateLimiter = limiterOf(deps.options)) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    void handle(deps, limiter, { req, res }).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, { status: 500, body: JSON.stringify({ code: -1000, msg: String(error) }), headers: {} })
    })
  }
}

function limiterOf(o: ResolvedEmulatorOptions): RateLimiter {
  return new RateLimiter({ weight: o.weightLimit, orders: o.orderLimit, banAfter: o.banAfter })
}

async function handle(
  deps: RestDeps,
  limiter: RateLimiter,
  io: { req: IncomingMessage; res: ServerResponse },
): Promise<void> {
  const { req, res } = io
  const method = req.method ?? 'GET'
  const url = new URL(req.url ?? '/', 'http://localhost')
  const path = url.pathname
  const body = await readBody(req)
  const now = deps.now()
  const at = { method, path, time: now }
  const fault = deps.faults.take(
    REQUEST_FAULTS.filter((k) => k !== 'response-lost'),
    at,
  )
  const headers: Record<string, string> = {}
  const reply = (status: number, payload: unknown, code?: number): void => {
    record(deps, { method, path, status, time: now, ...(code === undefined ? {} : { code }) })
    send(res, { status, body: JSON.stringify(payload), headers })
  }
  const fail = (e: BinanceApiError): void => reply(e.status, e.toJSON(), e.code)
  switch (fault?.spec.kind) {
    case 'drop-connection':
      record(deps, { method, path, status: 'dropped', time: now })
      req.socket.destroy()
      return
    case 'timeout':
      record(deps, { method, path, status: 'timeout', time: now })
      deps.held.add(res)
      res.on('close', () => deps.held.delete(res))
      return
    case 'http-502-html':
      record(deps, { method, path, status: 502, time: now })
      res.writeHead(502, { 'Content-Type': 'text/html' })
      res.end(BAD_GATEWAY_HTML)
      return
    case 'http-503':
      return fail(new BinanceApiError('DISCONNECTED'))
    case 'http-500':
      return fail(new BinanceApiError('UNKNOWN'))
    case 'ip-ban':
      return fail(new BinanceApiError('IP_BANNED', now + 120_000))
    case 'rate-limit':
      return fail(new BinanceApiError('TOO_MANY_REQUESTS', deps.options.weightLimit))
    case 'response-lost':
    case 'delayed-fill':
    case 'partial-fill':
    case 'clock-skew':
    case undefined:
      break
  }
  const route = BY_KEY.get(`${method} ${path}`)
  if (route === undefined) {
    // Binance answers -5000 for an unknown path and for a known path with the wrong method alike.
    return fail(new BinanceApiError('INVALID_PATH', path, method))
  }
  const rawQuery = url.search.slice(1)
  const params = mergeParams(rawQuery, body)
  const charge = limiter.charge(now, route.weight(params), route.order === true)
  headers['X-MBX-USED-WEIGHT-1M'] = String(charge.usedWeight)
  if (route.order === true) headers['X-MBX-ORDER-COUNT-1M'] = String(charge.orderCount)
  if (charge.verdict === 'banned') return fail(new BinanceApiError('IP_BANNED', charge.bannedUntil))
  if (charge.verdict === 'limited') return fail(new BinanceApiError('TOO_MANY_REQUESTS', deps.options.weightLimit))
  if (charge.verdict === 'orders') return fail(new BinanceApiError('TOO_MANY_ORDERS', deps.options.orderLimit))
  let result: unknown
  try {
    const apiKey = authenticate(route, deps, { headers: req.headers, raw: rawQuery + body, params, now })
    const ctx: RequestContext = {
      method,
      path,
      params,
      now,
      apiKey,
      venue: deps.venue,
      listenKeys: deps.listenKeys,
      options: deps.options,
      executionPlan: () => executionPlan(deps.faults, at),
    }
    result = route.handle(ctx)
  } catch (error) {
    if (error instanceof BinanceApiError) return fail(error)
    throw error
  }
  if (deps.faults.take(['response-lost'], at) !== undefined) {
    record(deps, { method, path, status: 'dropped', time: now })
    req.socket.destroy()
    return
  }
  reply(200, result)
}

function executionPlan(faults: FaultController, at: { method: string; path: string; time: number }): ExecutionPlan {
  const delayed = faults.take(['delayed-fill'], at)
  const partial = faults.take(['partial-fill'], at)
  return {
    ...(delayed === undefined ? {} : { delayMs: delayed.spec.delayMs }),
    ...(partial === undefined ? {} : { parts: partial.spec.parts, intervalMs: partial.spec.intervalMs }),
  }
}

/** Every REST endpoint the emulator serves (method, path, security), for docs and tests. */
export function listEndpoints(): { method: string; path: string; security: string }[] {
  return ROUTES.map((r) => ({ method: r.method, path: r.path, security: r.security }))
}

export type { ExecutionPlan }
