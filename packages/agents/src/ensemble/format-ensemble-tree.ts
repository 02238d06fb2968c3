// The tree printer lives in core (the run report prints decisions without loading agents); re-exported here.
export { formatEnsembleTree, SEED_AGENT_LABELS } from '@quantum/core'
export type { FormatEnsembleTreeOptions } from '@quantum/core'
