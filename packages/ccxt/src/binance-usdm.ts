import { inspect } from 'node:util'
import { InvalidOrder, RateLimitExceeded } from '@quantum/core'
import type { BookTicker, ExchangeEvent, ExchangePort, Instrument, Order, OrderRequest } from '@quantum/core'
import { Subject, type Observable } from 'rxjs'
import { isCcxtError, loadCcxt } from './load-ccxt.js'
import type { UsdmClient, UsdmParams } from './client.js'
import { mapCcxtError } from './errors.js'
import { heldSecrets } from './redact.js'
import { LiveAccount } from './live-account.js'
import { BookTickerReplySchema } from './market-data.js'
import { listedMarkets } from './markets.js'
import { requireOneWayMode } from './position-mode.js'
import { fromCcxtOrder, isConditional, toCcxtOrder } from './orders.js'
import { clientIds, prepareOrder } from './prepare.js'
import { fromCcxtBalance, fromCcxtPosition, fromCcxtTrade } from './replies.js'
import { placeIdempotent, withRetry, type RetryPolicy } from './retry.js'
import { UsedWeight, type WeightLane } from './weight.js'

/** Options of {@link BinanceUsdmExchange.connect}. */
export interface BinanceUsdmOptions {
  /** The ccxt client (see `createUsdmClient`). */
  readonly client: UsdmClient
  /** Symbols this run trades (Binance ids, e.g. `BTCUSDT`); each must be a listed market. */
  readonly symbols: readonly string[]
  /** Leverage assumed before the venue reports one. @default 1 */
  readonly leverage?: number
  /** Retry and backoff of REST calls. @default 5 attempts from 250 ms */
  readonly retry?: RetryPolicy
  /** Clock (epoch ms). @default Date.now */
  readonly now?: () => number
  /**
   * What an entry (an order that is not reduce-only) does when the request-weight budget is above 80 %:
   * `refuse` fails at once with a `RateLimitExceeded` (nothing is sent; the strategy decides again on a
   * later bar), so the symbol's command lane stays free for stops; `wait` holds it until the next minute.
   * Protective calls (reduce-only orders, cancels) never wait below the venue's full budget.
   * @default 'refuse'
   */
  readonly overBudget?: 'refuse' | 'wait'
}

/** Whether an order protects or closes a position (never held for the weight budget): reduce-only. */
function isProtective(request: OrderRequest): boolean {
  return request.reduceOnly === true
}

/**
 * What reconciliation does with what the venue has and this run did not place: `adopt` takes it over
 * (the venue is the authority; an adopted position without a stop raises the live engine's
 * `unprotected` alert), `cancel` cancels orphan orders, `close` flattens orphan positions with a
 * reduce-only market order. @default { orders: 'adopt', positions: 'adopt' }
 */
export interface OrphanPolicy {
  readonly orders?: 'adopt' | 'cancel'
  readonly positions?: 'adopt' | 'close'
}

/** What {@link BinanceUsdmExchange.reconcile} found and did. */
export interface Reconciliation extends SnapshotDiff {
  /** Executions of this run's orders the stream had missed, now applied. */
  readonly recoveredFills: number
  /** Working orders this run did not place. */
  readonly orphanOrders: readonly Order[]
  /** Positions this run did not open (signed quantity). */
  readonly orphanPositions: readonly { readonly symbol: string; readonly quantity: number }[]
  /** What the orphan policy did, one line each. */
  readonly actions: readonly string[]
}

/** What a snapshot changed in the local state (the reconciliation report's raw material). */
export interface SnapshotDiff {
  /** Orders the venue has that the local state did not (placed elsewhere, or lost replies). */
  readonly unknownOrders: readonly Order[]
  /** Orders the local state had that the venue no longer lists (filled or cancelled unseen). */
  readonly vanishedOrders: readonly Order[]
  /** Symbols whose position size or side differed. */
  readonly positionChanges: readonly { symbol: string; local: number; venue: number }[]
}

/** Trade ids remembered to drop duplicates from the stream (replays after a reconnect). */
const SEEN_TRADES = 10_000

const signedQty = (p: { side: string; quantity: number }): number => (p.side === 'SHORT' ? -p.quantity : p.quantity)

