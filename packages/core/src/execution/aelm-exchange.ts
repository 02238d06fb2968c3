/**
 * The execution manager's port (AELM): entries (non-reduce-only market orders) are checked against the
 * top of the book, posted maker-first with a timeout and a taker fallback, or sliced (TWAP, iceberg);
 * everything else passes through at once. Fills of its orders carry the decision price.
 * @packageDocumentation
 */
import { map, type Observable } from 'rxjs'
import type { Instrument, Order, OrderRequest } from '../schemas.js'
import type { ExchangeEvent, ExchangePort, ExecutionEnv, ExecutionEvent } from '../types.js'
import type { BookTicker, BookTickerSource } from './book-ticker.js'

/** The tactics AELM applies (the plugin's resolved options). */
export interface AelmTactics {
  readonly maxSpreadBps: number
  readonly staleMs: number
  readonly makerFirst: false | { readonly timeoutMs: number }
  readonly slicing:
    | false
    | {
        readonly mode: 'twap' | 'iceberg'
        readonly aboveNotional: number
        readonly maxSlices: number
        readonly intervalMs: number
        readonly maxBookShare: number
      }
}

/** Collaborators of {@link AelmExchange}. */
export interface AelmDeps extends ExecutionEnv {
  readonly book: BookTickerSource | undefined
  readonly plugin: string
  /** Waits `ms` (tests inject a fast one). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>
}

const isEntry = (r: OrderRequest): boolean => r.type === 'MARKET' && r.reduceOnly !== true
const EPS = 1e-12

/** Quantity rounded down to the instrument's step. */
function floorStep(qty: number, i: Instrument): number {
  return Math.floor(qty / i.stepSize + 1e-9) * i.stepSize
}

/** The execution manager as an {@link ExchangePort} decorator (see the module's summary). */
export class AelmExchange implements ExchangePort {
  readonly events$: Observable<ExchangeEvent>
  private readonly decision = new Map<string, number>()
  private readonly filled = new Map<string, number>()
  /** Symbols whose background tactics must stop (a reduce-only market close came in: the ESS, a time stop). */
  /** Slices and maker fallbacks still running (awaited by {@link drain}). */
  private readonly background = new Set<Promise<void>>()
  private readonly aborted = new Set<string>()
  private seq = 0

  constructor(
    private readonly inner: ExchangePort,
    private readonly tactics: AelmTactics,
    private readonly deps: AelmDeps,
  ) {
    this.events$ = inner.events$.pipe(map((e) => this.annotate(e)))
  }

  get id(): string {
    return this.inner.id
  }

  get account(): ExchangePort['account'] {
    return this.inner.account
  }

  instrument(symbol: string): Instrument {
    return this.inner.instrument(symbol)
  }

  placeOrder(request: OrderRequest): Promise<Order> {
    if (!isEntry(request)) {
      // Protection first: stops, targets, closes go out at once, and a close stops the symbol's tactics.
      if (request.reduceOnly === true && request.type === 'MARKET') this.aborted.add(request.symbol)
      return this.inner.placeOrder(request)
    }
    this.aborted.delete(request.symbol)
    return this.execute(request)
  }

  cancelOrder(symbol: string, orderId: string): Promise<Order> {
    return this.inner.cancelOrder(symbol, orderId)
  }

  cancelAllOrders(symbol: string): Promise<Order[]> {
    // Not an abort: exits cancel all to re-bracket after each fill. A reduce-only close is (placeOrder).
    return this.inner.cancelAllOrders(symbol)
  }

  setLeverage(symbol: string, leverage: number): Promise<void> {
    return this.inner.setLeverage(symbol, leverage)
  }

  private annotate(e: ExchangeEvent): ExchangeEvent {
    if (e.type !== 'fill') return e
    const price = this.decision.get(e.fill.clientOrderId)
    if (price === undefined) return e
    this.filled.set(e.fill.clientOrderId, (this.filled.get(e.fill.clientOrderId) ?? 0) + e.fill.quantity)
    return { ...e, fill: { ...e.fill, decisionPrice: price } }
  }

  private emit(e: Omit<ExecutionEvent, 'type' | 'time' | 'plugin'>): void {
    this.deps.bus.emit({ type: 'execution', time: this.deps.clock.now(), plugin: this.deps.plugin, ...e })
  }

  private sleep(ms: number): Promise<void> {
    return this.deps.sleep?.(ms) ?? new Promise((resolve) => setTimeout(resolve, ms))
  }

