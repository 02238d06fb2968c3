/**
 * RL Position Sizing: the Q-learning sizer, its learner and Q-table file.
 * @packageDocumentation
 */
export {
  QLearner,
  QTableFileSchema,
  actionGrid,
  loadQTable,
  parseQTable,
  readQTable,
  writeQTable,
} from './q-learner.js'
export { rlPositionSizing } from './rl-sizer.js'
export type { ActionGridSpec, QLearnerConfig, QTableFile, SizingAction, Transition } from './q-learner.js'
export type { RlPositionSizer, RlPositionSizingOptions } from './rl-sizer.js'