/**
 * The exchange port on Binance USD-M futures through ccxt: orders checked and rounded by the SDK before
 * they are sent, placed idempotently (client order ids; a timeout is resolved by looking the order up
 * before sending again), conditional orders through the algo service, ccxt errors mapped to the SDK's
 * typed errors, the account kept locally from REST snapshots and the user-data stream.
 * @example
 * const client = await createUsdmClient({ mode: 'testnet', credentials: credentialsFromEnv('testnet') })
 * const exchange = await BinanceUsdmExchange.connect({ client, symbols: ['BTCUSDT'] })
 */
export class BinanceUsdmExchange implements ExchangePort {
  readonly id = 'binanceusdm'
  readonly account: LiveAccount
  private readonly subject = new Subject<ExchangeEvent>()
  readonly events$: Observable<ExchangeEvent> = this.subject.asObservable()
  private readonly instruments: ReadonlyMap<string, Instrument>
  private readonly unified: ReadonlyMap<string, string>
  private readonly ids: { next: () => string }
  private readonly weight = new UsedWeight()
  private readonly seenTrades = new Set<string>()
  private readonly tags = new Map<string, string>()
  /** Client order id of each order id seen (REST trades carry only the order id). */
  private readonly clientIdOf = new Map<string, string>()
  /** Symbols whose position a resumed run held before its restart (not orphans at the first reconciliation). */
  private readonly ownPositions = new Set<string>()
  /** Order ids looked up and found not to be this run's (their executions are orphans). */
  private readonly foreignOrders = new Set<string>()
  private streaming = false
  /** The retry policy of every call: the options' one, plus a server-time resync after a -1021. */
  private readonly retry: RetryPolicy
  private reconciled = false

  private constructor(
    private readonly options: BinanceUsdmOptions,
    markets: { instruments: ReadonlyMap<string, Instrument>; unified: ReadonlyMap<string, string> },
  ) {
    this.account = new LiveAccount(options.leverage ?? 1)
    this.retry = {
      ...options.retry,
      beforeRetry: async (error) => {
        await options.retry?.beforeRetry?.(error)
        if (isCcxtError(error, 'InvalidNonce')) await options.client.loadTimeDifference?.()
      },
    }
    this.instruments = markets.instruments
    this.unified = markets.unified
    this.ids = clientIds(this.now())
  }

  /**
   * Loads the markets (exchangeInfo only), checks the configured symbols and the account's position mode
   * (the SDK trades in one-way mode), and takes a first snapshot of balance, positions and working orders
   * (regular and conditional).
   * @throws {ConfigError} for symbols the venue does not list, or an account in hedge mode.
   */
  static async connect(options: BinanceUsdmOptions): Promise<BinanceUsdmExchange> {
    // The adapter tells ccxt's errors apart; a client (even a fake one) may not have loaded ccxt yet.
    await loadCcxt()
    const markets = await listedMarkets(options.client, options.symbols, options.retry)
    await requireOneWayMode(options.client, options.retry ?? {})
    const exchange = new BinanceUsdmExchange(options, markets)
    await exchange.sync()
    return exchange
  }

  private now(): number {
    return (this.options.now ?? Date.now)()
  }

  private unifiedOf(symbol: string): string {
    const u = this.unified.get(symbol)
    if (u === undefined) throw new InvalidOrder(`${symbol} is not a symbol of this run`, symbol, 'symbol')
    return u
  }

  private get secrets(): readonly string[] {
    return heldSecrets(this.options.client)
  }

  /** Waits out (or, for an entry with `overBudget: 'refuse'`, refuses) the weight budget of a call of `lane`. */
  private async budget(lane: WeightLane, what: { method: string; symbol?: string; entry?: boolean }): Promise<void> {
    const wait = this.weight.delay(this.now(), lane)
    if (wait <= 0) return
    if (what.entry === true && (this.options.overBudget ?? 'refuse') === 'refuse') {
      throw new RateLimitExceeded(
        `${what.method} ${what.symbol ?? ''}: request-weight budget above its threshold; entry dropped (nothing sent), next minute in ${wait} ms`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, wait))
  }

