/**
 * Model serving for a paper/testnet/live run whose config has a `clm` block: the registry in the state
 * store, a {@link ProductionWatcher} that hot-swaps the model of each family's agents when its
 * PRODUCTION version changes (a promotion or rollback from `quantum-run models`, the HTTP routes below,
 * or another process on the same store), and the HTTP routes:
 *
 * - `GET /models` (`?family=`): the registry's versions; `GET /models/serving`: what each family runs.
 * - `POST /models/promote` `{ "id": "…" }` and `POST /models/rollback` `{ "family": "…" }`: the stage
 *   change, then an immediate swap. Like every `POST` of the ops server they need the bearer token.
 * @packageDocumentation
 */
import { resolve } from 'node:path'
import {
  ModelLifecycle,
  ProductionWatcher,
  isQuantumError,
  type ClmConfig,
  type Logger,
  type ProductionChange,
  type QuantumPlugin,
  type StateStore,
} from '@quantum/core'
import type { OpsReply, OpsRoute } from '@quantum/ops'
import { isPostgresUrl, openStateStore } from '@quantum/store'

/** A plugin whose model can be replaced while it runs (the ONNX model agents, the RL sizer's Q-table). */
interface Swappable {
  readonly name: string
  swapModel(path: string): Promise<void>
}

function swappable(p: QuantumPlugin): p is QuantumPlugin & Swappable {
  return typeof (p as Partial<Swappable>).swapModel === 'function'
}

/** What {@link startModelServing} started. */
export interface ModelServing {
  readonly routes: readonly OpsRoute[]
  readonly watcher: ProductionWatcher
  /** Stops the watcher and closes the store (when it opened it). */
  close(): Promise<void>
}

/** Options of {@link startModelServing}. */
export interface ModelServingOptions {
  readonly clm: ClmConfig
  /** The run's plugins (the agents to swap). */
  readonly plugins: readonly QuantumPlugin[]
  /** Base of relative paths in `clm`. */
  readonly cwd: string
  readonly logger: Logger
  /** A store already open (tests); else `clm.state` is opened and closed with the serving. */
  readonly store?: StateStore
  /** Called after every applied swap (metrics, events). @default none */
  readonly onSwap?: (change: ProductionChange) => void
}

/** The RL sizing families: their versions are Q-tables, served by the RL sizer. */
const RL_FAMILIES: ReadonlySet<string> = new Set(['rlV2', 'rlV3'])

/** The plugins that serve `family` when its `agents` are not given: the RL sizer for `rlV2` / `rlV3`, else `agents:<family>`. */
export function defaultServingPlugins(family: string): string[] {
  return RL_FAMILIES.has(family) ? ['agents:rl-position-sizing'] : [`agents:${family}`]
}

/**
 * The plugins of each family in `clm.families` (default {@link defaultServingPlugins}) that can swap
 * their model, found among `plugins`.
 */
export function agentsByFamily(clm: ClmConfig, plugins: readonly QuantumPlugin[]): Map<string, Swappable[]> {
  const out = new Map<string, Swappable[]>()
  for (const [family, f] of Object.entries(clm.families)) {
    const names = f.agents ?? defaultServingPlugins(family)
    out.set(
      family,
      plugins.filter(swappable).filter((p) => names.includes(p.name)),
    )
  }
  return out
}

/**
 * Opens the registry, takes the production baseline, starts the watcher (every `clm.watchMs`) and
 * builds the routes.
 * @throws {StateStoreError} when the store cannot be opened.
 */
export async function startModelServing(options: ModelServingOptions): Promise<ModelServing> {
  const { clm, logger } = options
  const location = isPostgresUrl(clm.state) ? clm.state : resolve(options.cwd, clm.state)
  const store = options.store ?? (await openStateStore(location))
  const lifecycle = new ModelLifecycle(store.models, {
    onEvent: (e) => logger.info(`model ${e.type}`, { ...e }),
    fileExtension: servedFileExtension,
  })
  const agents = agentsByFamily(clm, options.plugins)
  for (const [family, list] of agents) {
    if (list.length === 0) logger.warn('clm family has no agent to swap in this config', { family })
  }
  const watcher = new ProductionWatcher({
    lifecycle,
    families: [...agents.keys()],
    dir: resolve(options.cwd, clm.modelsDir),
    onChange: async (change) => {
      await Promise.all((agents.get(change.family) ?? []).map((a) => a.swapModel(change.files.path)))
      logger.info('model swapped in', { family: change.family, id: change.id, previous: change.previous })
      options.onSwap?.(change)
    },
    onError: (error, family) => logger.error('model swap failed; the running model stays', { family, error }),
  })
  await watcher.start(clm.watchMs)
  return {
    routes: modelRoutes(lifecycle, watcher),
    watcher,
    close: async () => {
      await watcher.stop()
      if (options.store === undefined) await store.close()
    },
  }
}

/** `.qtable.json` for an RL sizer's Q-table (metadata format `quantum-rl@1`), else `.onnx`. */
export function servedFileExtension(metadata: unknown): string {
  const format =
    typeof metadata === 'object' && metadata !== null ? (metadata as { format?: unknown }).format : undefined
  return format === 'quantum-rl@1' ? '.qtable.json' : '.onnx'
}

function field(body: unknown, name: string): string | undefined {
  const v = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined
  return typeof v === 'string' && v.length > 0 ? v : undefined
}

async function stageChange(run: () => Promise<unknown>, watcher: ProductionWatcher): Promise<OpsReply> {
  try {
    const version = await run()
    const swapped = await watcher.check()
    return { status: 200, body: { version, swapped: swapped.map((c) => ({ family: c.family, id: c.id })) } }
  } catch (error) {
    if (isQuantumError(error)) return { status: 409, body: { error: error.message, code: error.code } }
    throw error
  }
}

/** The registry routes (see the module docs). */
export function modelRoutes(lifecycle: ModelLifecycle<unknown>, watcher: ProductionWatcher): OpsRoute[] {
  return [
    {
      method: 'GET',
      path: '/models',
      handle: async ({ query }) => ({
        status: 200,
        body: await lifecycle.port.list(query.get('family') ?? undefined),
      }),
    },
    {
      method: 'GET',
      path: '/models/serving',
      handle: () => ({
        status: 200,
        body: Object.fromEntries(watcher.families.map((f) => [f, watcher.serving(f) ?? null])),
      }),
    },
    {
      method: 'POST',
      path: '/models/promote',
      handle: ({ body }) => {
        const id = field(body, 'id')
        if (id === undefined) return { status: 400, body: { error: 'expected { "id": "<model version id>" }' } }
        return stageChange(() => lifecycle.promote(id), watcher)
      },
    },
    {
      method: 'POST',
      path: '/models/rollback',
      handle: ({ body }) => {
        const family = field(body, 'family')
        if (family === undefined) return { status: 400, body: { error: 'expected { "family": "<family>" }' } }
        return stageChange(() => lifecycle.rollback(family), watcher)
      },
    },
  ]
}
