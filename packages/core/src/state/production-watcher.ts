/**
 * Hot model swaps for a running runtime: polls the registry for the PRODUCTION version of each family
 * and, when it changes (a promotion or a rollback, from the CLI, the HTTP route or another process on
 * the same store), writes the new version's files to a folder and hands them to `onChange` (the
 * runtime calls the model agents' `swapModel`, which finishes in-flight inferences on the old session,
 * so no decision is missed). The production model when the watcher starts is the baseline: the config's
 * model files are what runs until something changes.
 * @packageDocumentation
 */
import type { MaterializedModel, ModelLifecycle } from './model-lifecycle.js'

/** A production change handed to {@link ProductionWatcherOptions.onChange}. */
export interface ProductionChange {
  readonly family: string
  /** The new PRODUCTION version. */
  readonly id: string
  /** The version it replaced (undefined when the family had none at the baseline). */
  readonly previous: string | undefined
  /** Its files, written to the watcher's folder. */
  readonly files: MaterializedModel
}

/** Options of {@link ProductionWatcher}. */
export interface ProductionWatcherOptions {
  readonly lifecycle: ModelLifecycle<unknown>
  /** Families to follow. */
  readonly families: readonly string[]
  /** Where a new production version's files are written. */
  readonly dir: string
  /** Swaps the model in; a rejection keeps the old model and is retried at the next check. */
  readonly onChange: (change: ProductionChange) => Promise<void>
  /** A check or swap that failed (files gone or corrupt, agent refused the model). @default process.emitWarning */
  readonly onError?: (error: unknown, family: string) => void
}

/** Follows the PRODUCTION version of each family (see the module docs). */
export class ProductionWatcher {
  private readonly current = new Map<string, string | undefined>()
  private timer: ReturnType<typeof setInterval> | undefined
  private running: Promise<ProductionChange[]> | undefined

  constructor(private readonly options: ProductionWatcherOptions) {}

  /** Records the production version of each family as the baseline (nothing is swapped). */
  async baseline(): Promise<ReadonlyMap<string, string | undefined>> {
    for (const family of this.options.families) {
      this.current.set(family, (await this.options.lifecycle.production(family))?.id)
    }
    return this.current
  }

  /** The families followed. */
  get families(): readonly string[] {
    return this.options.families
  }

  /** The production version each family runs now, as far as the watcher swapped it. */
  serving(family: string): string | undefined {
    return this.current.get(family)
  }

  /** Checks every family once and swaps what changed; returns the changes applied. One check at a time. */
  check(): Promise<ProductionChange[]> {
    this.running ??= this.checkAll().finally(() => {
      this.running = undefined
    })
    return this.running
  }

  private async checkAll(): Promise<ProductionChange[]> {
    const applied: ProductionChange[] = []
    const onError =
      this.options.onError ??
      ((e: unknown, family: string) => process.emitWarning(`model watcher (${family}): ${String(e)}`, 'QuantumModels'))
    for (const family of this.options.families) {
      try {
        const id = (await this.options.lifecycle.production(family))?.id
        const previous = this.current.get(family)
        if (id === undefined || id === previous) continue
        const files = await this.options.lifecycle.materialize(id, this.options.dir)
        const change = { family, id, previous, files }
        await this.options.onChange(change)
        this.current.set(family, id)
        applied.push(change)
      } catch (error) {
        onError(error, family)
      }
    }
    return applied
  }

  /** Takes the baseline, then checks every `intervalMs`. */
  async start(intervalMs: number): Promise<void> {
    await this.baseline()
    this.timer = setInterval(() => void this.check(), intervalMs)
    this.timer.unref()
  }

  /** Stops the checks (an ongoing one finishes). */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
    await this.running
  }
}