  private call<T>(method: string, symbol: string | undefined, run: () => Promise<T>): Promise<T> {
    return this.invoke({ method, symbol, lane: 'normal' }, run)
  }

  /** A call that protects or closes (cancels): never held for the weight budget below the venue's limit. */
  private protectiveCall<T>(method: string, symbol: string, run: () => Promise<T>): Promise<T> {
    return this.invoke({ method, symbol, lane: 'protective' }, run)
  }

  private async invoke<T>(
    what: { method: string; symbol: string | undefined; lane: WeightLane; entry?: boolean },
    run: () => Promise<T>,
  ): Promise<T> {
    const { method, symbol } = what
    await this.budget(what.lane, {
      method,
      ...(symbol === undefined ? {} : { symbol }),
      ...(what.entry === true ? { entry: true } : {}),
    })
    try {
      return await withRetry(run, this.retry)
    } catch (error) {
      throw mapCcxtError(error, { method, ...(symbol === undefined ? {} : { symbol }), secrets: this.secrets })
    } finally {
      this.weight.observe(this.options.client.last_response_headers, this.now())
    }
  }

  /**
   * The best bid and ask of `symbol` (`GET /fapi/v1/ticker/bookTicker`), stamped with the time it was
   * received: AELM's book source. `undefined` when the client has no such call (a test double).
   * @throws the SDK's typed exchange errors when the request fails after its retries.
   */
  async bookTicker(symbol: string): Promise<BookTicker | undefined> {
    const client = this.options.client
    if (client.fapiPublicGetTickerBookTicker === undefined) return undefined
    const raw = await this.invoke({ method: 'bookTicker', symbol, lane: 'normal' }, () =>
      client.fapiPublicGetTickerBookTicker!({ symbol }),
    )
    const t = BookTickerReplySchema.parse(raw)
    return {
      symbol: t.symbol,
      bidPrice: t.bidPrice,
      bidQty: t.bidQty,
      askPrice: t.askPrice,
      askQty: t.askQty,
      receivedAt: this.now(),
    }
  }

  /** The run's symbols: Binance id → ccxt unified symbol (what `klineFeed` takes). */
  unifiedSymbols(): ReadonlyMap<string, string> {
    return this.unified
  }

  instrument(symbol: string): Instrument {
    const i = this.instruments.get(symbol)
    if (i === undefined) throw new InvalidOrder(`${symbol} is not a symbol of this run`, symbol, 'symbol')
    return i
  }

  async placeOrder(request: OrderRequest): Promise<Order> {
    const symbol = (request as { symbol?: unknown }).symbol
    const instrument = this.instrument(typeof symbol === 'string' ? symbol : '')
    const prepared = prepareOrder({
      request,
      instrument,
      lastPrice: this.account.getLastPrice(instrument.symbol),
      nextClientId: this.ids.next,
    })
    const args = toCcxtOrder(prepared, this.unifiedOf(prepared.symbol))
    const conditional = isConditional(prepared.type)
    const client = this.options.client
    const protective = isProtective(prepared)
    await this.budget(protective ? 'protective' : 'normal', {
      method: 'placeOrder',
      symbol: prepared.symbol,
      entry: !protective,
    })
    if (prepared.tag !== undefined) this.tags.set(prepared.clientOrderId, prepared.tag)
    let raw: unknown
    try {
      raw = await placeIdempotent(
        {
          send: () => client.createOrder(args.symbol, args.type, args.side, args.amount, args.price, args.params),
          lookup: async () => {
            try {
              return await client.fetchOrder(undefined, args.symbol, {
                clientOrderId: prepared.clientOrderId,
                ...(conditional ? { trigger: true } : {}),
              })
            } catch (error) {
              if (isCcxtError(error, 'OrderNotFound')) return undefined
              throw error
            }
          },
        },
        this.retry,
      )
    } catch (error) {
      this.tags.delete(prepared.clientOrderId)
      throw mapCcxtError(error, { method: 'placeOrder', symbol: prepared.symbol, secrets: this.secrets })
    } finally {
      this.weight.observe(client.last_response_headers, this.now())
    }
    const order = this.account.upsertOrder(
      fromCcxtOrder(raw, { now: this.now(), ...(prepared.tag === undefined ? {} : { tag: prepared.tag }) }),
    )
    this.clientIdOf.set(order.id, order.clientOrderId)
    this.subject.next({ type: 'order', order })
    return order
  }

