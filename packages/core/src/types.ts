/**
 * Public contracts of the SDK: the exchange port, the plugin contracts (agents, decision, sizing,
 * risk, exits, observers), the context injected into plugins, and the events the engine emits.
 * Types only: no runtime code lives here.
 * @packageDocumentation
 */
import type { Observable, SchedulerLike } from 'rxjs'
import type { CandleColumns, CandleSeries } from './data/candle-series.js'
import type { ExitState, ExitStateInput } from './state/schemas.js'
import type {
  Balance,
  Decision,
  Fill,
  FundingEvent,
  Instrument,
  Order,
  OrderRequest,
  Position,
  Signal,
} from './schemas.js'

/** How a strategy runs. Only `backtest` is available in this release; the others say so plainly. */
export type RunMode = 'backtest' | 'paper' | 'testnet' | 'live'

/** What a plugin's `apply` predicate sees. */
export interface RuntimeEnv {
  /** The run mode. */
  readonly mode: RunMode
}

/** Source of time. In backtests it is the simulated clock (the current bar's time); live, the wall clock. */
export interface Clock {
  /** Current time, epoch ms. */
  now(): number
  /** RxJS scheduler matching this clock, for time-based operators. */
  readonly scheduler: SchedulerLike
}

/** Structured logger injected into plugins (never use `console` in plugins). */
export interface Logger {
  /** Debug-level message with structured fields. */
  debug(message: string, fields?: Record<string, unknown>): void
  /** Info-level message with structured fields. */
  info(message: string, fields?: Record<string, unknown>): void
  /** Warning with structured fields. */
  warn(message: string, fields?: Record<string, unknown>): void
  /** Error with structured fields. */
  error(message: string, fields?: Record<string, unknown>): void
  /** A logger that adds `bindings` to every record (e.g. `{ plugin: 'agents:ema-cross' }`). */
  child(bindings: Record<string, unknown>): Logger
}

/**
 * Synchronous, local view of the account. The paper exchange is authoritative for it; live adapters
 * keep it as a mirror updated from user-data streams and reconciliation. Cheap to call per bar.
 */
export interface AccountView {
  /** The position of `symbol` (side `FLAT` and quantity 0 when there is none). */
  getPosition(symbol: string): Position
  /** All non-flat positions. */
  getPositions(): readonly Position[]
  /** The USDT balance, marked at the last known prices. */
  getBalance(): Balance
  /** Open (working) orders, optionally of one symbol. */
  getOpenOrders(symbol?: string): readonly Order[]
  /** Last traded price seen for `symbol` (NaN when none yet). */
  getLastPrice(symbol: string): number
  /**
   * Entries the engine has decided that the account does not show yet: queued for the venue, in flight,
   * or executed but not yet in the position. Guards add them to the exposure so a burst of entries cannot
   * pass a limit that each would pass alone. Only the live engine's view has them (a backtest's orders are
   * on the book at once). @default none
   */
  getPendingOrders?(symbol?: string): readonly PendingOrder[]
  /** Wallet plus unrealised PnL at the last prices, without allocating (called once per bar). */
  getEquity(): number
}

/** An entry on its way to the venue (see {@link AccountView.getPendingOrders}). */
export interface PendingOrder {
  readonly symbol: string
  readonly side: 'BUY' | 'SELL'
  /** Base quantity not yet in the position or on the book (absent for a quote-sized order not yet sent). */
  readonly quantity?: number
  /** Quote quantity of an order not yet sent, when it is quote-sized. */
  readonly quoteQuantity?: number
  /** Limit or trigger price, when the order has one. */
  readonly price?: number
  /** `queued` (not sent), `in-flight` (sent, not answered), `unfilled` (executed, fills not yet seen). */
  readonly state: 'queued' | 'in-flight' | 'unfilled'
}

/** What an exchange reports, in the order it happened. */
export type ExchangeEvent =
  | { readonly type: 'order'; readonly order: Order }
  | { readonly type: 'fill'; readonly fill: Fill; readonly position: Position }
  | { readonly type: 'funding'; readonly funding: FundingEvent }
  | { readonly type: 'liquidation'; readonly fill: Fill; readonly position: Position }

/**
 * The exchange port: the one interface the engine talks to. Implemented by the paper exchange now
 * and by the ccxt adapter later. Commands are async; the paper exchange applies them synchronously
 * (state is changed before the call returns) so that backtests stay deterministic.
 */
