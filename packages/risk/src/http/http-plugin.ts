import { definePlugin } from '@quantum/core'
import type { HttpRoute, ObserverPlugin, PluginContext, QuantumPlugin } from '@quantum/core'
import type { RiskPolicy } from '../policy/risk-policy.js'
import { riskPoliciesIn } from '../policy/live-gate.js'
import { RiskHttpOptionsSchema } from '../policy/policy-schema.js'
import { createRiskServer, riskRoutes, type RiskServer } from './server.js'

/** What {@link riskApiFor} returns: the routes to mount and the observer that hands them the run's context. */
export interface MountedRiskApi {
  /** The policy served. */
  readonly policy: RiskPolicy
  /** `GET /risk/policy`, `/risk/ess/status`, `/risk/openapi.json`, `POST /risk/validate`, `/risk/ess/trip`, `/risk/ess/reset`. */
  readonly routes: readonly HttpRoute[]
  /** Add to the run's plugins: it gives the routes the run's context at setup (503 before). */
  readonly plugin: ObserverPlugin
}

/**
 * The risk API of the policy among `plugins`, for the runtime's one HTTP server (`--http`): the routes
 * under `prefix` (they need the server's token for every POST, and the ESS token for a trip or reset)
 * and the observer that gives them the run's context. Undefined when the config has no risk policy.
 * @example const api = riskApiFor(config.plugins); if (api) { routes.push(...api.routes); plugins.push(api.plugin) }
 */
export function riskApiFor(plugins: readonly QuantumPlugin[], prefix = '/risk'): MountedRiskApi | undefined {
  const [policy] = riskPoliciesIn(plugins)
  if (policy === undefined) return undefined
  let context: PluginContext | undefined
  const plugin: ObserverPlugin = {
    name: 'risk:http-context',
    kind: 'observer',
    setup: (ctx: PluginContext): void => {
      context = ctx
    },
    dispose: (): void => {
      context = undefined
    },
    onEvent: (): void => {},
  }
  return { policy, routes: riskRoutes(policy, () => context, { prefix, auth: 'token' }), plugin }
}

/**
 * The observer `risk:http` that mounts the risk API for the length of a run: it starts listening at
 * setup (with the run's context, so `POST /validate` sees the live account) and closes at dispose.
 * `riskPolicy(name, { http: { port } })` adds it; it is off by default.
 * @example plugins: [...riskPolicy('STRICT', { http: { port: 8787 } })]
 */
export function riskHttpPlugin(policy: RiskPolicy, options: { port: number; host?: string }): ObserverPlugin {
  return definePlugin({
    name: 'risk:http',
    kind: 'observer',
    options: RiskHttpOptionsSchema,
    create: ({ port, host }) => {
      let api: RiskServer | undefined
      return {
        setup: async (ctx: PluginContext): Promise<void> => {
          api = createRiskServer({ policy, context: ctx, port, host })
          const url = await api.listen()
          ctx.logger.info('risk API listening', { url })
        },
        dispose: async (): Promise<void> => {
          await api?.close()
        },
        onEvent: (): void => {},
      }
    },
  })(options)
}
