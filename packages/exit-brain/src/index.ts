/**
 * `@quantum/exit-brain`: exit policies. The ATR stop/target exit, the static TP/SL baseline and Exit Brain v3 (multi-leg plans,
 * adaptive profiles, break-even, trailing and runner extension).
 * @packageDocumentation
 */
export { atrStopTarget } from './plugins/atr-stop-target.js'
export { exitBrain, ExitBrainOptionsSchema } from './plugins/exit-brain.js'
export type { ExitBrainOptions, RegimeSource } from './plugins/exit-brain.js'
export {
  AGGRESSIVE,
  BALANCED,
  CONSERVATIVE,
  EXIT_PROFILES,
  PROFILE_ORDER,
  ExitProfileSchema,
  ProfileChoiceSchema,
  defineExitProfile,
} from './profiles.js'
export type { ExitLeg, ExitProfile, ExitProfileInput, ProfileChoice, ProfileName } from './profiles.js'
export { buildExitPlan, volatilityScale } from './plan.js'
export type { BuildExitPlanInput, ExitPlan, PlannedLeg, VolatilityScaling } from './plan.js'
export { createProfileSelector, WIN_RATE_THRESHOLDS } from './profile-selector.js'
export type { ProfileSelector, ProfileSelectorOptions } from './profile-selector.js'
export { ExtremeWindow, breakEvenStop, extendRunner, tightenStop, trailingStop } from './stop-manager.js'
export type {
  BreakEvenStopInput,
  ExtendRunnerInput,
  StopSide,
  TrailingStopInput,
  TrailingType,
} from './stop-manager.js'
export { profitAmplifier } from './pal/profit-amplifier.js'
export type { ProfitAmplifierOptions } from './pal/profit-amplifier.js'
export { positionIntelligence, PositionBookSchema } from './pil/position-intelligence.js'
export type { PositionIntelligenceOptions } from './pil/position-intelligence.js'
export { createPositionBook, POSITION_CLASSES } from './pil/position-book.js'
export type { PositionBook, PositionClass, PositionRecord } from './pil/position-book.js'
export { staticTpSl } from './baseline/static-tp-sl.js'
export { bracketOrders, levelOf, rebracket, targetOrder, TargetTypeSchema, workingExitIds } from './bracket.js'
export type { BracketDistances, TargetType } from './bracket.js'
export { RollingMean } from './rolling-mean.js'