export interface ExchangePort {
  /** Identifier, e.g. `paper` or `binanceusdm`. */
  readonly id: string
  /** Local synchronous view of balances, positions and orders. */
  readonly account: AccountView
  /** Order updates, fills, funding payments and liquidations, in order. */
  readonly events$: Observable<ExchangeEvent>
  /**
   * Trading rules of `symbol`.
   * @throws {InvalidOrder} for an unknown symbol.
   */
  instrument(symbol: string): Instrument
  /**
   * Places an order after checking and rounding it to the instrument's precision (the one place where
   * rounding happens).
   * @throws {InvalidOrder} off precision, below min notional, reduce-only without a position.
   * @throws {InsufficientFunds} not enough available balance for margin and fees.
   */
  placeOrder(request: OrderRequest): Promise<Order>
  /** Cancels one working order; resolves with the order in its final state. */
  cancelOrder(symbol: string, orderId: string): Promise<Order>
  /** Cancels every working order of `symbol`; resolves with the cancelled orders. */
  cancelAllOrders(symbol: string): Promise<Order[]>
  /** Sets the leverage used for new positions of `symbol`. */
  setLeverage(symbol: string, leverage: number): Promise<void>
}

/** The minimal shape of a bar that a simulated exchange needs. */
export interface BarLike {
  /** Candle open time, epoch ms. */
  readonly openTime: number
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
}

/** An exchange that a backtest drives bar by bar (the paper exchange). */
export interface SimulatedExchange extends ExchangePort {
  /**
   * Advances `symbol` by one bar: funding due at or before the bar's open, then working orders
   * (market orders fill at the open; triggers and limits against the bar's range, by the documented
   * intrabar rules), liquidation, and finally marks the position at the close.
   */
  onBar(symbol: string, bar: BarLike): void
  /** {@link ExchangePort.placeOrder} without the promise: returns the order or throws. */
  placeOrderSync(request: OrderRequest): Order
  /**
   * {@link SimulatedExchange.placeOrderSync} without the copy of the order it returns: the order's id.
   * @default not offered (the engine calls `placeOrderSync`)
   */
  submitOrderSync?(request: OrderRequest): string
  /** {@link ExchangePort.cancelOrder} without the promise. */
  cancelOrderSync(symbol: string, orderId: string): Order
  /** {@link ExchangePort.cancelAllOrders} without the promise. */
  cancelAllOrdersSync(symbol: string): Order[]
  /** {@link ExchangePort.setLeverage} without the promise. */
  setLeverageSync(symbol: string, leverage: number): void
  /**
   * `events$` for a subscriber that reads the `order` events of working orders only while
   * `wantsOrders()` is true; an exchange may then skip building them. Fills, liquidations, funding and
   * rejected orders are always delivered. @default not offered (the kernel subscribes to `events$`)
   */
  accountEvents?(wantsOrders: () => boolean): Observable<ExchangeEvent>
}

/**
 * One closed bar as plugins see it. The engine reuses one object per symbol (a flyweight) to keep the
 * per-bar path allocation-free: read it during the call, copy what you keep.
 */
export interface MarketBar {
  readonly symbol: string
  /** Row of this bar in its series (0-based). */
  readonly index: number
  readonly openTime: number
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
  readonly volume: number
}

/** The columnar candles of one symbol (model features over a whole history, research tools). */
export type AgentHistory = CandleSeries

/**
 * A block of closed bars, columnar and in arrival order, as an agent's {@link AgentPlugin.onBlock}
 * receives it. It holds only bars the kernel has already received: never a bar after its last row.
 * The arrays are reused between blocks (and longer than {@link BarBlock.length}): read them during
 * the call, copy what you keep.
 */
export interface BarBlock extends CandleColumns {
  /** Rows in this block. */
  readonly length: number
  /** Most rows a block of this run holds (the kernel's `blockRows`: the same for every block of a run). */
  readonly capacity: number
  /**
   * Warm-up bars (history before a live run): agents update their state; their answers are dropped,
   * so a model agent need not run inference.
   */
  readonly warmup: boolean
  /** Symbol of each row. */
  readonly symbol: readonly string[]
  /** Row of each bar in its series (as {@link MarketBar.index}). */
  readonly index: Int32Array
}

