/**
 * The risk HTTP API: `POST /validate`, `GET /ess/status`, `POST /ess/trip` (ESS token), `POST /ess/reset`
 * (ESS token), `GET /policy`, `GET /openapi.json`. Bodies are validated with zod; a malformed body is a
 * 400 with the issues, a trip or reset without the right ESS token a 401 (counted as a failed attempt).
 *
 * The routes ({@link riskRoutes}) are mounted on the runtime's one server under `/risk` (`--http`), where
 * they also need the server's token; {@link createRiskServer} serves them on their own. Either way every
 * guard is core's `createGuardedServer`: Host and Origin checks (DNS rebinding, web pages on other
 * origins), JSON-only bodies (a cross-site form or `text/plain` request cannot send them without a CORS
 * preflight, which is never answered), body and rate limits, and a budget of wrong tokens per client
 * after which every token check answers 429 until the window has passed.
 * @packageDocumentation
 */
import {
  AuthError,
  createGuardedServer,
  HttpProblem,
  zodIssues,
  type GuardedServer,
  type HttpRoute,
  type OrderIntent,
  type PluginContext,
} from '@quantum/core'
import type { z } from 'zod'
import type { RiskPolicy } from '../policy/risk-policy.js'
import { riskOpenApi } from './openapi.js'
import { ResetRequestSchema, TripRequestSchema, ValidateRequestSchema } from './schemas.js'

/** Options of {@link createRiskServer}. */
export interface RiskServerOptions {
  /** The policy whose guards, ESS and limits the API serves. */
  readonly policy: RiskPolicy
  /** The context `POST /validate` checks against (account, exchange rules, clock): a value or a getter. */
  readonly context: RiskContextSource
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

/** A running (or ready) risk API server: `server`, `listen()` (resolves with the base URL), `close()`. */
export type RiskServer = GuardedServer

/**
 * The context the risk routes check against: a value, or a getter that answers undefined until the run
 * has set up (the routes then answer 503).
 */
export type RiskContextSource = PluginContext | (() => PluginContext | undefined)

/** Options of {@link riskRoutes}. */
export interface RiskRoutesOptions {
  /** Path prefix, e.g. `/risk` on the runtime's server. @default '' */
  readonly prefix?: string
  /**
   * Whether the mutating routes also need the server's token (`token`: on the runtime's server) or only
   * the ESS token they check themselves (`self`: the standalone API). @default 'token'
   */
  readonly auth?: 'token' | 'self'
}

/**
 * The risk API's routes, to mount on a guarded server (see the module's description). Trip and reset
 * take the ESS token from the body's `token`, else from `Authorization: Bearer`.
 * @example opsRoutes.push(...riskRoutes(policy, () => ctx, { prefix: '/risk' }))
 */
export function riskRoutes(
  policy: RiskPolicy,
  context: RiskContextSource,
  options: RiskRoutesOptions = {},
): HttpRoute[] {
  const prefix = options.prefix ?? ''
  const mutating = options.auth ?? 'token'
  const ctx = (): PluginContext => {
    const value = typeof context === 'function' ? context() : context
    if (value === undefined) throw new HttpProblem(503, 'the run has not started yet')
    return value
  }
  return [
    { method: 'GET', path: `${prefix}/policy`, handle: () => ({ status: 200, body: policy.describe() }) },
    { method: 'GET', path: `${prefix}/openapi.json`, handle: () => ({ status: 200, body: riskOpenApi() }) },
    { method: 'GET', path: `${prefix}/ess/status`, handle: () => ({ status: 200, body: essOf(policy).status() }) },
    {
      method: 'POST',
      path: `${prefix}/validate`,
      // a dry run: nothing is sent or counted, so it needs no token of its own
      auth: mutating === 'self' ? 'public' : 'token',
      handle: ({ body }) => ({
        status: 200,
        body: validate(policy, parse(ValidateRequestSchema, required(body)), ctx()),
      }),
    },
    {
      method: 'POST',
      path: `${prefix}/ess/trip`,
      auth: mutating,
      handle: ({ body, bearer }) => {
        const request = parse(TripRequestSchema, required(body))
        const ess = essOf(policy)
        ess.verifyToken(request.token ?? bearer)
        ess.trip(request.reason, { trigger: 'manual', time: ctx().clock.now() })
        return { status: 200, body: ess.status() }
      },
    },
    {
      method: 'POST',
      path: `${prefix}/ess/reset`,
      auth: mutating,
      handle: ({ body, bearer }) => {
        const request = parse(ResetRequestSchema, body)
        const ess = essOf(policy)
        const token = request.token ?? bearer
        if (token === undefined) throw new AuthError('the ESS token is required (body "token" or bearer)')
        ess.reset(token, ctx().clock.now())
        return { status: 200, body: ess.status() }
      },
    },
  ]
}

/**
 * Serves {@link riskRoutes} on their own server (a thin wrapper over core's guarded server; binds
 * 127.0.0.1 by default). Trip and reset need only the ESS token here.
 * @example
 * const api = createRiskServer({ policy, context: () => ctx })
 * const url = await api.listen() // http://127.0.0.1:<port>
 */
export function createRiskServer(options: RiskServerOptions): RiskServer {
  return createGuardedServer({
    routes: riskRoutes(options.policy, options.context, { auth: 'self' }),
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    openWithoutToken: true,
    authReads: false,
    allowedHosts: options.allowedHosts ?? [],
    allowedOrigins: options.allowedOrigins ?? [],
    maxBodyBytes: options.maxBodyBytes ?? 65_536,
    authFailuresPerWindow: options.maxAuthFailures ?? 5,
    windowMs: options.authWindowMs ?? 60_000,
    configPath: 'risk.http',
    ...(options.now === undefined ? {} : { now: options.now }),
  })
}

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

/** An empty body is `{}` to the server; these routes need one. */
function required(body: unknown): unknown {
  if (typeof body === 'object' && body !== null && Object.keys(body).length === 0)
    throw new HttpProblem(400, 'a JSON body is required')
  return body
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  throw new HttpProblem(400, 'invalid request body', { issues: zodIssues(result.error) })
}
