/**
 * The run journal: what a running strategy writes to its {@link StateStore} as it happens, in one place
 * for every mode. It wraps the venue (every order intent is journaled, durably, **before** it is sent,
 * with a client order id and the decision that caused it) and observes the kernel (acks, fills,
 * positions, closed trades, equity points, risk state, each position's exit state). A backtest without
 * a store has no journal and pays nothing for it.
 * @packageDocumentation
 */
import { StateFullError } from '../../state/errors.js'
import type { ExitStateInput, IntentRecord, StoredTrade } from '../../state/schemas.js'
import type { StateStore } from '../../state/types.js'
import type { Decision, Fill, Order, OrderRequest, Position } from '../../schemas.js'
import type { EngineEvent, ExchangePort } from '../../types.js'
import { ExchangeError, InvalidOrder } from '../../errors.js'
import type { TradeTracker } from '../trade-tracker.js'

/** Options of {@link RunJournal}. */
export interface RunJournalOptions {
  readonly store: StateStore
  readonly runId: string
  /**
   * Prefix of the client order ids this run sends (`<prefix>-<n>`, at most 36 characters in all). Orders
   * and fills whose client id starts with it are this run's own after a restart, never orphans.
   */
  readonly clientIdPrefix: string
  /** First sequence number (a resumed run continues after its journaled intents). @default 1 */
  readonly nextSequence?: number
  /** Called once when the store reports a full disk: entries stop, protective orders go on. */
  readonly onFull?: (error: StateFullError) => void
  /** Called for a journaling failure other than a full disk (the run goes on). */
  readonly onError?: (error: unknown) => void
}

/** Equity points buffered before one write (a fill and `flush` write them at once). */
const EQUITY_BATCH = 60

/**
 * Journals a run into a {@link StateStore}. Writes other than intents are queued behind each other
 * (write-behind, in order); an intent waits for the queue and its own durable write before its order
 * is sent. After a full disk (`StateFullError`) the journal refuses new entries (`InvalidOrder`
 * before anything is sent) but lets reduce-only orders through, so stops stay and closes work.
 */
export class RunJournal {
  readonly store: StateStore
  readonly runId: string
  readonly clientIdPrefix: string
  private sequence: number
  private chain: Promise<void> = Promise.resolve()
  private readonly sending = new SendGate()
  private fullError: StateFullError | undefined
  private stopping = false
  /** The latest BUY/SELL decision per symbol: the cause of the next entry intent of that symbol. */
  private readonly decisions = new Map<string, Decision>()
  private readonly exitDocs = new Map<string, string>()
  private readonly learnedDocs = new Map<string, string>()
  private accountTicket = 0
  private tradesSeen = 0
  private equity: { time: number; equity: number }[] = []
  /** Journaling failures so far (other than the first full-disk error, reported through `onFull`). */
  errors = 0

  constructor(private readonly options: RunJournalOptions) {
    this.store = options.store
    this.runId = options.runId
    this.clientIdPrefix = options.clientIdPrefix
    this.sequence = options.nextSequence ?? 1
  }

  /** True once the store reported a full disk: no new positions are opened. */
  get full(): boolean {
    return this.fullError !== undefined
  }

  /** A graceful stop began: entries still queued are refused (never sent); reduce-only orders go on. */
  stopEntries(): void {
    this.stopping = true
  }

  /** The next client order id of this run. */
  nextClientId(): string {
    return `${this.clientIdPrefix}-${(this.sequence++).toString(36)}`.slice(0, 36)
  }

  /** Whether `clientOrderId` was sent by this run (this process or an earlier one of the same run). */
  owns(clientOrderId: string): boolean {
    return clientOrderId.startsWith(`${this.clientIdPrefix}-`)
  }

  /**
   * Queues a write behind the others; a failure is reported, never thrown into the engine. Writes wait
   * while an order is between its journaled intent and its send (see {@link RunJournal.wrap}), so that
   * they never run in between: an equity batch costs milliseconds.
   */
  write(task: () => Promise<unknown>): Promise<void> {
    const next = this.chain
      .then(() => this.sending.idle())
      .then(task)
      .then(
        () => undefined,
        (error: unknown) => this.fail(error),
      )
    this.chain = next
    return next
  }