/** Publish/subscribe channel shared by plugins and the engine. */
export interface EventBus {
  /** Publishes an event to every subscriber, synchronously. */
  emit(event: EngineEvent): void
  /** Every event the engine and plugins emit. */
  readonly events$: Observable<EngineEvent>
}

/** Collaborators injected into every plugin hook (never imported as singletons). */
export interface PluginContext {
  /** The run mode. */
  readonly mode: RunMode
  /** The clock (simulated in backtests). */
  readonly clock: Clock
  /** A logger bound to the plugin's name. */
  readonly logger: Logger
  /** The exchange port (commands). */
  readonly exchange: ExchangePort
  /** The synchronous account view (same as `exchange.account`). */
  readonly account: AccountView
  /** The event bus. */
  readonly bus: EventBus
}

/** Kinds of plugins, each with its own hook semantics. */
export type PluginKind = 'agent' | 'decision' | 'sizer' | 'risk' | 'exit' | 'observer' | 'execution'

/** What every plugin has. */
export interface PluginBase {
  /** Unique id `<package>:<kebab-name>`, e.g. `risk:max-leverage`; used in logs, errors and events. */
  readonly name: string
  /** The plugin's role. */
  readonly kind: PluginKind
  /** Ordering tier within its kind, as Vite's `enforce`. @default undefined (normal tier) */
  readonly enforce?: 'pre' | 'post'
  /** Run only in some modes (a mode or a predicate). @default always */
  readonly apply?: RunMode | ((env: RuntimeEnv) => boolean)
  /** Frozen, validated options the plugin was created with (shown in reports). */
  readonly options?: Readonly<Record<string, unknown>>
  /** Called once after wiring, before the first bar, in plugin order. System hook: not called by user code. */
  setup?(ctx: PluginContext): void | Promise<void>
  /** Called on shutdown in reverse setup order. System hook: not called by user code. */
  dispose?(): void | Promise<void>
}

/**
 * Market data -> signals. Agents run in **parallel** semantics: each sees every bar and their signals
 * are merged by the decision plugin.
 */
export interface AgentPlugin extends PluginBase {
  readonly kind: 'agent'
  /** Number of bars the agent needs before its signals mean anything (reports use it). @default 0 */
  readonly warmup?: number
  /**
   * Async pre-step, driven by the kernel in every mode (backtest, paper, testnet, live): the kernel
   * gathers arriving bars into blocks, awaits every agent's `onBlock` on a block, then hands the
   * block's bars to `onBar` one by one, in the block's row order. A block never holds a bar the
   * kernel has not received, so an answer computed here cannot see later bars. Backtests close a
   * block every `blockRows` bars (1,024 by default) (batched inference); venue feeds and replays close it
   * when the feed pauses (the bars of one tick, usually one bar per symbol). A model agent runs its
   * inference here and answers `onBar` from the results. A throw or rejection becomes a
   * `plugin-error` event; the block's bars still reach `onBar`. System hook: not called by user code.
   */
  onBlock?(block: BarBlock, ctx: PluginContext): void | Promise<void>
  /**
   * Called for every closed bar of every symbol, in time order, synchronously. Return a signal, or
   * `undefined` for no opinion (cheaper than a HOLD signal). A throw becomes a `plugin-error` event.
   */
  onBar(bar: MarketBar, ctx: PluginContext): Signal | undefined
}

/** Signals -> one decision per symbol and bar (the Ensemble Manager implements this). */
export interface DecisionPlugin extends PluginBase {
  readonly kind: 'decision'
  /**
   * Combines the bar's signals (never empty) into a decision, or `undefined` to do nothing.
   * Exactly one decision plugin is used (the last registered).
   */
  decide(signals: readonly Signal[], bar: MarketBar, ctx: PluginContext): Decision | undefined
}

/** An order the strategy wants, before risk checks. */
export type OrderIntent = OrderRequest & {
  /** Why (shown in events and reports), e.g. `entry`, `reverse`. */
  readonly reason?: string
  /** Leverage for the position this intent opens. @default the exchange's leverage for the symbol */
  readonly leverage?: number
}

