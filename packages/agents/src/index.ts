/**
 * `@quantum/agents`: agent plugins (market data -> BUY / SELL / HOLD signals). This release ships the
 * EMA-cross agent; the ONNX model agents and the Ensemble Manager arrive with the AI-agents work.
 * @packageDocumentation
 */
export { emaCross } from './plugins/ema-cross.js'
export * from './ensemble/index.js'
export * from './sizing/index.js'
export * from './regime/index.js'
export * from './universe/index.js'
export * from './supervisor/index.js'
