/**
 * `@quantum/agents`: agent plugins (market data -> BUY / SELL / HOLD signals). This release ships the
 * EMA-cross agent; the ONNX model agents and the Ensemble Manager arrive with the AI-agents work.
 * @packageDocumentation
 */
export { emaCross } from './plugins/ema-cross.js'
