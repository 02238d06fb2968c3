/**
 * The optional peers of `@quantum/agents`, loaded on first use: `onnxruntime-node` (the ONNX model agents)
 * and `onnx-proto` (the XGBoost / LightGBM converters). The rule-based agents, the ensemble, sizing,
 * regime and universe need neither, so a project without models installs neither.
 * @packageDocumentation
 */
import { createRequire } from 'node:module'
import { importOptional, requireOptional } from '@quantum/core'
import type * as OnnxRuntime from 'onnxruntime-node'
import type * as OnnxProto from 'onnx-proto'

let ortLoading: Promise<typeof OnnxRuntime> | undefined

/**
 * `onnxruntime-node`, imported on the first call (290 MB on disk and a native add-on that a run without
 * models never loads).
 * @throws {MissingDependencyError} when `onnxruntime-node` is not installed.
 */
export function loadOnnxRuntime(): Promise<typeof OnnxRuntime> {
  ortLoading ??= importOptional('onnxruntime-node', 'The ONNX model agents', () => import('onnxruntime-node')).then(
    // A CommonJS package: its named exports, or the namespace under `default` where the loader keeps it there.
    (mod) => ('InferenceSession' in mod ? mod : (mod as { default: typeof OnnxRuntime }).default),
    (error: unknown) => {
      ortLoading = undefined
      throw error
    },
  )
  return ortLoading
}

let onnxProto: typeof OnnxProto | undefined

/**
 * `onnx-proto` (CommonJS, so `require` loads it synchronously and the converters stay synchronous).
 * @throws {MissingDependencyError} when `onnx-proto` is not installed.
 */
export function requireOnnxProto(): typeof OnnxProto {
  onnxProto ??= requireOptional(
    'onnx-proto',
    'The ONNX converters (xgboostJsonToOnnx, lightgbmTextToOnnx)',
    () => createRequire(import.meta.url)('onnx-proto') as typeof OnnxProto,
  )
  return onnxProto
}