/** Decision -> order intents (how much, which orders). Exactly one sizer is used (the last registered). */
export interface SizerPlugin extends PluginBase {
  readonly kind: 'sizer'
  /** Turns a decision into zero or more intents, e.g. close the opposite position then open. */
  size(decision: Decision, ctx: PluginContext): readonly OrderIntent[]
  /**
   * What the sizer has learnt (e.g. the RL sizer's Q-table), as JSON-compatible data: a run with a state
   * store stores it whenever it changed (after fills), so a restart resumes it. @default none
   */
  learnedState?(): unknown
  /** Puts a stored learnt state back after a restart (after `setup`, before the first live bar). */
  restoreLearnedState?(state: unknown, ctx: PluginContext): void
}

/** A risk guard's answer to one intent. */
export type RiskVerdict =
  | { readonly action: 'approve' }
  | {
      readonly action: 'resize'
      readonly quantity?: number
      readonly quoteQuantity?: number
      /** A lower leverage for the position the intent opens (e.g. to move its liquidation price beyond the stop). */
      readonly leverage?: number
      readonly reason: string
    }
  | { readonly action: 'deny'; readonly reason: string }

/**
 * Intent -> approve / resize / deny. Guards run **sequentially**: each sees the previous guard's
 * (possibly resized) intent; the first deny stops the chain. Verdicts are events, never exceptions.
 */
export interface RiskGuardPlugin extends PluginBase {
  readonly kind: 'risk'
  /** Checks one intent against the current account state. */
  check(intent: OrderIntent, ctx: PluginContext): RiskVerdict
  /**
   * Optional market hook: called for every bar of every symbol after the exchange has processed it
   * (fills, triggers, mark at the close) and before the exit policies and agents see it, in guard
   * order. Guards that keep market state use it (rolling prices for correlation, data freshness,
   * equity marks for drawdown limits, the emergency stop's triggers). Returns nothing: a guard acts
   * only through its verdicts and the events it emits. A throw becomes a `plugin-error` event.
   * System hook: not called by user code.
   */
  onBar?(bar: MarketBar, ctx: PluginContext): void
  /**
   * Optional sub-bar hook for protection that must act inside a strategy bar: in backtests it is
   * called after the paper exchange has processed each detail candle (`data.detail`; the account is
   * marked at the candle's close), live for each mark-price update the driver receives. `bar` is the
   * detail candle (read it during the call only). Keep it cheap and do not treat it as a strategy bar
   * (no indicators). A throw becomes a `plugin-error` event. System hook: not called by user code.
   */
  onSubBar?(bar: MarketBar, ctx: PluginContext): void
}

/**
 * Whether the strategy may trade (Nautilus `TradingState`): `active` everything goes; `reducing` only
 * reduce-only orders (a circuit breaker cooling down); `halted` only reduce-only orders and the
 * emergency stop's own flattening (the Emergency Stop System tripped).
 */
export type TradingState = 'active' | 'reducing' | 'halted'

/**
 * A change of a risk component's state (the emergency stop tripping or being reset, a circuit breaker
 * opening or closing), with why and when. Reports and `summary.json` list these.
 */
export interface RiskStateEvent {
  readonly type: 'risk-state'
  /** When it changed (epoch ms, the clock's time). */
  readonly time: number
  /** The component, e.g. `ess` or `breaker:consecutive-losses`. */
  readonly source: string
  /** The component's new state, e.g. `TRIPPED`, `ARMED`, `DISARMED`, `OPEN`, `CLOSED`. */
  readonly state: string
  /** The trading state that results from all components. */
  readonly tradingState: TradingState
  /** Why, e.g. `daily drawdown 5.3% >= limit 5%`. */
  readonly reason: string
  /** The trigger that caused it, e.g. `daily-drawdown`, `manual`, `reset`. */
  readonly trigger?: string
  /** The measured value that tripped it (e.g. the daily drawdown 0.0635), when the trigger measures one. */
  readonly value?: number
  /** The limit that value was checked against (e.g. 0.05); `value - limit` is the overshoot. */
  readonly limit?: number
}

/**
 * A venue stream failed and is being reconnected: a dropped socket, or a silent stream the health
 * supervisor resubscribed. Many within minutes are a reconnect storm (the notifier alerts on it).
 */
export interface ReconnectEvent {
  readonly type: 'reconnect'
  /** Which stream, e.g. `market` (klines) or `user` (orders and fills). */
  readonly stream: string
  /** When (epoch ms, the clock's time). */
  readonly time: number
  /** What failed, e.g. the socket error's message or `resubscribe: last bar 95 s ago`. */
  readonly reason: string
}

