import type { EventBus, ExchangePort, ExitActions, OrderIntent, SimulatedExchange } from '../../types.js'
import { CommandQueue } from './command-queue.js'
import type { OrderRequest } from '../../schemas.js'
import { executeSync, exitCommands, intentCommands, leverageOf, runAsync, runSync, type RiskCheck } from './commands.js'

const NO_REQUEST: OrderRequest = { symbol: 'NONE', side: 'BUY', type: 'MARKET', quantity: 1 }

/**
 * Where the kernel's orders go. Two lanes: `protect` carries exit policies' actions (stops, targets,
 * closes) and `enter` carries the pipeline's approved intents. Today both keep their order of arrival;
 * the lanes exist so a venue sink can give protective commands priority and drop stale entries.
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

/**
 * A venue's sink: one serial queue, so orders reach the venue in the order they were decided and each
 * command waits for the previous one's acknowledgement (a replaced stop is cancelled only once its
 * replacement is accepted). A failing command never stops the queue: its error goes to `onError`.
 */
export function queueSink(
  exchange: ExchangePort,
  bus: EventBus,
  options: { readonly checkRisk: RiskCheck; readonly onError: (error: unknown) => void },
): CommandSink {
  const queue = new CommandQueue(options.onError)
  return {
    enter: (intent) => void queue.push(() => runAsync(exchange, bus, intentCommands(intent))),
    protect: (symbol, actions) =>
      void queue.push(() => runAsync(exchange, bus, exitCommands(symbol, actions, options.checkRisk))),
    get pending() {
      return queue.size
    },
    drain: () => queue.drain(),
  }
}
