/**
 * What `summary.json` and the report say about the config a run came from.
 * @packageDocumentation
 */
import { basename } from 'node:path'
import type { QuantumConfig } from '@quantum/core'
import { configHashOf } from './config-hash.js'

/** One plugin as the run folder records it. */
export interface PluginInfo {
  /** Unique plugin name, e.g. `risk:max-leverage`. */
  readonly name: string
  /** Plugin kind. */
  readonly kind: string
  /** The options it was created with. */
  readonly options: Readonly<Record<string, unknown>>
}

/** The config side of a run: name, mode, files and plugins. */
export interface RunInfo {
  /** Run name (`config.name`, else the config folder's name). */
  readonly name: string
  /** Run mode. */
  readonly mode: string
  /** Absolute path of the config file, when there is one. */
  readonly configFile?: string
  /** Absolute data file paths. */
  readonly data: { readonly candles: readonly string[]; readonly funding: readonly string[] }
  /** Plugins in order. */
  readonly plugins: readonly PluginInfo[]
  /**
   * The config hash (sha256 hex of name, mode, symbols, exchange and plugins with their options): the
   * same function a stored run is resumed by, so run folders of every mode can be matched to their run.
   * {@link describeRun} always sets it; optional for infos built by hand.
   */
  readonly configHash?: string
}

function list(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return []
  return typeof value === 'string' ? [value] : [...value]
}

/** Describes a validated config (paths already absolute) for the run folder. */
export function describeRun(config: QuantumConfig, configFile: string, baseDir: string): RunInfo {
  return {
    name: config.name ?? basename(baseDir),
    mode: config.mode,
    configFile,
    data: { candles: list(config.data.candles), funding: list(config.data.funding) },
    plugins: config.plugins.map((p) => ({ name: p.name, kind: p.kind, options: p.options ?? {} })),
    configHash: configHashOf(config),
  }
}
