/**
 * The model lifecycle of `@quantum/core` with the model agents' metadata checks: a stored metadata
 * file must be one the ONNX agents load.
 * @packageDocumentation
 */
import { parseModelMetadata, type ModelMetadata } from '@quantum/agents'
import { ModelLifecycle as CoreModelLifecycle, type LifecycleEvent, type ModelRegistryPort } from '@quantum/core'

export { STAGE_TRANSITIONS } from '@quantum/core'
export type { LifecycleEvent, MaterializedModel } from '@quantum/core'

/** The model lifecycle over a registry, checking metadata with the model agents' parser. */
export class ModelLifecycle extends CoreModelLifecycle<ModelMetadata> {
  constructor(registry: ModelRegistryPort, onEvent: (e: LifecycleEvent) => void = () => {}) {
    super(registry, { onEvent, parseMetadata: parseModelMetadata })
  }
}