  /**
   * Cancels a working order (through the algo service for stops and targets). An order the venue no
   * longer has working (it filled, expired or was cancelled before the request arrived, Binance -2011)
   * is looked up and returned in its final state instead of failing; one it never had is an `InvalidOrder`.
   */
  async cancelOrder(symbol: string, orderId: string): Promise<Order> {
    const known = this.account.order(orderId)
    // An order we no longer track (it left the local book) may be either kind: try both services.
    const kinds = known === undefined ? [false, true] : [isConditional(known.type)]
    let order: Order | undefined
    try {
      for (const [k, trigger] of kinds.entries()) {
        try {
          const raw = await this.protectiveCall('cancelOrder', symbol, () =>
            this.options.client.cancelOrder(orderId, this.unifiedOf(symbol), trigger ? { trigger: true } : {}),
          )
          order = this.orderFromReply(raw, known)
          break
        } catch (error) {
          const notFound = error instanceof InvalidOrder && isCcxtError(error.cause, 'OrderNotFound')
          if (!notFound || k === kinds.length - 1) throw error
        }
      }
      if (order === undefined) throw new InvalidOrder(`${symbol}: order ${orderId} not found`, symbol)
    } catch (error) {
      const final =
        error instanceof InvalidOrder && isCcxtError(error.cause, 'OrderNotFound')
          ? await this.finalState(symbol, orderId, known)
          : undefined
      if (final === undefined) throw error
      order = final
    }
    this.account.upsertOrder(order)
    this.subject.next({ type: 'order', order })
    return order
  }

  /** The order's state at the venue when it is no longer working, else `undefined`. */
  private async finalState(symbol: string, orderId: string, known: Order | undefined): Promise<Order | undefined> {
    const kinds = known === undefined ? [false, true] : [isConditional(known.type)]
    for (const trigger of kinds) {
      try {
        const raw = await this.protectiveCall('fetchOrder', symbol, () =>
          this.options.client.fetchOrder(orderId, this.unifiedOf(symbol), trigger ? { trigger: true } : {}),
        )
        const order = fromCcxtOrder(raw, { now: this.now(), ...(known?.tag === undefined ? {} : { tag: known.tag }) })
        return order.status === 'NEW' || order.status === 'PARTIALLY_FILLED' ? undefined : order
      } catch {
        // not this kind (or not found at all): try the next
      }
    }
    return undefined
  }

  async cancelAllOrders(symbol: string): Promise<Order[]> {
    const working = this.account.getOpenOrders(symbol)
    const unified = this.unifiedOf(symbol)
    const cancelAll = (params: UsdmParams) => (): Promise<unknown> =>
      this.options.client.cancelAllOrders(unified, params)
    await this.protectiveCall('cancelAllOrders', symbol, cancelAll({}))
    await this.protectiveCall('cancelAllOrders', symbol, cancelAll({ trigger: true }))
    const now = this.now()
    return working.map((o) => {
      const order: Order = { ...o, status: 'CANCELED', updatedAt: now }
      this.account.upsertOrder(order)
      this.subject.next({ type: 'order', order })
      return order
    })
  }

  /**
   * Sets a symbol's leverage. It is the first step of an entry, so above the weight threshold it is
   * refused like the entry (`overBudget: 'refuse'`) instead of holding the symbol's lane for a minute.
   */
  async setLeverage(symbol: string, leverage: number): Promise<void> {
    await this.invoke({ method: 'setLeverage', symbol, lane: 'normal', entry: true }, () =>
      this.options.client.setLeverage(leverage, this.unifiedOf(symbol)),
    )
    this.account.setLeverage(symbol, leverage)
  }

  /** An order from a cancel reply; algo cancels answer `{algoId, code, msg}` only, so the known order is kept. */
  private orderFromReply(raw: unknown, known: Order | undefined): Order {
    try {
      return fromCcxtOrder(raw, { now: this.now(), ...(known?.tag === undefined ? {} : { tag: known.tag }) })
    } catch (error) {
      if (known === undefined) throw error
      return { ...known, status: 'CANCELED', updatedAt: this.now() }
    }
  }