/**
 * A live position has had no working reduce-only stop for longer than the run's grace period (a stop
 * rejected, cancelled by hand, or lost in a reconnect). Raised once per episode; the operator (or a
 * policy) must act.
 */
export interface UnprotectedEvent {
  readonly type: 'unprotected'
  readonly symbol: string
  /** Since when the position has had no stop (epoch ms). */
  readonly since: number
  /** When the grace period ran out (epoch ms). */
  readonly time: number
  /** Position size (base asset) and side at that time. */
  readonly quantity: number
  readonly side: 'LONG' | 'SHORT'
}

/**
 * The kernel's protection ladder for a position on a venue without a working reduce-only stop (a stop
 * rejected, "no ATR yet", an orphan adopted at restart, a stop cancelled by hand): `stop` the engine
 * places one itself (attempt 1 at once, then on a short schedule), `close` the stop could not be placed
 * and the position is closed at market (reduce-only), `halt` the close failed too (the emergency stop
 * trips on it and entries halt; the close is retried), `restored` a stop works again or the position is flat.
 */
export interface ProtectionEvent {
  readonly type: 'protection'
  readonly symbol: string
  /**
   * `stop`, `close`, `halt`: the ladder's steps; `restored`: the position is covered again; `retired`:
   * the engine's own stop is cancelled because the exit policy's stop now covers the position.
   */
  readonly step: 'stop' | 'close' | 'halt' | 'restored' | 'retired'
  /** Attempt number within the step (1-based). */
  readonly attempt: number
  /** Why, e.g. `stop refused: Order would immediately trigger`. */
  readonly reason: string
  /** When (epoch ms, the clock's time). */
  readonly time: number
}

/** Replace one working order by another without ever leaving the position unprotected. */
export interface OrderReplacement {
  /** Id of the working order to replace. */
  readonly cancel: string
  /** The new order: placed first; the old one is cancelled only once the new one is accepted. */
  readonly with: OrderRequest
}

/**
 * What an exit policy asks the engine to do, applied in this order: `close` (first; when it is refused
 * nothing else is applied), `cancelAll`, `cancel`, `replace` (place new, then cancel old; a rejected new
 * order leaves the old one working and is an `order-rejected` event), `place`, then `intents` (through
 * the risk guards, like any entry).
 */
export interface ExitActions {
  /**
   * A reduce-only market order closing the position, placed before anything else; the other actions
   * run only once it is accepted, so a refused close cancels nothing. Leave the stops working (do not
   * cancel them alongside): they go once the position is flat. The emergency stop flattens this way.
   */
  readonly close?: OrderRequest
  /** Orders to place (usually reduce-only stops and targets). */
  readonly place?: readonly OrderRequest[]
  /** Ids of working orders to cancel. */
  readonly cancel?: readonly string[]
  /** Cancel every working order of the symbol first. @default false */
  readonly cancelAll?: boolean
  /** Orders to swap for new ones, never leaving a gap (amend a stop, move it to break-even, trail it). */
  readonly replace?: readonly OrderReplacement[]
  /** Orders that add risk (e.g. profit-amplification adds): checked by the risk guards before sending. */
  readonly intents?: readonly OrderIntent[]
}

/**
 * Position + market -> exit orders and updates. `onFill` hooks of all exit policies run sequentially;
 * `onBar` hooks are all called on every bar, and the **first** policy that returns actions is the only
 * one whose actions are applied for that symbol and bar (first-exit-wins).
 */
