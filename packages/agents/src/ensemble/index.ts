/**
 * The Ensemble Manager: weighted vote of the model agents, and the seed's tree print-out.
 * @packageDocumentation
 */
export { consensusTier, ensembleManager, SEED_ENSEMBLE_WEIGHTS } from './ensemble-manager.js'
export { formatEnsembleTree, SEED_AGENT_LABELS } from './format-ensemble-tree.js'
export type { ConsensusTier, EnsembleManagerOptions } from './ensemble-manager.js'
export type { FormatEnsembleTreeOptions } from './format-ensemble-tree.js'
