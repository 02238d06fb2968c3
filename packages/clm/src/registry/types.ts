/**
 * The model registry's data: the version schema and the port live in `@quantum/core` (the state store
 * implements the port); this module adds the file registry's own file format.
 * @packageDocumentation
 */
import { z } from 'zod'
import { ModelVersionSchema, type ModelRegistryPort } from '@quantum/core'

export { MODEL_STAGES, LineageSchema, ModelVersionSchema } from '@quantum/core'
export type { ModelStage, Lineage, ModelVersion, VersionPatch } from '@quantum/core'

/** The registry file: every version, oldest first. */
export const RegistryFileSchema = z.object({
  format: z.literal('quantum-registry@1'),
  versions: z.array(ModelVersionSchema),
})

/** Storage of model versions and their files (the core port, under the name this package used first). */
export type RegistryPort = ModelRegistryPort
