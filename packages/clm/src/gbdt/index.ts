/**
 * The histogram GBDT trainer (multi-class softmax) and its ONNX export.
 * @packageDocumentation
 */
export { fitBins, applyBins, binOf, MISSING_BIN, MAX_BINS } from './binning.js'
export type { FeatureBins, BinnedMatrix, FeatureMatrix } from './binning.js'
export { growTree, leafOfBinned, leafOfRow } from './tree.js'
export type { GbdtTree, TreeParams, GrowInput, GrownLeaf } from './tree.js'
export { trainGbdt, resolveGbdtParams, logLossOfScores, DEFAULT_GBDT_PARAMS, GBDT_MODEL_FORMAT } from './train.js'
export type { GbdtParams, GbdtModel, GbdtTrainInput, LabelledMatrix } from './train.js'
export { predictGbdt, gbdtToOnnx, parseGbdtModel } from './model.js'
export { trainGbdtInWorker, trainGbdtToOnnxInWorker, gbdtWorkerFile } from './train-in-worker.js'
export type { GbdtOnnxResult, TrainInWorkerOptions } from './train-in-worker.js'
export { validateTrainingRows } from './validate.js'
export type { ValidateRowsOptions } from './validate.js'
export { gbdtMetadata } from './metadata.js'
export type { GbdtMetadataInput } from './metadata.js'