  private async readBook(symbol: string): Promise<BookTicker | string> {
    if (this.deps.book === undefined) return 'no book ticker source'
    try {
      const book = await this.deps.book.bookTicker(symbol)
      if (book === undefined || !(book.bidPrice > 0) || !(book.askPrice >= book.bidPrice)) return 'no usable book'
      const age = this.deps.clock.now() - book.receivedAt
      return age > this.tactics.staleMs ? `book ticker ${age} ms old (limit ${this.tactics.staleMs} ms)` : book
    } catch (error) {
      return `book ticker failed: ${error instanceof Error ? error.message : String(error)}`
    }
  }

  /**
   * A child order of an entry: its own client id derived from the parent's (`<parent>-a<n>`, so a
   * restart recognises it as the run's own), its decision price remembered for its fills.
   */
  private child(
    parent: OrderRequest,
    part: Partial<OrderRequest>,
    decisionPrice: number,
  ): OrderRequest & { clientOrderId: string } {
    const clientOrderId = childClientId(parent.clientOrderId, ++this.seq)
    this.decision.set(clientOrderId, decisionPrice)
    const { quoteQuantity: _q, ...rest } = parent
    return { ...rest, ...part, clientOrderId }
  }

  /** Sends a child order: journaled first as its own intent on a journaled run. */
  private send(order: OrderRequest & { clientOrderId: string }): Promise<Order> {
    const journal = this.deps.journal
    return journal === undefined ? this.inner.placeOrder(order) : journal.place(this.inner, order)
  }

  private async execute(request: OrderRequest): Promise<Order> {
    const { symbol } = request
    const book = await this.readBook(symbol)
    if (typeof book === 'string') {
      // Fall back to the order as it came (what the run did without AELM), and say so.
      this.emit({ symbol, step: 'book-stale', reason: `${book}: plain market order`, ...idOf(request) })
      return this.inner.placeOrder(request)
    }
    const mid = (book.bidPrice + book.askPrice) / 2
    const spreadBps = ((book.askPrice - book.bidPrice) / mid) * 10_000
    const instrument = this.inner.instrument(symbol)
    const quantity = request.quantity ?? floorStep((request.quoteQuantity ?? 0) / mid, instrument)
    const notional = quantity * mid
    const top = (request.side === 'BUY' ? book.askQty : book.bidQty) * mid
    const base = { ...idOf(request), decisionPrice: mid, spreadBps }
    this.emit({
      symbol,
      step: 'book-checked',
      reason: `spread ${spreadBps.toFixed(2)} bps, ${notional.toFixed(2)} USDT against ${top.toFixed(2)} on the touch`,
      ...base,
    })
    const slices = Math.min(
      this.sliceCount(notional, top),
      Math.max(1, Math.floor(notional / (instrument.minNotional * 1.05))),
    )
    if (slices > 1 && this.tactics.slicing !== false) {
      const mode = this.tactics.slicing.mode
      this.emit({ symbol, step: 'sliced', reason: `${mode}: ${slices} slices of ${notional.toFixed(2)} USDT`, ...base })
      const sizes = splitQuantity(quantity, slices, instrument)
      const first = await this.one(request, { quantity: sizes[0]!, mid, book, mode })
      this.track(
        this.rest(request, { sizes: sizes.slice(1), mode }).catch((error: unknown) => this.failed(symbol, error)),
      )
      return first
    }
    return this.one(request, { quantity, mid, book, mode: spreadBps > this.tactics.maxSpreadBps ? 'maker' : 'plain' })
  }

  private sliceCount(notional: number, touch: number): number {
    const s = this.tactics.slicing
    if (s === false) return 1
    const bySize = notional > s.aboveNotional ? Math.ceil(notional / s.aboveNotional) : 1
    const byBook = touch > 0 && notional > touch * s.maxBookShare ? Math.ceil(notional / (touch * s.maxBookShare)) : 1
    return Math.min(s.maxSlices, Math.max(bySize, byBook))
  }