export interface ExitPolicyPlugin extends PluginBase {
  readonly kind: 'exit'
  /** After every fill of the symbol; `position` is the position after the fill (may be FLAT). */
  onFill?(fill: Fill, position: Position, ctx: PluginContext): ExitActions | undefined
  /**
   * After the exchange has processed each bar (fills, triggers, mark at the close) and before the
   * agents see it; called for every bar of every symbol, flat or not, so policies can keep their
   * indicators current. Read the position with `ctx.account.getPosition(bar.symbol)` when needed.
   */
  onBar?(bar: MarketBar, ctx: PluginContext): ExitActions | undefined
  /**
   * Optional sub-bar hook, called right after the risk guards' `onSubBar` for every detail candle
   * (backtests) or mark-price update (live); the first policy returning actions acts, through the
   * protective lane, so a market close fills at the next detail candle's open. For protection only
   * (the emergency stop's flattening), not for exit logic that needs strategy bars.
   */
  onSubBar?(bar: MarketBar, ctx: PluginContext): ExitActions | undefined
  /**
   * The policy's state of `symbol`'s open position (plan legs, stop, trailing anchor, PAL adds, PIL class),
   * stored by a run with a state store so that a restart re-attaches it; `undefined` when it has none.
   */
  exitState?(symbol: string, ctx: PluginContext): ExitStateInput | undefined
  /** Puts a stored state back after a restart (after the warm-up, before the first live bar). */
  restoreExitState?(state: ExitState, ctx: PluginContext): void
}

/** Sees every engine event (reporting, metrics, persistence). Runs after the event happened. */
export interface ObserverPlugin extends PluginBase {
  readonly kind: 'observer'
  /** Called synchronously for every event; keep it cheap. */
  onEvent(event: EngineEvent, ctx: PluginContext): void
}

/**
 * How orders reach a venue (AELM): wraps the exchange port the kernel's serial queue sends to, so it may
 * check the book, post maker-first, slice or fall back. Applied where orders go through the queue sink
 * (venues, and a paper exchange run with `sink: 'queue'`); the backtest's direct sink is not wrapped.
 * It must pass reduce-only and triggered orders (stops, targets) through at once: the protection
 * invariant does not wait for execution tactics. The last registered execution plugin is the outermost.
 */
export interface ExecutionPlugin extends PluginBase {
  readonly kind: 'execution'
  /** Returns the port the kernel sends to; called once when the kernel is wired. System hook. */
  wrap(exchange: ExchangePort, env: ExecutionEnv): ExchangePort
}

/**
 * What an execution plugin's `wrap` gets: the run's bus (for `execution` events), clock and logger, and
 * the run journal's intent step when the run is journaled.
 */
export interface ExecutionEnv {
  readonly bus: EventBus
  readonly clock: Clock
  readonly logger: Logger
  /**
   * Present on a journaled run (a state store): every order the plugin makes itself (a slice, a
   * maker-first limit, a taker fallback) must go out through it, so it is journaled before it is sent.
   * The orders it passes through were journaled already. @default none (a run without a store)
   */
  readonly journal?: ExecutionJournal
}

/** The run journal as an execution plugin sees it (see {@link ExecutionEnv.journal}). */
export interface ExecutionJournal {
  /**
   * Journals `request` as an intent (durably; its `clientOrderId` must be set, derived from the parent
   * order's so a restart recognises it as the run's own), sends it through `port`, journals the answer.
   * @throws {InvalidOrder} for an entry once the run is stopping or its store is full (nothing is sent).
   */
  place(port: ExchangePort, request: OrderRequest & { readonly clientOrderId: string }): Promise<Order>
}

/** Any plugin. */
export type QuantumPlugin =
  AgentPlugin | DecisionPlugin | SizerPlugin | RiskGuardPlugin | ExitPolicyPlugin | ObserverPlugin | ExecutionPlugin

/**
 * What a module may ask of the strategy through the AI-HFOS coordinator (`@quantum/risk`'s `hfos`):
 * `halt` no entries, `reduce-exposure` entries scaled by `value` (a fraction), `no-new-longs` /
 * `no-new-shorts`, `mute-agent` (`agent`), `cap-leverage` (`value`, x), `rebalance` (a profit directive).
 */
export type DirectiveKind =
  'halt' | 'reduce-exposure' | 'no-new-longs' | 'no-new-shorts' | 'mute-agent' | 'cap-leverage' | 'rebalance'

/** One directive of one module: its kind, who issued it and why. */
export interface Directive {
  readonly kind: DirectiveKind
  /** The issuing module, e.g. `ess`, `supervisor`, `pba`, `regime`. */
  readonly source: string
  /** Why, e.g. `daily drawdown 5.03% reached the limit 5%`. */
  readonly reason: string
  /** When it was issued (epoch ms). */
  readonly time: number
  /** The symbol it is about. @default every symbol */
  readonly symbol?: string
  /** The agent a `mute-agent` directive is about. */
  readonly agent?: string
  /** `cap-leverage`: the leverage cap; `reduce-exposure`: the fraction entries are scaled to. */
  readonly value?: number
}