  /**
   * Takes a REST snapshot (balance, positions, regular and conditional working orders of every symbol)
   * and makes it the local state; returns what differed (reconciliation).
   */
  async sync(): Promise<SnapshotDiff> {
    const client = this.options.client
    const symbols = [...this.instruments.keys()]
    const balance = await this.call('fetchBalance', undefined, () => client.fetchBalance())
    this.account.setBalance(fromCcxtBalance(balance))
    const rawPositions = await this.call('fetchPositions', undefined, () =>
      client.fetchPositions(symbols.map((s) => this.unifiedOf(s))),
    )
    const positionChanges: { symbol: string; local: number; venue: number }[] = []
    const now = this.now()
    const seen = new Set<string>()
    for (const raw of rawPositions) {
      const venue = fromCcxtPosition(raw, { leverage: this.options.leverage ?? 1, now })
      if (!this.instruments.has(venue.symbol)) continue
      seen.add(venue.symbol)
      const local = signedQty(this.account.getPosition(venue.symbol))
      if (local !== signedQty(venue)) positionChanges.push({ symbol: venue.symbol, local, venue: signedQty(venue) })
      this.account.setPosition({ ...venue, leverage: this.account.leverageOf(venue.symbol) })
    }
    for (const symbol of symbols) {
      const local = signedQty(this.account.getPosition(symbol))
      if (!seen.has(symbol) && local !== 0) {
        positionChanges.push({ symbol, local, venue: 0 })
        this.account.setPosition({ ...this.account.getPosition(symbol), side: 'FLAT', quantity: 0, entryPrice: 0 })
      }
    }
    const venueOrders: Order[] = []
    for (const symbol of symbols) {
      const unified = this.unifiedOf(symbol)
      for (const trigger of [false, true]) {
        const list = await this.call('fetchOpenOrders', symbol, () =>
          client.fetchOpenOrders(unified, undefined, undefined, trigger ? { trigger: true } : {}),
        )
        for (const raw of list) {
          const order = fromCcxtOrder(raw, { now })
          const tag = this.tags.get(order.clientOrderId)
          venueOrders.push(tag === undefined ? order : { ...order, tag })
        }
      }
    }
    const localIds = new Set(this.account.getOpenOrders().map((o) => o.id))
    const venueIds = new Set(venueOrders.map((o) => o.id))
    const diff: SnapshotDiff = {
      unknownOrders: venueOrders.filter((o) => !localIds.has(o.id)),
      vanishedOrders: this.account.getOpenOrders().filter((o) => !venueIds.has(o.id)),
      positionChanges,
    }
    this.account.replaceOrders(symbols, venueOrders)
    return diff
  }

  /**
   * Starts the user-data stream (orders, fills, positions through the listenKey, kept alive by ccxt):
   * order updates and fills become `order` and `fill` events, positions follow every fill and are
   * corrected by the venue's updates. Returns at once; errors end a loop after a `plugin-error`-like
   * log through `onError`, and `close()` stops them.
   */
  startUserStream(onError: (error: unknown) => void = () => undefined): void {
    if (this.streaming) return
    this.streaming = true
    const client = this.options.client
    const loop = async (watch: () => Promise<unknown[]>, handle: (raw: unknown) => void): Promise<void> => {
      while (this.streaming) {
        try {
          for (const raw of await watch()) {
            try {
              handle(raw)
            } catch (error) {
              onError(mapCcxtError(error, { method: 'userStream', secrets: this.secrets }))
            }
          }
        } catch (error) {
          if (!this.streaming) return
          onError(mapCcxtError(error, { method: 'userStream', secrets: this.secrets }))
          await new Promise((resolve) => setTimeout(resolve, 1000))
        }
      }
    }
    void loop(
      () => client.watchMyTrades(),
      (raw) => this.onTrade(raw),
    )
    void loop(
      () => client.watchOrders(),
      (raw) => this.onOrder(raw),
    )
    void loop(
      () => client.watchPositions(),
      (raw) => {
        const p = fromCcxtPosition(raw, { leverage: 1, now: this.now() })
        if (this.instruments.has(p.symbol))
          this.account.setPosition({ ...p, leverage: this.account.leverageOf(p.symbol) })
      },
    )
  }

