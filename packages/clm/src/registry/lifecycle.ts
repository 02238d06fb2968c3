/**
 * The model lifecycle of `@quantum/core` with the CLM's metadata checks: a stored metadata file must be
 * one the ONNX model agents load (`quantum-model@1`), or an RL sizer Q-table's (`quantum-rl@1`, stored
 * as `<id>.qtable.json` when materialised).
 * @packageDocumentation
 */
import { parseModelMetadata, type ModelMetadata } from '@quantum/agents'
import {
  ModelError,
  ModelLifecycle as CoreModelLifecycle,
  type LifecycleEvent,
  type ModelRegistryPort,
} from '@quantum/core'
import { RlTableMetadataSchema, type RlTableMetadata } from '../pipeline/rl-job.js'

export { STAGE_TRANSITIONS } from '@quantum/core'
export type { LifecycleEvent, MaterializedModel } from '@quantum/core'

/** Metadata of a registered version: an ONNX model's or an RL Q-table's. */
export type ClmMetadata = ModelMetadata | RlTableMetadata

function parseClmMetadata(json: unknown, where: string): ClmMetadata {
  if (typeof json === 'object' && json !== null && (json as { format?: unknown }).format === 'quantum-rl@1') {
    const r = RlTableMetadataSchema.safeParse(json)
    if (!r.success) throw new ModelError(where, `not an RL Q-table metadata file: ${r.error.issues[0]?.message ?? ''}`)
    return r.data
  }
  return parseModelMetadata(json, where)
}

/** The model lifecycle over a registry, checking metadata with the model agents' parser (or the RL one). */
export class ModelLifecycle extends CoreModelLifecycle<ClmMetadata> {
  constructor(registry: ModelRegistryPort, onEvent: (e: LifecycleEvent) => void = () => {}) {
    super(registry, {
      onEvent,
      parseMetadata: parseClmMetadata,
      fileExtension: (m) => (m.format === 'quantum-rl@1' ? '.qtable.json' : '.onnx'),
    })
  }
}