  /** Resolves once every queued write is durable. */
  async flush(): Promise<void> {
    if (this.equity.length > 0) this.writeEquity()
    await this.chain
  }

  private fail(error: unknown): void {
    if (error instanceof StateFullError) {
      if (this.fullError === undefined) {
        this.fullError = error
        this.options.onFull?.(error)
        return
      }
    }
    this.errors++
    this.options.onError?.(error)
  }

  /**
   * Wraps a venue: `placeOrder` gives the request a client order id (when it has none), journals the
   * intent durably, then sends it and journals the venue's answer. A venue rejection is journaled as
   * `REJECTED`; an error that leaves the order's fate unknown leaves the intent pending (a restart looks
   * it up by its client id). Other calls pass through.
   */
  wrap(exchange: ExchangePort): ExchangePort {
    return {
      id: exchange.id,
      account: exchange.account,
      events$: exchange.events$,
      instrument: (symbol) => exchange.instrument(symbol),
      cancelOrder: (symbol, orderId) => exchange.cancelOrder(symbol, orderId),
      cancelAllOrders: (symbol) => exchange.cancelAllOrders(symbol),
      setLeverage: (symbol, leverage) => exchange.setLeverage(symbol, leverage),
      placeOrder: async (request: OrderRequest): Promise<Order> => {
        const { sent, order: placed } = await this.journalAndSend(exchange, request)
        const order = await placed
        if (order.clientOrderId !== sent.clientOrderId) {
          // An execution plugin sent it as child orders (slices, a maker limit), each journaled as its
          // own intent: the parent is answered, so a restart does not look it up as a lost order.
          void this.write(() =>
            this.store.recordAck({
              runId: this.runId,
              clientOrderId: sent.clientOrderId,
              status: 'NEW',
              reason: `sent as child orders (the first ${order.clientOrderId})`,
              time: Date.now(),
            }),
          )
        }
        return order
      },
    }
  }

  /**
   * An order an execution plugin makes itself (an AELM slice, a maker limit, a taker fallback): journaled
   * as its own intent before it is sent through `port`, then its answer (see `ExecutionEnv.journal`).
   * @throws {InvalidOrder} for an entry once the run is stopping or the store is full (nothing is sent).
   */
  async place(port: ExchangePort, request: OrderRequest & { readonly clientOrderId: string }): Promise<Order> {
    return (await this.journalAndSend(port, request)).order
  }

  /**
   * Journals the intent, then starts its send; the write-behind queue waits from the start until a turn
   * of the event loop after the send began (by then the request is on the wire unless the venue's own
   * queue holds it).
   */
  private async journalAndSend(
    port: ExchangePort,
    request: OrderRequest,
  ): Promise<{ sent: OrderRequest & { clientOrderId: string }; order: Promise<Order> }> {
    const release = this.sending.hold()
    try {
      const sent = await this.journalIntent(request)
      return { sent, order: this.send(port, sent) }
    } finally {
      release()
    }
  }

  /** Sends a journaled intent and journals the answer (a venue rejection as `REJECTED`). */
  private async send(exchange: ExchangePort, sent: OrderRequest & { clientOrderId: string }): Promise<Order> {
    let order: Order
    try {
      order = await exchange.placeOrder(sent)
    } catch (error) {
      if (error instanceof ExchangeError) {
        const reason = error instanceof Error ? error.message.slice(0, 500) : String(error)
        void this.write(() =>
          this.store.recordAck({
            runId: this.runId,
            clientOrderId: sent.clientOrderId,
            status: 'REJECTED',
            reason,
            time: Date.now(),
          }),
        )
      }
      throw error
    }
    this.ack(order)
    return order
  }

