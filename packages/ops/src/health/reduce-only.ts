import type {
  Clock,
  EventBus,
  OrderIntent,
  PluginContext,
  RiskGuardPlugin,
  RiskVerdict,
  TradingState,
} from '@quantum/core'

/** The `risk-state` source of the supervisor's reduce-only switch. */
export const REDUCE_ONLY_SOURCE = 'supervisor'

/** The switch the health supervisor pulls when a check keeps failing. */
export interface ReduceOnlyGate {
  /**
   * The guard `ops:reduce-only` (tier `pre`) to add to the run's plugins: once engaged it denies every
   * intent that is not reduce-only, so entries stop while exits, stops and closes go on.
   */
  readonly plugin: RiskGuardPlugin
  /**
   * Puts the run into reduce-only until {@link ReduceOnlyGate.lift} or a restart and emits a `risk-state`
   * event (source `supervisor`, state `REDUCE_ONLY`, trading state `reducing`) that the metrics, the
   * dashboard, the journal and the notifier see. Returns false when it was already engaged.
   */
  engage(reason: string): boolean
  /**
   * Lifts reduce-only (an operator's decision once the cause is fixed: `POST /api/reduce-only/lift` on
   * `--http`): entries are accepted again and a `risk-state` event (source `supervisor`, state `NORMAL`,
   * trading state: what the other risk components last reported, `active` by default; trigger `manual`) says who lifted it. Returns false when it was not engaged.
   * The supervisor engages it again only after its failing check has recovered and failed again.
   */
  lift(by: string): boolean
  /** Why the run is reduce-only, or undefined while it is not. */
  readonly reason: string | undefined
}

/**
 * Creates the supervisor's reduce-only switch. Until the guard's setup has run, an engagement is kept
 * and its event emitted at setup.
 * @example
 * const gate = createReduceOnlyGate()
 * createHealthSupervisor({ checks, onEscalate: (why) => void gate.engage(why) })
 * plugins.push(gate.plugin)
 */
export function createReduceOnlyGate(): ReduceOnlyGate {
  let reason: string | undefined
  let wiring: { bus: EventBus; clock: Clock } | undefined
  let unsent = false
  // The trading state the other risk components last reported (the ESS, breakers): what lifting returns to.
  let others: TradingState = 'active'
  let watch: { unsubscribe(): void } | undefined
  const announce = (): void => {
    if (wiring === undefined || reason === undefined) {
      unsent = reason !== undefined
      return
    }
    unsent = false
    wiring.bus.emit({
      type: 'risk-state',
      time: wiring.clock.now(),
      source: REDUCE_ONLY_SOURCE,
      state: 'REDUCE_ONLY',
      tradingState: 'reducing',
      reason,
      trigger: 'escalation',
    })
  }
  const plugin: RiskGuardPlugin = {
    name: 'ops:reduce-only',
    kind: 'risk',
    enforce: 'pre',
    setup: (ctx: PluginContext): void => {
      wiring = { bus: ctx.bus, clock: ctx.clock }
      watch = ctx.bus.events$.subscribe((event) => {
        if (event.type === 'risk-state' && event.source !== REDUCE_ONLY_SOURCE) others = event.tradingState
      })
      if (unsent) announce()
    },
    dispose: (): void => {
      watch?.unsubscribe()
      watch = undefined
    },
    check: (intent: OrderIntent): RiskVerdict =>
      reason === undefined || intent.reduceOnly === true
        ? { action: 'approve' }
        : { action: 'deny', reason: `reduce-only after a supervisor escalation (${reason}): entries refused` },
  }
  return {
    plugin,
    engage: (why: string): boolean => {
      if (reason !== undefined) return false
      reason = why
      announce()
      return true
    },
    lift: (by: string): boolean => {
      if (reason === undefined) return false
      const was = reason
      reason = undefined
      unsent = false
      wiring?.bus.emit({
        type: 'risk-state',
        time: wiring.clock.now(),
        source: REDUCE_ONLY_SOURCE,
        state: 'NORMAL',
        tradingState: others,
        reason: `reduce-only lifted by ${by} (it was engaged for: ${was})`,
        trigger: 'manual',
      })
      return true
    },
    get reason() {
      return reason
    },
  }
}
