/**
 * Converters from trained tree models to ONNX, and the small ONNX writer they use.
 * @packageDocumentation
 */
export { xgboostJsonToOnnx, type XgboostToOnnxOptions } from './xgboost-to-onnx.js'
export { lightgbmTextToOnnx, type LightgbmToOnnxOptions } from './lightgbm-to-onnx.js'
export {
  TreeEnsembleBuilder,
  float32AtOrBelow,
  type BranchMode,
  type BranchSpec,
  type TreeEnsembleOptions,
} from './tree-ensemble.js'
export {
  ONNX_IR_VERSION,
  attr,
  floatTensor,
  model,
  node,
  valueInfo,
  type AttrValue,
  type Dim,
  type ElemType,
  type ModelSpec,
  type NodeOptions,
  type NodeSpec,
} from './onnx-writer.js'
