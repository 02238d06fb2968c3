import type { EventBus, ExchangePort, ExitActions, OrderIntent, SimulatedExchange } from '../../types.js'
import type { OrderRequest } from '../../schemas.js'
import { StaleOrderError } from '../../errors.js'
import {
  executeAsync,
  executeSync,
  exitCommands,
  leverageOf,
  placeAsync,
  runAsync,
  runSync,
  type RiskCheck,
} from './commands.js'
import type { PendingEntries } from './pending-entries.js'
import { SymbolLanes, type Lane } from './symbol-lanes.js'

const NO_REQUEST: OrderRequest = { symbol: 'NONE', side: 'BUY', type: 'MARKET', quantity: 1 }

/**
 * Where the kernel's orders go. Two lanes: `protect` carries exit policies' actions (stops, targets,
 * closes, the protection ladder's stops and closes) and `enter` carries the pipeline's approved intents.
 * The paper exchange's sink applies both at once; a venue's sink runs a symbol's protective actions
 * ahead of its queued entries ({@link queueSink}).
 */
export interface CommandSink {
  /** Sends an approved intent of the pipeline (entry lane). */
  enter(intent: OrderIntent): void
  /** Applies an exit policy's actions for `symbol` (protective lane). */
  protect(symbol: string, actions: ExitActions): void
  /** Commands queued or in flight. */
  readonly pending: number
  /** Resolves once every command sent so far has run. */
  drain(): Promise<void>
}

/**
 * The paper exchange's sink: every command is applied synchronously, before the engine goes on (no
 * promise per order; a stop placed on an entry fill already works on the rest of that bar's range).
 * A backtest is a pure function of its inputs this way, and a paper run equals its backtest.
 */
export function directSink(exchange: SimulatedExchange, bus: EventBus, checkRisk: RiskCheck): CommandSink {
  // One command object per sink, reused: the entry path allocates nothing but the exchange's order record.
  const place: { kind: 'place'; request: OrderRequest } = { kind: 'place', request: NO_REQUEST }
  const lever: { kind: 'leverage'; leverage: number; request: OrderRequest } = {
    kind: 'leverage',
    leverage: 0,
    request: NO_REQUEST,
  }
  return {
    // intentCommands, inline: the leverage first (a refusal sends nothing), then the order.
    enter(intent) {
      const leverage = leverageOf(intent)
      if (leverage !== undefined) {
        lever.leverage = leverage
        lever.request = intent
        if (!executeSync(exchange, bus, lever)) return
      }
      place.request = intent
      executeSync(exchange, bus, place)
    },
    protect: (symbol, actions) => runSync(exchange, bus, exitCommands(symbol, actions, checkRisk)),
    pending: 0,
    drain: () => Promise.resolve(),
  }
}

/** Options of {@link queueSink}. */
export interface QueueSinkOptions {
  readonly checkRisk: RiskCheck
  readonly onError: (error: unknown) => void
  /** Entries on their way (the live account view adds them to the exposure). @default not tracked */
  readonly pending?: PendingEntries | undefined
  /** After each command rule of a symbol has run (the protection ladder re-checks then). */
  readonly onSettled?: ((symbol: string, lane: Lane) => void) | undefined
  /**
   * An entry that waited longer than this in its symbol's queue (behind a slow or stuck request) is
   * dropped unsent: an `order-rejected` event with a {@link StaleOrderError}. Protective commands never
   * expire. @default no limit
   */
  readonly maxEntryAgeMs?: number | undefined
  /** The clock entry ages are measured with (ms). @default Date.now */
  readonly now?: (() => number) | undefined
}

/**
 * A venue's sink: one serial queue per symbol ({@link SymbolLanes}), so a symbol's orders reach the venue
 * in the order they were decided and each command waits for the previous one's answer (a replaced stop
 * is cancelled only once its replacement is accepted), protective actions go ahead of the symbol's
 * queued entries, and a slow request holds up its own symbol only. A failing command never stops a
 * queue: its error goes to `onError`.
 */
export function queueSink(exchange: ExchangePort, bus: EventBus, options: QueueSinkOptions): QueueSink {
  const lanes = new SymbolLanes(options.onError, options.onSettled)
  const pending = options.pending
  const maxAge = options.maxEntryAgeMs
  const now = options.now ?? Date.now
  return {
    enter(intent) {
      const entry = pending?.add(intent)
      const queuedAt = maxAge === undefined ? 0 : now()
      lanes.push(intent.symbol, 'enter', async () => {
        if (maxAge !== undefined) {
          const waited = now() - queuedAt
          if (waited > maxAge) {
            if (entry !== undefined) pending!.answered(entry, undefined)
            bus.emit({
              type: 'order-rejected',
              request: intent,
              error: new StaleOrderError(intent.symbol, waited, maxAge),
            })
            return
          }
        }
        if (entry !== undefined) pending!.sending(entry)
        const leverage = leverageOf(intent)
        const levered =
          leverage === undefined || (await executeAsync(exchange, bus, { kind: 'leverage', leverage, request: intent }))
        const order = levered ? await placeAsync(exchange, bus, intent) : undefined
        if (entry !== undefined) pending!.answered(entry, order)
      })
    },
    protect: (symbol, actions) =>
      lanes.push(symbol, 'protect', () => runAsync(exchange, bus, exitCommands(symbol, actions, options.checkRisk))),
    busy: (symbol, lane) => lanes.busy(symbol, lane),
    get pending() {
      return lanes.pending
    },
    drain: () => lanes.drain(),
  }
}

/** A venue's sink, with what the protection ladder asks of it. */
export interface QueueSink extends CommandSink {
  /** Rules of `lane` queued or in flight for `symbol`. */
  busy(symbol: string, lane: Lane): number
}
