/**
 * The order rules of the engine, written once: how an approved intent and an exit policy's actions
 * become exchange commands. Each rule is a generator of {@link Command}s that is told whether each
 * command succeeded, so the same rule drives the paper exchange synchronously and a venue through the
 * serial queue (see `command-sink.ts`).
 * @packageDocumentation
 */
import type { Order, OrderRequest } from '../../schemas.js'
import type { EventBus, ExchangePort, ExitActions, OrderIntent, SimulatedExchange } from '../../types.js'

/** One exchange command. */
export type Command =
  | { readonly kind: 'cancel-all'; readonly symbol: string }
  | { readonly kind: 'cancel'; readonly symbol: string; readonly orderId: string }
  | { readonly kind: 'leverage'; readonly leverage: number; readonly request: OrderRequest }
  | { readonly kind: 'place'; readonly request: OrderRequest }

/** A rule: yields commands, is resumed with whether each one succeeded. */
export type CommandRule = Generator<Command, void, boolean>

/** The risk chain an exit's intents go through when their turn comes. */
export type RiskCheck = (intent: OrderIntent) => OrderIntent | undefined

/** The leverage an intent sets before its order: its `leverage`, never for a reduce-only order. */
export function leverageOf(intent: OrderIntent): number | undefined {
  return intent.reduceOnly === true ? undefined : intent.leverage
}

/**
 * The order request of an intent, as events show it (without `reason` and `leverage`). The exchange
 * itself takes the intent as it is (it reads the request's fields only), so the hot path copies nothing.
 */
export function requestOf(intent: OrderRequest): OrderRequest {
  if (!('reason' in intent) && !('leverage' in intent)) return intent
  const { reason: _reason, leverage: _leverage, ...request } = intent as OrderIntent
  return request
}

/**
 * Sends an approved intent: the leverage it asks for first ({@link leverageOf}; a refusal sends
 * nothing), then the order. The paper exchange's sink runs the same two steps inline (`directSink`).
 */
export function* intentCommands(intent: OrderIntent): CommandRule {
  const leverage = leverageOf(intent)
  if (leverage !== undefined && !(yield { kind: 'leverage', leverage, request: intent })) return
  yield { kind: 'place', request: intent }
}

/**
 * Applies an exit policy's actions for `symbol` in the order {@link ExitActions} documents: the close
 * (a refused close ends the rule: nothing is cancelled), cancel all, cancel, replace (the new order is
 * placed and accepted **before** the old one is cancelled; a refused new order leaves the old one
 * working), place, then intents through the risk chain (checked when their turn comes, after
 * everything before them has run).
 */
export function* exitCommands(symbol: string, actions: ExitActions, checkRisk: RiskCheck): CommandRule {
  if (actions.close !== undefined && !(yield { kind: 'place', request: actions.close })) return
  if (actions.cancelAll === true) yield { kind: 'cancel-all', symbol }
  for (const orderId of actions.cancel ?? []) yield { kind: 'cancel', symbol, orderId }
  for (const r of actions.replace ?? []) {
    if (yield { kind: 'place', request: r.with }) yield { kind: 'cancel', symbol, orderId: r.cancel }
  }
  for (const request of actions.place ?? []) yield { kind: 'place', request }
  for (const intent of actions.intents ?? []) {
    const approved = checkRisk(intent)
    if (approved !== undefined) yield* intentCommands(approved)
  }
}

const toError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)))

/** A refused command as its event: `order-rejected` for orders and leverage, `cancel-rejected` for cancels. */
function reportRefusal(bus: EventBus, command: Command, error: unknown): void {
  if (command.kind === 'place' || command.kind === 'leverage') {
    bus.emit({ type: 'order-rejected', request: requestOf(command.request), error: toError(error) })
  } else {
    const orderId = command.kind === 'cancel' ? command.orderId : '*'
    bus.emit({ type: 'cancel-rejected', symbol: command.symbol, orderId, error: toError(error) })
  }
}

/** Runs one command on the paper exchange, synchronously; a refusal becomes an event. Returns whether it succeeded. */
export function executeSync(exchange: SimulatedExchange, bus: EventBus, command: Command): boolean {
  try {
    switch (command.kind) {
      case 'place':
        // The order itself is not read here: no copy of it when the exchange can skip making one.
        if (exchange.submitOrderSync === undefined) exchange.placeOrderSync(command.request)
        else exchange.submitOrderSync(command.request)
        break
      case 'cancel':
        exchange.cancelOrderSync(command.symbol, command.orderId)
        break
      case 'cancel-all':
        exchange.cancelAllOrdersSync(command.symbol)
        break
      case 'leverage':
        exchange.setLeverageSync(command.request.symbol, command.leverage)
        break
    }
    return true
  } catch (error) {
    reportRefusal(bus, command, error)
    return false
  }
}

/** Places an order on a venue and waits for its answer: the order, or `undefined` after a refusal (an event). */
export async function placeAsync(
  exchange: ExchangePort,
  bus: EventBus,
  request: OrderRequest,
): Promise<Order | undefined> {
  try {
    return await exchange.placeOrder(request)
  } catch (error) {
    reportRefusal(bus, { kind: 'place', request }, error)
    return undefined
  }
}

/** Runs one command on a venue and waits for its answer; a refusal becomes an event. */
export async function executeAsync(exchange: ExchangePort, bus: EventBus, command: Command): Promise<boolean> {
  if (command.kind === 'place') return (await placeAsync(exchange, bus, command.request)) !== undefined
  try {
    switch (command.kind) {
      case 'cancel':
        await exchange.cancelOrder(command.symbol, command.orderId)
        break
      case 'cancel-all':
        await exchange.cancelAllOrders(command.symbol)
        break
      case 'leverage':
        await exchange.setLeverage(command.request.symbol, command.leverage)
        break
    }
    return true
  } catch (error) {
    reportRefusal(bus, command, error)
    return false
  }
}

/** Drives a rule to its end on the paper exchange. */
export function runSync(exchange: SimulatedExchange, bus: EventBus, rule: CommandRule): void {
  let step = rule.next(true)
  while (step.done !== true) step = rule.next(executeSync(exchange, bus, step.value))
}

/** Drives a rule to its end on a venue, one acknowledged command after another. */
export async function runAsync(exchange: ExchangePort, bus: EventBus, rule: CommandRule): Promise<void> {
  let step = rule.next(true)
  while (step.done !== true) step = rule.next(await executeAsync(exchange, bus, step.value))
}
