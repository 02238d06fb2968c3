/**
 * The decision thread's scheduling class for a run (the config's `scheduling`, see `enterRealtime` in
 * `@quantum/core` for why): raised for the run, put back when it ends.
 * @packageDocumentation
 */
import { enterRealtime, leaveRealtime, type QuantumConfig } from '@quantum/core'

/** The config's `scheduling` choice. */
export type SchedulingChoice = NonNullable<QuantumConfig['scheduling']>

/**
 * Applies `choice` for a run in `mode` on the calling thread: `auto` raises it to real-time in testnet
 * and live runs when the OS allows (quietly keeping normal scheduling otherwise), `realtime` in every
 * mode but backtest (saying on `warn` why when refused), `normal` leaves it. Returns what puts it back.
 */
export function applyScheduling(
  choice: SchedulingChoice,
  mode: QuantumConfig['mode'],
  warn: (line: string) => void,
): () => void {
  const wanted =
    choice === 'realtime' ? mode !== 'backtest' : choice === 'auto' && (mode === 'testnet' || mode === 'live')
  if (!wanted) return () => undefined
  const result = enterRealtime(1)
  if (!result.realtime) {
    if (choice === 'realtime')
      warn(`scheduling: the decision thread stays under normal scheduling (${result.reason ?? 'refused'})`)
    return () => undefined
  }
  const raised = result.previous !== 'rr' && result.previous !== 'fifo'
  return () => {
    if (raised) leaveRealtime()
  }
}