  /**
   * Fetches the account's executions since `since` (`userTrades`, per symbol) and feeds the ones of this
   * run's orders that the stream did not deliver (a dropped socket, a reconnect) as fills, in time order;
   * returns how many were recovered. Executions of orders placed elsewhere are left to reconciliation.
   */
  async recoverFills(since: number): Promise<number> {
    let recovered = 0
    for (const symbol of this.instruments.keys()) {
      const raw = await this.call('fetchMyTrades', symbol, () =>
        this.options.client.fetchMyTrades(this.unifiedOf(symbol), since, 1000),
      )
      const trades = raw.map((r) => ({ r, fill: fromCcxtTrade(r) })).sort((a, b) => a.fill.time - b.fill.time)
      for (const { r, fill } of trades) {
        if (this.seenTrades.has(fill.id)) continue
        // Executions of orders this run never placed are orphans: reconciliation reports the position
        // they left (and the orphan policy decides), they are not this strategy's fills.
        if (!(await this.ownOrder(symbol, fill.orderId))) {
          this.seenTrades.add(fill.id)
          continue
        }
        this.onTrade(r)
        recovered++
      }
    }
    return recovered
  }

  /**
   * Whether the order `orderId` is this run's. An order id it has not seen is looked up once: a stop or
   * target placed through the algo service gets a new order id when it triggers, with the algo order's
   * client id, and a run that was down meanwhile (a crash, a restart) knows only the algo id. Its
   * execution is this run's fill when that client id is one of the run's own; other orders are foreign
   * and remembered as such.
   */
  private async ownOrder(symbol: string, orderId: string): Promise<boolean> {
    if (this.clientIdOf.has(orderId)) return true
    if (this.foreignOrders.has(orderId) || this.clientIdOf.size === 0) return false
    const raw = await this.call('fetchOrder', symbol, () =>
      this.options.client.fetchOrder(orderId, this.unifiedOf(symbol)),
    )
    const clientOrderId = fromCcxtOrder(raw, { now: this.now() }).clientOrderId
    if (clientOrderId !== '' && new Set(this.clientIdOf.values()).has(clientOrderId)) {
      this.clientIdOf.set(orderId, clientOrderId)
      return true
    }
    this.foreignOrders.add(orderId)
    return false
  }

  /**
   * Reconciliation: recovers executions the stream missed (`recoverFills`), then takes a REST snapshot
   * that becomes the local state (`sync`) — the venue is the authority on positions, balance and working
   * orders. Run it at start, after a stream error, and periodically.
   */
  async reconcile(since: number, policy: OrphanPolicy = {}): Promise<Reconciliation> {
    const first = !this.reconciled
    this.reconciled = true
    const recoveredFills = await this.recoverFills(since)
    const diff = await this.sync()
    // Orphans: working orders this run did not place, and positions it did not open (at the first
    // reconciliation every open position; later, any the venue holds where this run held none).
    const orphanOrders = this.account.getOpenOrders().filter((o) => !this.clientIdOf.has(o.id))
    const orphanPositions = first
      ? this.account
          .getPositions()
          .filter((p) => !this.ownPositions.has(p.symbol))
          .map((p) => ({ symbol: p.symbol, quantity: signedQty(p) }))
      : diff.positionChanges
          .filter((c) => c.local === 0 && c.venue !== 0)
          .map((c) => ({ symbol: c.symbol, quantity: c.venue }))
    const actions: string[] = []
    if (policy.orders === 'cancel') {
      for (const order of orphanOrders) {
        await this.cancelOrder(order.symbol, order.id)
        actions.push(`cancelled orphan order ${order.id} (${order.clientOrderId}) on ${order.symbol}`)
      }
    }
    if (policy.positions === 'close') {
      for (const orphan of orphanPositions) {
        await this.placeOrder({
          symbol: orphan.symbol,
          side: orphan.quantity > 0 ? 'SELL' : 'BUY',
          type: 'MARKET',
          quantity: Math.abs(orphan.quantity),
          reduceOnly: true,
          tag: 'orphan-close',
        })
        actions.push(`closed orphan position ${orphan.quantity} on ${orphan.symbol}`)
      }
    }
    return { ...diff, recoveredFills, orphanOrders, orphanPositions, actions }
  }

