/**
 * One-line descriptions of the notable engine events kept in a result (for the report).
 * @packageDocumentation
 */
import type { EngineEvent } from '@quantum/core'

/** A notable event as the report lists it. */
export interface EventLine {
  /** The event's `type`. */
  readonly type: string
  /** When it happened (epoch ms), when the event says. */
  readonly time: number | undefined
  /** What happened. */
  readonly text: string
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function orderText(o: {
  side: string
  type: string
  quantity?: number
  quoteQuantity?: number
  symbol: string
}): string {
  const size = o.quantity ?? (o.quoteQuantity === undefined ? undefined : `${o.quoteQuantity} USDT`)
  return [o.side, o.type, size, o.symbol].filter((x) => x !== undefined).join(' ')
}

/**
 * Describes one engine event in a line.
 * @param recordedAt When the run recorded it (the engine clock): the time of events that carry none.
 */
export function describeEvent(event: EngineEvent, recordedAt?: number): EventLine {
  const line = describe(event)
  if (line.time !== undefined || recordedAt === undefined || !Number.isFinite(recordedAt)) return line
  return { ...line, time: recordedAt }
}

function describe(event: EngineEvent): EventLine {
  switch (event.type) {
    case 'risk':
      return {
        type: event.type,
        time: undefined,
        text: `${event.plugin} ${event.verdict.action}: ${event.verdict.reason} (${orderText(event.intent)})`,
      }
    case 'order-rejected':
      return { type: event.type, time: undefined, text: `${orderText(event.request)}: ${errorText(event.error)}` }
    case 'cancel-rejected':
      return {
        type: event.type,
        time: undefined,
        text: `cancel ${event.symbol} ${event.orderId}: ${errorText(event.error)}`,
      }
    case 'plugin-error':
      return { type: event.type, time: undefined, text: `${event.plugin}.${event.hook}: ${errorText(event.error)}` }
    case 'plugin-isolated':
      return { type: event.type, time: undefined, text: `${event.plugin} isolated: ${event.reason}` }
    case 'liquidation':
      return {
        type: event.type,
        time: event.fill.time,
        text: `${event.fill.symbol} liquidated: ${event.fill.side} ${event.fill.quantity} @ ${event.fill.price}`,
      }
    case 'fill':
      return {
        type: event.type,
        time: event.fill.time,
        text: `${event.fill.symbol} ${event.fill.side} ${event.fill.quantity} @ ${event.fill.price}`,
      }
    case 'funding':
      return {
        type: event.type,
        time: event.funding.time,
        text: `${event.funding.symbol} funding ${event.funding.payment} USDT (rate ${event.funding.rate})`,
      }
    case 'order':
      return { type: event.type, time: undefined, text: `${orderText(event.order)} ${event.order.status}` }
    case 'signal':
      return {
        type: event.type,
        time: event.signal.time,
        text: `${event.signal.agent} ${event.signal.action} ${event.signal.symbol}`,
      }
    case 'decision':
      return { type: event.type, time: event.decision.time, text: `${event.decision.action} ${event.decision.symbol}` }
    case 'intent':
      return { type: event.type, time: undefined, text: orderText(event.intent) }
    case 'risk-state':
      return {
        type: event.type,
        time: event.time,
        text: `${event.source} ${event.state} (trading ${event.tradingState}): ${event.reason}`,
      }
    case 'progress':
      return { type: event.type, time: event.time, text: `${event.barsDone}/${event.barsTotal} bars` }
    case 'directive':
      return {
        type: event.type,
        time: event.directive.time,
        text: `${event.active ? '' : 'withdrawn: '}${event.directive.kind} from ${event.directive.source}: ${event.directive.reason}`,
      }
    case 'execution':
      return {
        type: event.type,
        time: event.time,
        text: `${event.symbol} ${event.step}${event.clientOrderId === undefined ? '' : ` ${event.clientOrderId}`}: ${event.reason}`,
      }
    case 'policy-switch':
      return {
        type: event.type,
        time: event.time,
        text: `risk policy ${event.from} -> ${event.to} (rule ${event.rule}): ${event.reason}`,
      }
    case 'arbitration':
      return {
        type: event.type,
        time: event.time,
        text:
          `${event.subject}: ${event.winner.kind} (${event.winner.source}) over ` +
          `${event.overruled.map((d) => `${d.kind} (${d.source})`).join(', ')}; ${event.outcome} [${event.mode}]`,
      }
    case 'unprotected':
      return {
        type: event.type,
        time: event.time,
        text: `${event.symbol} ${event.side} ${event.quantity} without a stop since ${new Date(event.since).toISOString()}`,
      }
    case 'protection':
      return {
        type: event.type,
        time: event.time,
        text: `${event.symbol} ${event.step} #${event.attempt}: ${event.reason}`,
      }
    case 'reconnect':
      return { type: event.type, time: event.time, text: `${event.stream} stream reconnecting: ${event.reason}` }
  }
}