  /** Sends one order (an entry or a slice): maker-first when asked or when the spread is wide, else at market. */
  private async one(
    parent: OrderRequest,
    o: { quantity: number; mid: number; book: BookTicker; mode: 'twap' | 'iceberg' | 'maker' | 'plain' },
  ): Promise<Order> {
    const maker = this.tactics.makerFirst !== false && o.mode !== 'twap' ? this.tactics.makerFirst : undefined
    const wide = o.mode === 'maker'
    if (maker === undefined && !wide) return this.send(this.child(parent, { quantity: o.quantity }, o.mid))
    const timeoutMs = maker?.timeoutMs ?? 2000
    const price = parent.side === 'BUY' ? o.book.bidPrice : o.book.askPrice
    const limit = this.child(parent, { type: 'LIMIT', price, quantity: o.quantity, timeInForce: 'GTX' }, o.mid)
    const order = await this.send(limit)
    const id = limit.clientOrderId
    this.emit({
      symbol: parent.symbol,
      step: 'maker-posted',
      reason: `LIMIT ${price} for ${timeoutMs} ms`,
      clientOrderId: id,
    })
    const done = this.settleMaker(parent, { order, id, quantity: o.quantity, mid: o.mid, timeoutMs })
    if (o.mode === 'iceberg') await done
    else this.track(done.catch((error: unknown) => this.failed(parent.symbol, error)))
    return order
  }

  /** After the maker order's timeout: the rest is cancelled and sent at market (the taker fallback). */
  private async settleMaker(
    parent: OrderRequest,
    m: { order: Order; id: string; quantity: number; mid: number; timeoutMs: number },
  ): Promise<void> {
    await this.sleep(m.timeoutMs)
    const symbol = parent.symbol
    if ((this.filled.get(m.id) ?? 0) >= m.quantity - EPS) {
      this.emit({ symbol, step: 'maker-filled', reason: `filled as maker`, clientOrderId: m.id })
      return
    }
    await this.inner.cancelOrder(symbol, m.order.id).catch(() => undefined)
    const rest = floorStep(m.quantity - (this.filled.get(m.id) ?? 0), this.inner.instrument(symbol))
    if (rest <= EPS || this.aborted.has(symbol)) return
    this.emit({
      symbol,
      step: 'taker-fallback',
      reason: `${rest} unfilled after ${m.timeoutMs} ms: market`,
      clientOrderId: m.id,
    })
    await this.send(this.child(parent, { quantity: rest }, m.mid))
  }

  /** The slices after the first: TWAP every `intervalMs` at market; iceberg one maker slice after another. */
  private async rest(parent: OrderRequest, o: { sizes: readonly number[]; mode: 'twap' | 'iceberg' }): Promise<void> {
    const s = this.tactics.slicing
    if (s === false) return
    for (const [k, quantity] of o.sizes.entries()) {
      // No wait at all for a zero interval (not even a timer tick): the slices follow one another at once.
      if (o.mode === 'twap' && s.intervalMs > 0) await this.sleep(s.intervalMs)
      if (this.aborted.has(parent.symbol)) return
      const book = await this.readBook(parent.symbol)
      if (typeof book === 'string') {
        this.emit({ symbol: parent.symbol, step: 'book-stale', reason: `${book}: slice ${k + 2} at market` })
        await this.send(this.child(parent, { quantity }, this.account.getLastPrice(parent.symbol)))
        continue
      }
      const mid = (book.bidPrice + book.askPrice) / 2
      this.emit({
        symbol: parent.symbol,
        step: 'slice',
        reason: `slice ${k + 2} of ${o.sizes.length + 1}: ${quantity}`,
      })
      await this.one(parent, { quantity, mid, book, mode: o.mode })
    }
  }

  /** Resolves once the background tactics started so far (later slices, maker fallbacks) have finished. */
  async drain(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background])
  }

  private track(task: Promise<void>): void {
    this.background.add(task)
    void task.finally(() => this.background.delete(task))
  }

  private failed(symbol: string, error: unknown): void {
    this.emit({ symbol, step: 'failed', reason: error instanceof Error ? error.message : String(error) })
  }
}

/**
 * The client id of child `n` of an order: `<parent>-a<n>` (the parent's id cut so the whole fits the
 * venue's 36 characters). Without a parent id (a run without a journal) `aelm-a<n>`.
 */
export function childClientId(parent: string | undefined, n: number): string {
  const suffix = `-a${n}`
  return `${(parent ?? 'aelm').slice(0, 36 - suffix.length)}${suffix}`
}

const idOf = (r: OrderRequest): { clientOrderId?: string } =>
  r.clientOrderId === undefined ? {} : { clientOrderId: r.clientOrderId }

/** `quantity` in `n` step-rounded parts; the remainder goes to the first so the total is exact. */
export function splitQuantity(quantity: number, n: number, instrument: Instrument): number[] {
  const part = floorStep(quantity / n, instrument)
  if (part < instrument.minQty) return [quantity]
  const parts = Array.from({ length: n }, () => part)
  parts[0] = Math.round((quantity - part * (n - 1)) / instrument.stepSize) * instrument.stepSize
  return parts
}
