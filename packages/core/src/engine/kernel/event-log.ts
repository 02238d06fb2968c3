/**
 * What a run keeps of its event stream for the result and the report: counts, the notable events
 * (errors, risk verdicts, rejections, liquidations, stop-watchdog alerts), risk state changes and the
 * decision log. Shared by the backtest engine and the live engine's paper runs.
 * @packageDocumentation
 */
import type { Decision } from '../../schemas.js'
import type { EngineEvent, RiskStateEvent } from '../../types.js'

/** Latest BUY/SELL decisions kept with their votes. */
const RECENT_DECISIONS = 200

/** The counts a run summary shows. */
export interface EventCounts {
  pluginErrors: number
  ordersRejected: number
  riskEvents: number
  /** Liquidations (the exchange closed a position at its liquidation price). */
  liquidations: number
  /** Risk verdicts per guard: how many intents each resized and denied. */
  riskByGuard: Record<string, { resized: number; denied: number }>
}

/** Records a run's notable events, risk state changes, counts and decisions, each list capped. */
export class RunEventLog {
  /** Errors, risk verdicts, rejections, liquidations and `unprotected` alerts, oldest first (capped). */
  readonly notable: EngineEvent[] = []
  /** The engine clock (epoch ms) when each notable event was recorded, parallel to `notable`. */
  readonly notableTimes: number[] = []
  /** Emergency stop and breaker state changes, kept apart so a flood of denials never hides a trip. */
  readonly riskStates: RiskStateEvent[] = []
  readonly counts: EventCounts = { pluginErrors: 0, ordersRejected: 0, riskEvents: 0, liquidations: 0, riskByGuard: {} }
  private readonly decisionLog = {
    total: 0,
    byAction: { BUY: 0, SELL: 0, HOLD: 0 } as Record<'BUY' | 'SELL' | 'HOLD', number>,
    recent: [] as Decision[],
  }

  /** Decision counts and the latest BUY/SELL decisions with their votes, oldest first (at most 200). */
  get decisions(): { total: number; byAction: Record<'BUY' | 'SELL' | 'HOLD', number>; recent: Decision[] } {
    const recent = this.decisionLog.recent
    if (recent.length > RECENT_DECISIONS) recent.splice(0, recent.length - RECENT_DECISIONS)
    return this.decisionLog
  }

  /**
   * @param keep How many notable events (and risk states) to keep.
   * @param now The engine clock, read when a notable event is recorded (events such as risk verdicts and
   *   rejections carry no time of their own).
   */
  constructor(
    private readonly keep = 1000,
    private readonly now: () => number = () => Number.NaN,
  ) {}

  /** Takes one event into the counts and lists. */
  record(event: EngineEvent): void {
    switch (event.type) {
      case 'decision':
        return this.decision(event.decision)
      case 'plugin-error':
        this.counts.pluginErrors++
        return this.note(event)
      case 'order-rejected':
      case 'cancel-rejected':
        this.counts.ordersRejected++
        return this.note(event)
      case 'risk': {
        this.counts.riskEvents++
        const byGuard = (this.counts.riskByGuard[event.plugin] ??= { resized: 0, denied: 0 })
        if (event.verdict.action === 'deny') byGuard.denied++
        else byGuard.resized++
        return this.note(event)
      }
      case 'risk-state':
        if (this.riskStates.length < this.keep) this.riskStates.push(event)
        return this.note(event)
      case 'liquidation':
        this.counts.liquidations++
        return this.note(event)
      case 'unprotected':
      case 'protection':
      case 'arbitration':
      case 'directive':
      case 'policy-switch':
      case 'execution':
      case 'reconnect':
      case 'plugin-isolated':
        return this.note(event)
      case 'order':
        if (event.order.status === 'REJECTED') this.note(event)
        return
      case 'fill':
      case 'funding':
      case 'intent':
      case 'progress':
      case 'signal':
        return
    }
  }

  private note(event: EngineEvent): void {
    if (this.notable.length >= this.keep) return
    this.notable.push(event)
    this.notableTimes.push(this.now())
  }

  private decision(decision: Decision): void {
    const log = this.decisionLog
    log.total++
    log.byAction[decision.action]++
    if (decision.action === 'HOLD') return
    // Trimmed in batches of 200 rather than shifted per decision: a shift per decision reallocated the
    // array's store every few decisions.
    if (log.recent.length >= 2 * RECENT_DECISIONS) log.recent.splice(0, RECENT_DECISIONS)
    log.recent.push(decision)
  }
}
