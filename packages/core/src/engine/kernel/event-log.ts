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
}

/** Records a run's notable events, risk state changes, counts and decisions, each list capped. */
export class RunEventLog {
  /** Errors, risk verdicts, rejections, liquidations and `unprotected` alerts, oldest first (capped). */
  readonly notable: EngineEvent[] = []
  /** Emergency stop and breaker state changes, kept apart so a flood of denials never hides a trip. */
  readonly riskStates: RiskStateEvent[] = []
  readonly counts: EventCounts = { pluginErrors: 0, ordersRejected: 0, riskEvents: 0 }
  readonly decisions = {
    total: 0,
    byAction: { BUY: 0, SELL: 0, HOLD: 0 } as Record<'BUY' | 'SELL' | 'HOLD', number>,
    recent: [] as Decision[],
  }

  /** @param keep How many notable events (and risk states) to keep. */
  constructor(private readonly keep = 1000) {}

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
      case 'risk':
        this.counts.riskEvents++
        return this.note(event)
      case 'risk-state':
        if (this.riskStates.length < this.keep) this.riskStates.push(event)
        return this.note(event)
      case 'unprotected':
      case 'liquidation':
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
    if (this.notable.length < this.keep) this.notable.push(event)
  }

  private decision(decision: Decision): void {
    const log = this.decisions
    log.total++
    log.byAction[decision.action]++
    if (decision.action === 'HOLD') return
    if (log.recent.length >= RECENT_DECISIONS) log.recent.shift()
    log.recent.push(decision)
  }
}