/** A module issues (`active: true`) or withdraws (`false`) a directive; the coordinator listens on the bus. */
export interface DirectiveEvent {
  readonly type: 'directive'
  readonly directive: Directive
  readonly active: boolean
}

/**
 * The coordinator resolved directives that conflict on one subject (an intent, or a directive against
 * the ones in force): the winner by the declared precedence and the overruled ones. In `observe` mode
 * the decision is reported only.
 */
export interface ArbitrationEvent {
  readonly type: 'arbitration'
  readonly time: number
  readonly mode: 'enforce' | 'observe'
  /** What was decided, e.g. `BUY BTCUSDT entry` or `directive rebalance from pba`. */
  readonly subject: string
  readonly winner: Directive
  readonly overruled: readonly Directive[]
  /** The outcome, e.g. `denied`, `leverage capped to 5x`, `would deny (observe)`. */
  readonly outcome: string
}

/**
 * The Orchestrator Policy switched the risk policy in force (`@quantum/risk`'s `orchestratorPolicy`):
 * from which preset to which, the rule that decided (`default` when no rule holds any more) and the
 * measured values the rule was judged on. Audited: in the run's notable events, the report and the dashboard.
 */
export interface PolicySwitchEvent {
  readonly type: 'policy-switch'
  readonly time: number
  /** The policy in force before, e.g. `PERMISSIVE`. */
  readonly from: string
  /** The policy in force from now on, e.g. `FLOOR`. */
  readonly to: string
  /** The rule that holds (its name), or `default` when none does. */
  readonly rule: string
  /** Why, e.g. `volatility 0.0312 >= 0.02`. */
  readonly reason: string
  /** Every metric the rules read, at the switch (numbers, or the regime's name). */
  readonly metrics: Readonly<Record<string, number | string>>
}

/**
 * A step of the execution manager (AELM) on one entry: the book checked, a maker order posted or
 * filled, the taker fallback, a slice sent, or a fallback because the book is stale or missing.
 */
export interface ExecutionEvent {
  readonly type: 'execution'
  readonly time: number
  readonly symbol: string
  /** The plugin, e.g. `core:aelm`. */
  readonly plugin: string
  /** What happened. */
  readonly step:
    'book-checked' | 'maker-posted' | 'maker-filled' | 'taker-fallback' | 'sliced' | 'slice' | 'book-stale' | 'failed'
  /** Why / details, e.g. `spread 12.5 bps > 5 bps: maker first`. */
  readonly reason: string
  /** The entry's client order id (the parent; slices carry `-s<k>`). */
  readonly clientOrderId?: string
  /** The price the decision was taken at (the book's mid, else the last price). */
  readonly decisionPrice?: number
  /** The book's spread at the check (basis points of the mid). */
  readonly spreadBps?: number
}

/** Everything the engine reports, as a tagged union (`type`). */
export type EngineEvent =
  | { readonly type: 'signal'; readonly signal: Signal }
  | { readonly type: 'decision'; readonly decision: Decision }
  | { readonly type: 'intent'; readonly intent: OrderIntent }
  | {
      readonly type: 'risk'
      readonly plugin: string
      readonly verdict: Exclude<RiskVerdict, { action: 'approve' }>
      readonly intent: OrderIntent
    }
  | { readonly type: 'order-rejected'; readonly request: OrderRequest; readonly error: Error }
  | { readonly type: 'cancel-rejected'; readonly symbol: string; readonly orderId: string; readonly error: Error }
  | { readonly type: 'plugin-error'; readonly plugin: string; readonly hook: string; readonly error: Error }
  | {
      /** A plugin the kernel stopped calling (failures in a row, a hook over its time budget, a supervisor). */
      readonly type: 'plugin-isolated'
      readonly plugin: string
      readonly hook: string
      readonly reason: string
    }
  | { readonly type: 'progress'; readonly barsDone: number; readonly barsTotal: number; readonly time: number }
  | UnprotectedEvent
  | ProtectionEvent
  | ReconnectEvent
  | RiskStateEvent
  | DirectiveEvent
  | ArbitrationEvent
  | PolicySwitchEvent
  | ExecutionEvent
  | ExchangeEvent