  /**
   * A resumed run's own orders, fills and positions (from its journal), told to the adapter before the
   * first reconciliation: orders are recognised as this run's (with their tags, so exit policies find
   * their stops and targets), fills already stored are not applied again, positions are not orphans.
   */
  recognise(own: {
    readonly orders?: readonly { readonly orderId: string; readonly clientOrderId: string; readonly tag?: string }[]
    readonly fillIds?: readonly string[]
    readonly positions?: readonly string[]
  }): void {
    for (const o of own.orders ?? []) {
      this.clientIdOf.set(o.orderId, o.clientOrderId)
      if (o.tag !== undefined) this.tags.set(o.clientOrderId, o.tag)
    }
    for (const id of own.fillIds ?? []) this.seenTrades.add(id)
    for (const symbol of own.positions ?? []) this.ownPositions.add(symbol)
  }

  /**
   * Looks an order up by its client order id (regular orders, then conditional ones): how a resumed run
   * learns the fate of an intent it journaled but got no answer for. `undefined` when the venue never
   * had it.
   */
  async lookupOrder(symbol: string, clientOrderId: string): Promise<Order | undefined> {
    const unified = this.unifiedOf(symbol)
    for (const trigger of [false, true]) {
      try {
        const raw = await this.call('fetchOrder', symbol, () =>
          this.options.client.fetchOrder(undefined, unified, { clientOrderId, ...(trigger ? { trigger: true } : {}) }),
        )
        const tag = this.tags.get(clientOrderId)
        const order = fromCcxtOrder(raw, { now: this.now(), ...(tag === undefined ? {} : { tag }) })
        this.clientIdOf.set(order.id, clientOrderId)
        return order
      } catch (error) {
        if (!(error instanceof InvalidOrder) || !isCcxtError(error.cause, 'OrderNotFound')) throw error
      }
    }
    return undefined
  }

  /** Handles one order update from the stream. */
  onOrder(raw: unknown): void {
    const base = fromCcxtOrder(raw, { now: this.now() })
    if (!this.instruments.has(base.symbol)) return
    if (base.clientOrderId !== '') this.clientIdOf.set(base.id, base.clientOrderId)
    const tag = this.tags.get(base.clientOrderId)
    const order = this.account.upsertOrder(tag === undefined ? base : { ...base, tag })
    this.subject.next({ type: 'order', order })
  }

  /** Handles one execution from the stream (each trade id once). */
  onTrade(raw: unknown): void {
    const parsed = fromCcxtTrade(raw)
    const clientOrderId =
      parsed.clientOrderId === '' ? (this.clientIdOf.get(parsed.orderId) ?? '') : parsed.clientOrderId
    const probe = { ...parsed, clientOrderId }
    if (!this.instruments.has(probe.symbol) || this.seenTrades.has(probe.id)) return
    this.seenTrades.add(probe.id)
    if (this.seenTrades.size > SEEN_TRADES) {
      const oldest = this.seenTrades.values().next().value
      if (oldest !== undefined) this.seenTrades.delete(oldest)
    }
    const tag = this.tags.get(probe.clientOrderId)
    const fill = tag === undefined ? probe : { ...probe, tag }
    const position = this.account.applyFill(fill)
    this.subject.next({ type: 'fill', fill, position })
  }

  /** How the adapter shows in `util.inspect` / `console.log`: its symbols, never the client's credentials. */
  [inspect.custom](): string {
    return `BinanceUsdmExchange(${[...this.instruments.keys()].join(', ')}; credentials hidden)`
  }

  /** How the adapter shows in `JSON.stringify` (a context or an event that holds it): no credentials. */
  toJSON(): { exchange: string; symbols: string[] } {
    return { exchange: 'binanceusdm', symbols: [...this.instruments.keys()] }
  }

  /** Stops the streams and closes the client's connections. */
  async close(): Promise<void> {
    this.streaming = false
    await this.options.client.close()
    this.subject.complete()
  }
}
