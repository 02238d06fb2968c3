/**
 * The REST server: routing, Binance's SIGNED checks (API key, HMAC, recvWindow), weight headers and
 * budgets, request-level faults, and error replies.
 * @packageDocumentation
 * @internal
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Params } from '../engine/order-rules.js'
import type { ExecutionPlan, Venue } from '../engine/venue.js'
import { REQUEST_FAULTS, type FaultController, type FaultKind } from '../faults.js'
import type { ResolvedEmulatorOptions } from '../options.js'
import type { ListenKeys } from '../ws/listen-keys.js'
import { accountRoutes } from './account-routes.js'
import { BinanceApiError } from './api-error.js'
import { historyRoutes } from './history-routes.js'
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

const ROUTES: readonly Route[] = [...publicRoutes, ...accountRoutes, ...orderRoutes, ...historyRoutes]

/**
 * Binance USD-M routes the emulator does not serve (answered -5000 with a message saying so): the ones a
 * client of this SDK could plausibly call. Any other path gets Binance's plain -5000.
 */
export const NOT_EMULATED: readonly string[] = [
  'POST /fapi/v1/positionMargin',
  'GET /fapi/v1/fundingInfo',
  'GET /fapi/v1/trades',
  'GET /fapi/v1/historicalTrades',
  'GET /fapi/v1/aggTrades',
  'GET /fapi/v1/continuousKlines',
  'GET /fapi/v1/indexPriceKlines',
  'GET /fapi/v1/premiumIndexKlines',
  'GET /fapi/v1/openInterest',
  'GET /fapi/v2/ticker/price',
  'GET /fapi/v1/commissionRate',
  'GET /fapi/v1/accountConfig',
  'GET /fapi/v1/apiTradingStatus',
  'GET /fapi/v1/adlQuantile',
  'GET /fapi/v1/forceOrders',
  'GET /fapi/v1/multiAssetsMargin',
  'POST /fapi/v1/multiAssetsMargin',
  'POST /fapi/v1/countdownCancelAll',
  'GET /fapi/v1/rateLimit/order',
  'GET /fapi/v2/leverageBracket',
  'GET /fapi/v1/income/asyn',
  'GET /fapi/v1/order/asyn',
  'GET /fapi/v1/trade/asyn',
  'POST /fapi/v1/algo/futures/newOrderVp',
]
const NOT_EMULATED_SET = new Set(NOT_EMULATED)
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

/** One request being answered. */
interface Exchange {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly method: string
  readonly path: string
  readonly now: number
  /** Response headers (weight counters). */
  readonly headers: Record<string, string>
}

function reply(deps: RestDeps, x: Exchange, out: { status: number; payload: unknown; code?: number }): void {
  const { method, path, now } = x
  record(deps, { method, path, status: out.status, time: now, ...(out.code === undefined ? {} : { code: out.code }) })
  send(x.res, { status: out.status, body: JSON.stringify(out.payload), headers: x.headers })
}

function fail(deps: RestDeps, x: Exchange, e: BinanceApiError): void {
  reply(deps, x, { status: e.status, payload: e.toJSON(), code: e.code })
}

/** Applies a request-level fault; true when it answered (or swallowed) the request. */
function applyFault(deps: RestDeps, x: Exchange, kind: FaultKind): boolean {
  const { method, path, now } = x
  switch (kind) {
    case 'drop-connection':
      record(deps, { method, path, status: 'dropped', time: now })
      x.req.socket.destroy()
      return true
    case 'timeout':
      record(deps, { method, path, status: 'timeout', time: now })
      deps.held.add(x.res)
      x.res.on('close', () => deps.held.delete(x.res))
      return true
    case 'http-502-html':
      record(deps, { method, path, status: 502, time: now })
      x.res.writeHead(502, { 'Content-Type': 'text/html' })
      x.res.end(BAD_GATEWAY_HTML)
      return true
    case 'http-503':
      fail(deps, x, new BinanceApiError('DISCONNECTED'))
      return true
    case 'http-500':
      fail(deps, x, new BinanceApiError('UNKNOWN'))
      return true
    case 'ip-ban':
      fail(deps, x, new BinanceApiError('IP_BANNED', now + 120_000))
      return true
    case 'rate-limit':
      fail(deps, x, new BinanceApiError('TOO_MANY_REQUESTS', deps.options.weightLimit))
      return true
    case 'response-lost':
    case 'delayed-fill':
    case 'partial-fill':
    case 'clock-skew':
      return false
  }
}

/** Charges the request's weight (and order count), setting the headers; the error when over budget. */
function charge(deps: RestDeps, limiter: RateLimiter, on: { x: Exchange; route: Route; params: Params }): void {
  const { x, route, params } = on
  const c = limiter.charge(x.now, route.weight(params), route.order === true)
  x.headers['X-MBX-USED-WEIGHT-1M'] = String(c.usedWeight)
  if (route.order === true) x.headers['X-MBX-ORDER-COUNT-1M'] = String(c.orderCount)
  if (c.verdict === 'banned') throw new BinanceApiError('IP_BANNED', c.bannedUntil)
  if (c.verdict === 'limited') throw new BinanceApiError('TOO_MANY_REQUESTS', deps.options.weightLimit)
  if (c.verdict === 'orders') throw new BinanceApiError('TOO_MANY_ORDERS', deps.options.orderLimit)
}

async function handle(
  deps: RestDeps,
  limiter: RateLimiter,
  io: { req: IncomingMessage; res: ServerResponse },
): Promise<void> {
  const url = new URL(io.req.url ?? '/', 'http://localhost')
  const body = await readBody(io.req)
  const now = deps.now()
  // Sent on every reply (errors and injected faults too); charged requests update it below.
  const headers = { 'X-MBX-USED-WEIGHT-1M': String(limiter.used(now)) }
  const x: Exchange = { ...io, method: io.req.method ?? 'GET', path: url.pathname, now, headers }
  const at = { method: x.method, path: x.path, time: x.now }
  const fault = deps.faults.take(
    REQUEST_FAULTS.filter((k) => k !== 'response-lost'),
    at,
  )
  if (fault !== undefined && applyFault(deps, x, fault.spec.kind)) return
  let result: unknown
  try {
    // Binance answers -5000 for an unknown path and for a known path with the wrong method alike.
    const route = BY_KEY.get(`${x.method} ${x.path}`)
    if (route === undefined) {
      const known = NOT_EMULATED_SET.has(`${x.method} ${x.path}`)
      throw new BinanceApiError(known ? 'NOT_EMULATED' : 'INVALID_PATH', x.path, x.method)
    }
    const rawQuery = url.search.slice(1)
    const params = mergeParams(rawQuery, body)
    charge(deps, limiter, { x, route, params })
    const apiKey = authenticate(route, deps, { headers: x.req.headers, raw: rawQuery + body, params, now: x.now })
    const { venue, listenKeys, options } = deps
    const plan = (): ExecutionPlan => executionPlan(deps.faults, at)
    const ctx: RequestContext = { ...at, now: x.now, params, apiKey, venue, listenKeys, options, executionPlan: plan }
    result = route.handle(ctx)
  } catch (error) {
    if (error instanceof BinanceApiError) return fail(deps, x, error)
    throw error
  }
  if (deps.faults.take(['response-lost'], at) !== undefined) {
    record(deps, { method: x.method, path: x.path, status: 'dropped', time: x.now })
    x.req.socket.destroy()
    return
  }
  reply(deps, x, { status: 200, payload: result })
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
