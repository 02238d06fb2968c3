import { definePlugin } from '@quantum/core'
import type { ObserverPlugin, PluginContext } from '@quantum/core'
import type { RiskPolicy } from '../policy/risk-policy.js'
import { RiskHttpOptionsSchema } from '../policy/policy-schema.js'
import { createRiskServer, type RiskServer } from './server.js'

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
