/**
 * `@quantum/risk`: Risk-Safety guards (pre-trade validation). This release ships the basic limits;
 * policies, the Emergency Stop System and circuit breakers arrive with the Risk-Safety work.
 * @packageDocumentation
 */
export { maxPositionNotional } from './plugins/max-position-notional.js'
export { maxLeverage } from './plugins/max-leverage.js'
