/**
 * `@quantum/exit-brain`: exit policies. This release ships the ATR stop/target exit; Exit Brain v3's
 * multi-leg plans and adaptive profiles arrive with the Exit Brain work.
 * @packageDocumentation
 */
export { atrStopTarget } from './plugins/atr-stop-target.js'