  /**
   * Journals an intent before it is sent; resolves with the request as it must be sent (with its client
   * order id). After a full disk an entry is refused here, before anything is sent, and a reduce-only
   * order is sent unjournaled (protection first).
   * @throws {InvalidOrder} for an entry once the disk is full.
   */
  async journalIntent(request: OrderRequest): Promise<OrderRequest & { clientOrderId: string }> {
    const clientOrderId = request.clientOrderId ?? this.nextClientId()
    const sent = request.clientOrderId === undefined ? { ...request, clientOrderId } : { ...request, clientOrderId }
    const protective = request.reduceOnly === true
    if (this.stopping && !protective) {
      throw new InvalidOrder(`${request.symbol}: not opening positions, the run is stopping`, request.symbol)
    }
    if (this.fullError !== undefined) {
      if (protective) return sent
      throw new InvalidOrder(
        `${request.symbol}: not opening positions, the state store is full (${this.fullError.message})`,
        request.symbol,
      )
    }
    const decision = protective ? undefined : this.decisions.get(request.symbol)
    const record: IntentRecord = {
      runId: this.runId,
      clientOrderId,
      request: stripIntent(sent),
      ...(decision === undefined ? {} : { decision }),
      ...(request.tag === undefined ? {} : { reason: request.tag }),
      time: Date.now(),
    }
    // The intent does not wait for the write-behind queue (acks, fills, equity of earlier orders): the
    // store runs it after the write in flight, so an entry waits for at most one other write. What
    // belongs to this intent (its ack) is queued after it is durable.
    let failure: unknown
    await this.store.journalIntent(record).catch((error: unknown) => {
      failure = error
    })
    if (failure !== undefined) {
      this.fail(failure)
      if (!protective)
        throw failure instanceof Error ? failure : new Error('journaling the intent failed', { cause: failure })
    }
    return sent
  }

  /** Journals the venue's answer to an order (write-behind). */
  ack(order: Order): void {
    if (order.clientOrderId === '') return
    void this.write(() =>
      this.store.recordAck({
        runId: this.runId,
        clientOrderId: order.clientOrderId,
        orderId: order.id,
        status: order.status,
        time: order.updatedAt,
      }),
    )
  }

  /** Observes an engine event: decisions (the cause of entries), order updates, risk state. */
  onEvent(event: EngineEvent): void {
    if (event.type === 'decision') {
      if (event.decision.action !== 'HOLD') this.decisions.set(event.decision.symbol, event.decision)
    } else if (event.type === 'order') {
      if (event.order.status !== 'NEW' && this.owns(event.order.clientOrderId)) this.ack(event.order)
    } else if (event.type === 'risk-state') {
      const { source, state, tradingState, reason, time } = event
      void this.write(() =>
        this.store.saveRiskState(this.runId, { source, state, tradingState, reason, time, data: {} }),
      )
    }
  }

  /** Journals a fill, the position after it and any trade it closed. */
  onFill(fill: Fill, position: Position, tracker: TradeTracker): void {
    const runId = this.runId
    if (this.equity.length > 0) this.writeEquity()
    void this.write(() => this.store.recordFill({ ...fill, runId }))
    void this.write(() => this.store.savePosition({ ...position, runId, updatedAt: fill.time }))
    for (; this.tradesSeen < tracker.tradeCount; this.tradesSeen++) {
      const trade: StoredTrade = { ...tracker.tradeAt(this.tradesSeen) }
      void this.write(() => this.store.recordTrade(runId, trade))
    }
  }

  /** Trades already in the store (a resumed run starts counting after them). */
  skipTrades(count: number): void {
    this.tradesSeen = count
  }

  /** An equity point at a bar's close. */
  onEquity(time: number, equity: number): void {
    const last = this.equity.at(-1)
    if (last !== undefined && last.time === time) last.equity = equity
    else this.equity.push({ time, equity })
    if (this.equity.length >= EQUITY_BATCH) this.writeEquity()
  }

  private writeEquity(): void {
    const points = this.equity
    this.equity = []
    void this.write(() => this.store.recordEquity(this.runId, points))
  }

