/**
 * The model lifecycle over a {@link ModelRegistryPort}: register a trained model (TRAINING, files stored by
 * content), record its evaluation (CANDIDATE when every gate passed, else REJECTED), promote a
 * candidate by hand (the previous production model is ARCHIVED), roll back to the previous production
 * model, and materialise a version's files for the model agents. A promotion or rollback first checks
 * that the incoming version's files are present and intact, so a broken entry never replaces a working
 * production model.
 * @packageDocumentation
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ModelError } from '../errors.js'
import type { Lineage, ModelRegistryPort, ModelStage, ModelVersion } from './models.js'

/** What the lifecycle reports, for logs, metrics and the event bus. */
export type LifecycleEvent =
  | { readonly type: 'registered'; readonly id: string; readonly family: string }
  | { readonly type: 'candidate'; readonly id: string; readonly family: string }
  | { readonly type: 'rejected'; readonly id: string; readonly family: string; readonly reasons: readonly string[] }
  | { readonly type: 'failed'; readonly id: string; readonly family: string; readonly reasons: readonly string[] }
  | { readonly type: 'promoted'; readonly id: string; readonly family: string; readonly previous?: string }
  | { readonly type: 'rolled-back'; readonly id: string; readonly family: string; readonly from: string }

/** Stage changes the lifecycle allows. */
export const STAGE_TRANSITIONS: Readonly<Record<ModelStage, readonly ModelStage[]>> = Object.freeze({
  TRAINING: ['CANDIDATE', 'REJECTED', 'FAILED'],
  CANDIDATE: ['PRODUCTION', 'ARCHIVED'],
  PRODUCTION: ['ARCHIVED'],
  ARCHIVED: ['PRODUCTION'],
  REJECTED: [],
  FAILED: [],
})

function allowed(v: ModelVersion, to: ModelStage): void {
  if (!STAGE_TRANSITIONS[v.stage].includes(to)) {
    throw new ModelError(
      v.id,
      `cannot go from ${v.stage} to ${to} (allowed: ${STAGE_TRANSITIONS[v.stage].join(', ') || 'none'})`,
    )
  }
}

/** Paths of a version's files on disk. */
export interface MaterializedModel {
  /** The model file (`.onnx`, or what the lifecycle's `fileExtension` gives). */
  readonly path: string
  /** Its `.meta.json` beside it. */
  readonly metadataPath: string
}

/** Options of {@link ModelLifecycle}. */
export interface ModelLifecycleOptions<M> {
  /** Receives every lifecycle event. @default none */
  readonly onEvent?: (e: LifecycleEvent) => void
  /**
   * Checks a stored metadata file (parsed JSON) and returns it typed; throw to refuse it.
   * `@quantum/clm` passes the model agents' metadata parser. @default accept any JSON object
   */
  readonly parseMetadata?: (json: unknown, where: string) => M
  /**
   * File extension of a materialised model, from its metadata. (A method, so a lifecycle of a narrower
   * metadata type still passes where `ModelLifecycle<unknown>` is expected.) @default '.onnx'
   */
  fileExtension?(metadata: M): string
}

/** The model lifecycle (see the module docs); `M` is the type of a model's metadata file. */
export class ModelLifecycle<M = unknown> {
  private readonly onEvent: (e: LifecycleEvent) => void
  private readonly parseMetadata: (json: unknown, where: string) => M
  private readonly extension: Pick<ModelLifecycleOptions<M>, 'fileExtension'>

  constructor(
    private readonly registry: ModelRegistryPort,
    options: ModelLifecycleOptions<M> = {},
  ) {
    this.onEvent = options.onEvent ?? (() => {})
    this.extension = options
    this.parseMetadata =
      options.parseMetadata ??
      ((json, where) => {
        if (typeof json !== 'object' || json === null) throw new ModelError(where, 'metadata is not a JSON object')
        return json as M
      })
  }

  /** The registry underneath. */
  get port(): ModelRegistryPort {
    return this.registry
  }

  /** The PRODUCTION version of `family`, if any. */
  async production(family: string): Promise<ModelVersion | undefined> {
    return (await this.registry.list(family)).find((v) => v.stage === 'PRODUCTION')
  }

  /**
   * Stores a trained model's files and registers it in stage TRAINING.
   * @example const v = await lifecycle.register({ family: 'xgboost', lineage, model: onnx, metadata })
   */
  async register(input: {
    readonly family: string
    readonly lineage: Omit<Lineage, 'parent'>
    readonly model: Uint8Array
    readonly metadata: M
  }): Promise<ModelVersion> {
    const parent = (await this.production(input.family))?.id
    const lineage = { ...input.lineage, ...(parent === undefined ? {} : { parent }) }
    const v = await this.registry.create({ family: input.family, lineage })
    const model = await this.registry.putObject(input.model)
    const metadata = await this.registry.putObject(new TextEncoder().encode(JSON.stringify(input.metadata, null, 2)))
    const stored = await this.registry.update(v.id, { files: { model, metadata } })
    this.onEvent({ type: 'registered', id: v.id, family: v.family })
    return stored
  }

