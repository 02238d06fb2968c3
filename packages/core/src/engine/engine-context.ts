import type {
  AccountView,
  Clock,
  EventBus,
  ExchangePort,
  Logger,
  PluginContext,
  QuantumPlugin,
  RunMode,
  SimulatedExchange,
} from '../types.js'
import { PluginHealth, type PluginHealthOptions, type SortedPlugins } from './plugin-driver.js'

/**
 * Everything the engine's operators share for one run. Internal to the engine. Backtests run on a
 * {@link SimulatedExchange}; live runs on any {@link ExchangePort} (the stages that do not touch the
 * exchange take either).
 */
export interface EngineContext<E extends ExchangePort = SimulatedExchange> {
  readonly mode: RunMode
  readonly clock: Clock & { set(time: number): void }
  readonly bus: EventBus
  readonly exchange: E
  readonly plugins: SortedPlugins
  /** Failure streaks, hook time budgets and isolated plugins. */
  readonly health: PluginHealth
  /** The context handed to a given plugin (its logger is bound to the plugin's name). */
  contextOf(plugin: QuantumPlugin): PluginContext
}

/** Options of {@link createEngineContext}. */
export interface EngineContextOptions<E extends ExchangePort = SimulatedExchange> {
  readonly mode: RunMode
  readonly clock: Clock & { set(time: number): void }
  readonly bus: EventBus
  readonly exchange: E
  readonly plugins: SortedPlugins
  readonly logger: Logger
  /** The account plugins see. @default the exchange's */
  readonly account?: AccountView | undefined
  /** Hook budget and isolation policy. @default none (nothing timed or isolated) */
  readonly health?: PluginHealthOptions | undefined
}

/** Builds the shared engine context, with one frozen {@link PluginContext} per plugin. */
export function createEngineContext<E extends ExchangePort = SimulatedExchange>(
  options: EngineContextOptions<E>,
): EngineContext<E> {
  const contexts = new Map<QuantumPlugin, PluginContext>()
  for (const plugin of options.plugins.all) {
    contexts.set(
      plugin,
      Object.freeze({
        mode: options.mode,
        clock: options.clock,
        logger: options.logger.child({ plugin: plugin.name }),
        exchange: options.exchange,
        account: options.account ?? options.exchange.account,
        bus: options.bus,
      }),
    )
  }
  return {
    mode: options.mode,
    clock: options.clock,
    bus: options.bus,
    exchange: options.exchange,
    plugins: options.plugins,
    health: new PluginHealth(options.bus, options.health),
    contextOf(plugin) {
      const ctx = contexts.get(plugin)
      if (ctx === undefined) throw new Error(`plugin ${plugin.name} is not part of this run`)
      return ctx
    },
  }
}