  /**
   * Stores the paper exchange's account (a paper run: what a restart continues from) as the blob
   * {@link PAPER_ACCOUNT_BLOB}. Writes are coalesced: of the snapshots queued behind the same writes,
   * only the newest is written, after everything journaled before it.
   */
  onPaperAccount(account: unknown, time: number): void {
    const ticket = ++this.accountTicket
    const data = new TextEncoder().encode(JSON.stringify(account))
    void this.write(async () => {
      if (ticket !== this.accountTicket) return
      await this.store.saveBlob({
        account: this.runId,
        name: PAPER_ACCOUNT_BLOB,
        data,
        runId: this.runId,
        savedAt: time,
        keep: PAPER_ACCOUNT_VERSIONS,
      })
    })
  }

  /**
   * Stores what a sizer has learnt when it changed (compared as JSON), as a new version of the blob
   * {@link learnedBlobName} under this run's id (versions are kept: the learning history).
   */
  onLearnedState(plugin: string, state: unknown, time: number): void {
    const doc = JSON.stringify(state)
    if (doc === undefined || this.learnedDocs.get(plugin) === doc) return
    this.learnedDocs.set(plugin, doc)
    const data = new TextEncoder().encode(doc)
    void this.write(() =>
      this.store.saveBlob({
        account: this.runId,
        name: learnedBlobName(plugin),
        data,
        runId: this.runId,
        savedAt: time,
      }),
    )
  }

  /**
   * Stores the exit state of a symbol when it changed (`undefined`: the position is flat, its state is
   * dropped). Compared as JSON, so an unchanged state costs no write.
   */
  onExitState(symbol: string, state: ExitStateInput | undefined, time: number): void {
    if (state === undefined) {
      if (!this.exitDocs.has(symbol)) return
      this.exitDocs.delete(symbol)
      void this.write(() => this.store.deleteExitState(this.runId, symbol))
      return
    }
    const doc = JSON.stringify(state)
    if (this.exitDocs.get(symbol) === doc) return
    this.exitDocs.set(symbol, doc)
    void this.write(() => this.store.saveExitState(this.runId, state, time))
  }
}

/** The blob a paper run's account is stored as (under the run id as its account). */
export const PAPER_ACCOUNT_BLOB = 'paper-account'

/** Versions of the paper account snapshot kept (it is saved after every order, fill and funding event). */
export const PAPER_ACCOUNT_VERSIONS = 8

/**
 * A paper run's stored account (the latest version), or `undefined`.
 * @throws {SyntaxError} when the stored blob is not JSON.
 */
export async function loadPaperAccount(store: StateStore, runId: string): Promise<unknown> {
  const blob = await store.loadBlob(runId, PAPER_ACCOUNT_BLOB)
  return blob === undefined ? undefined : (JSON.parse(new TextDecoder().decode(blob.data)) as unknown)
}

/** The blob a sizer's learnt state is stored as (under the run id as its account). */
export function learnedBlobName(plugin: string): string {
  return `learned:${plugin}`
}

/**
 * A run's stored learnt state of `plugin` (the latest version), or `undefined`.
 * @throws {SyntaxError} when the stored blob is not JSON.
 */
export async function loadLearnedState(store: StateStore, runId: string, plugin: string): Promise<unknown> {
  const blob = await store.loadBlob(runId, learnedBlobName(plugin))
  return blob === undefined ? undefined : (JSON.parse(new TextDecoder().decode(blob.data)) as unknown)
}

/** The request part of an intent (without the engine's `reason` and `leverage`). */
function stripIntent(request: OrderRequest): OrderRequest {
  const { reason: _r, leverage: _l, ...rest } = request as OrderRequest & { reason?: unknown; leverage?: unknown }
  return rest
}

/** Counts the orders between their journaled intent and their send; write-behind work waits for none. */
class SendGate {
  private held = 0
  private waiting: (() => void)[] = []

  /** One more order on its way; the returned release lets go of it a turn of the event loop later. */
  hold(): () => void {
    this.held++
    let released = false
    return () => {
      if (released) return
      released = true
      setImmediate(() => {
        if (--this.held > 0) return
        const waiting = this.waiting
        this.waiting = []
        for (const resolve of waiting) resolve()
      })
    }
  }

  /** Resolves at once when no order is on its way, else once the last one has been sent. */
  idle(): Promise<void> | undefined {
    if (this.held === 0) return undefined
    return new Promise((resolve) => this.waiting.push(resolve))
  }
}
