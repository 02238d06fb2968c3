import type { z } from 'zod'
import { parseOrThrow } from './validate.js'
import type {
  ExecutionPlugin,
  AgentPlugin,
  DecisionPlugin,
  ExitPolicyPlugin,
  ObserverPlugin,
  PluginKind,
  QuantumPlugin,
  RiskGuardPlugin,
  SizerPlugin,
} from './types.js'

/** Maps a plugin kind to its contract. */
export interface PluginByKind {
  agent: AgentPlugin
  decision: DecisionPlugin
  sizer: SizerPlugin
  risk: RiskGuardPlugin
  exit: ExitPolicyPlugin
  observer: ObserverPlugin
  execution: ExecutionPlugin
}

/** The hooks a plugin definition's `create` returns (everything but the identity fields). */
export type PluginHooks<K extends PluginKind> = Omit<PluginByKind[K], 'name' | 'kind' | 'options'>

/** A plugin definition: identity, an options schema, and a factory for the hooks. */
export interface PluginDefinition<K extends PluginKind, S extends z.ZodType> {
  /** Unique id `<package>:<kebab-name>`, e.g. `agents:ema-cross`. */
  readonly name: `${string}:${string}`
  /** The plugin's role. */
  readonly kind: K
  /** zod schema of the options; unknown keys should be rejected (`z.strictObject`). */
  readonly options: S
  /** Builds the hooks from the parsed, frozen options. Called once per plugin instance. */
  readonly create: (options: Readonly<z.output<S>>) => PluginHooks<K>
}

/** Keys of `T` that must be given. */
export type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T]
/** True when every option has a default (or there are none): the factory may be called bare. */
export type AllOptional<T> = string extends keyof T ? true : [RequiredKeys<T>] extends [never] ? true : false

/** A function that validates options and returns a ready plugin instance. */
export type PluginFactory<Input, P extends QuantumPlugin> = ((
  ...args: AllOptional<Input> extends true ? [options?: Input] : [options: Input]
) => P) & {
  /** The plugin's unique name. */
  readonly pluginName: string
  /** The plugin's kind. */
  readonly pluginKind: PluginKind
  /** The zod schema of its options (the docs' option tables are generated from it). */
  readonly optionsSchema: z.ZodType
}

/**
 * Defines a plugin: identity at runtime, inference and validation at the edge. The returned factory
 * parses its options with the schema (throwing a {@link ConfigError} listing every bad field, by path),
 * freezes them and calls `create`.
 * @throws {ConfigError} from the factory when the options are invalid.
 * @example
 * export const emaCross = definePlugin({
 *   name: 'agents:ema-cross',
 *   kind: 'agent',
 *   options: z.strictObject({ fast: z.number().int().positive().default(12) }),
 *   create: ({ fast }) => ({ onBar: (bar) => undefined }),
 * })
 */
export function definePlugin<K extends PluginKind, S extends z.ZodType>(
  definition: PluginDefinition<K, S>,
): PluginFactory<z.input<S>, PluginByKind[K]> {
  const factory = (input?: z.input<S>): PluginByKind[K] => {
    const parsed = parseOrThrow(definition.options, input ?? {}, {
      what: `options of ${definition.name}`,
      path: 'options',
    })
    const options = Object.freeze(parsed) as Readonly<z.output<S>>
    const hooks = definition.create(options)
    return { ...hooks, name: definition.name, kind: definition.kind, options } as unknown as PluginByKind[K]
  }
  return Object.assign(factory, {
    pluginName: definition.name,
    pluginKind: definition.kind,
    optionsSchema: definition.options,
  })
}
