/**
 * OpportunityRanker and Universe OS: ranking symbols and keeping the tradable set.
 * @packageDocumentation
 */
export { createOpportunityRanker, isOpportunityRanker, opportunityRanker } from './opportunity-ranker.js'
export { createUniverseOs, isUniverseOs, universeFilter } from './universe-os.js'
export type { OpportunityRanker, OpportunityRankerOptions, OpportunityScore } from './opportunity-ranker.js'
export type { UniverseOs, UniverseOsOptions } from './universe-os.js'
