/**
 * MSC, the Market State Classifier, and the shared regime store.
 * @packageDocumentation
 */
export { marketStateClassifier } from './market-state-classifier.js'
export { createRegimeStore, isRegimeStore, MARKET_REGIMES } from './regime-store.js'
export type { MarketStateClassifierOptions } from './market-state-classifier.js'
export type { MarketRegime, RegimeReading, RegimeStore } from './regime-store.js'