  /**
   * Records an evaluation: CANDIDATE when `decision.candidate`, else REJECTED with the reasons.
   * @example await lifecycle.recordEvaluation(v.id, report.decision, { logLoss: report.skill.candidate.logLoss })
   */
  async recordEvaluation(
    id: string,
    result: {
      readonly candidate: boolean
      readonly reasons: readonly string[]
      readonly metrics?: Record<string, number>
    },
  ): Promise<ModelVersion> {
    const v = await this.registry.get(id)
    const stage: ModelStage = result.candidate ? 'CANDIDATE' : 'REJECTED'
    allowed(v, stage)
    const metrics = Object.fromEntries(Object.entries(result.metrics ?? {}).filter(([, x]) => Number.isFinite(x)))
    await this.registry.update(id, { metrics, reasons: [...result.reasons] })
    await this.registry.transition([
      { id, stage, note: result.candidate ? 'passed every gate' : result.reasons.join('; ') },
    ])
    if (result.candidate) this.onEvent({ type: 'candidate', id, family: v.family })
    else this.onEvent({ type: 'rejected', id, family: v.family, reasons: result.reasons })
    return this.registry.get(id)
  }

  /** Marks a TRAINING version FAILED (trainer crash, timeout, bad data). */
  async fail(id: string, reason: string): Promise<void> {
    const v = await this.registry.get(id)
    allowed(v, 'FAILED')
    await this.registry.update(id, { reasons: [reason] })
    await this.registry.transition([{ id, stage: 'FAILED', note: reason }])
    this.onEvent({ type: 'failed', id, family: v.family, reasons: [reason] })
  }

  /** Checks that a version's files are in the registry and intact. @throws {ModelError} otherwise. */
  async verifyFiles(v: ModelVersion): Promise<{ model: Uint8Array; metadata: M }> {
    if (v.files === undefined) throw new ModelError(v.id, 'has no stored files')
    const model = await this.registry.getObject(v.files.model)
    const text = new TextDecoder().decode(await this.registry.getObject(v.files.metadata))
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (cause) {
      throw new ModelError(v.id, 'metadata file is not JSON', { cause })
    }
    return { model, metadata: this.parseMetadata(json, `${v.id} metadata`) }
  }

  /**
   * Promotes a CANDIDATE to PRODUCTION by hand; the previous production version becomes ARCHIVED.
   * @throws {ModelError} when `id` is not a candidate or its files are gone or corrupt (production untouched).
   */
  async promote(id: string): Promise<ModelVersion> {
    const v = await this.registry.get(id)
    allowed(v, 'PRODUCTION')
    if (v.stage !== 'CANDIDATE')
      throw new ModelError(id, `is ${v.stage}; only a CANDIDATE can be promoted (rollback restores ARCHIVED)`)
    await this.verifyFiles(v)
    const previous = await this.production(v.family)
    await this.registry.transition([
      ...(previous === undefined ? [] : [{ id: previous.id, stage: 'ARCHIVED' as const, note: `replaced by ${id}` }]),
      { id, stage: 'PRODUCTION', note: previous === undefined ? 'promoted' : `promoted over ${previous.id}` },
    ])
    this.onEvent({
      type: 'promoted',
      id,
      family: v.family,
      ...(previous === undefined ? {} : { previous: previous.id }),
    })
    return this.registry.get(id)
  }

  /**
   * Rolls `family` back: the current PRODUCTION version is ARCHIVED and the one that was in production
   * before it returns to PRODUCTION.
   * @throws {ModelError} when there is no production or no previous production version, or the previous
   * version's files are gone or corrupt (nothing changes then).
   */
  async rollback(family: string): Promise<ModelVersion> {
    const versions = await this.registry.list(family)
    const current = versions.find((v) => v.stage === 'PRODUCTION')
    if (current === undefined) throw new ModelError(family, 'has no PRODUCTION model to roll back')
    const lastProductionAt = (v: ModelVersion): string =>
      v.history.filter((h) => h.stage === 'PRODUCTION').at(-1)?.at ?? ''
    const previous = versions
      .filter((v) => v.stage === 'ARCHIVED' && lastProductionAt(v) !== '')
      .sort((a, b) => lastProductionAt(b).localeCompare(lastProductionAt(a)))[0]
    if (previous === undefined) throw new ModelError(family, 'has no previous PRODUCTION model to roll back to')
    await this.verifyFiles(previous)
    await this.registry.transition([
      { id: current.id, stage: 'ARCHIVED', note: `rolled back to ${previous.id}` },
      { id: previous.id, stage: 'PRODUCTION', note: `rollback from ${current.id}` },
    ])
    this.onEvent({ type: 'rolled-back', id: previous.id, family, from: current.id })
    return this.registry.get(previous.id)
  }

  /**
   * Writes a version's files to `dir` as `<id>.onnx` (or the extension `fileExtension` gives) and
   * `<id>.meta.json` (verified against their hashes).
   * @throws {ModelError} when a file is gone or corrupt.
   */
  async materialize(id: string, dir: string): Promise<MaterializedModel> {
    const v = await this.registry.get(id)
    const { model, metadata } = await this.verifyFiles(v)
    await mkdir(dir, { recursive: true })
    const path = join(dir, `${id}${this.extension.fileExtension?.(metadata) ?? '.onnx'}`)
    const metadataPath = join(dir, `${id}.meta.json`)
    await writeFile(metadataPath, JSON.stringify(metadata, null, 2))
    await writeFile(path, model)
    return { path, metadataPath }
  }
}
