/**
 * Test helper: an in-memory stand-in for `ccxt.pro.binanceusdm` that answers with objects parsed by
 * the real ccxt from Binance-shaped replies, records every call and can fail the next call of a method
 * (optionally after performing it, like a reply lost on the way back). Test-only (not exported).
 * @packageDocumentation
 */
import ccxt from 'ccxt'
import type { UsdmClient, UsdmMarket, UsdmParams } from './client.js'
import { offlineUsdm } from './test-markets.js'

type Method = 'createOrder' | 'cancelOrder' | 'cancelAllOrders' | 'fetchOrder' | 'fetchOpenOrders' | 'fetchBalance'

interface Planned {
  readonly error: Error
  /** Perform the call first, then fail (the venue acted, the reply was lost). */
  readonly after: boolean
}

/** A recorded call. */
export interface Call {
  readonly method: string
  readonly args: readonly unknown[]
}

export class FakeUsdm implements UsdmClient {
  readonly parser: ReturnType<typeof offlineUsdm> = offlineUsdm()
  readonly calls: Call[] = []
  /** Raw Binance orders by id (regular and algo). */
  readonly orders = new Map<string, Record<string, unknown>>()
  balance = { totalWalletBalance: '1000', availableBalance: '1000', totalMarginBalance: '1000' }
  positions: Record<string, unknown>[] = []
  /** The account's position mode as `fetchPositionMode` reports it. */
  hedged = false
  last_response_headers: Record<string, unknown> | undefined = { 'X-Mbx-Used-Weight-1m': '10' }
  private nextId = 100
  private readonly planned = new Map<string, Planned[]>()

  /** Makes the next call of `method` throw `error` (after performing it when `after`). */
  failNext(method: Method, error: Error, after = false): void {
    const list = this.planned.get(method) ?? []
    list.push({ error, after })
    this.planned.set(method, list)
  }

  private async run<T>(method: Method, args: readonly unknown[], act: () => T): Promise<T> {
    this.calls.push({ method, args })
    await Promise.resolve()
    const plan = this.planned.get(method)?.shift()
    if (plan !== undefined && !plan.after) throw plan.error
    const result = act()
    if (plan !== undefined) throw plan.error
    return result
  }

  async loadMarkets(): Promise<Readonly<Record<string, UsdmMarket>>> {
    await Promise.resolve()
    return this.parser.markets as unknown as Record<string, UsdmMarket>
  }

  private parse(raw: Record<string, unknown>): unknown {
    const market = this.parser.market(this.parser.safeSymbol(String(raw['symbol']), undefined, undefined, 'swap'))
    return this.parser.parseOrder(raw, market)
  }

  // eslint-disable-next-line max-params -- mirrors ccxt's createOrder signature
  createOrder(symbol: string, type: string, side: string, amount: number, price?: number, params: UsdmParams = {}) {
    return this.run('createOrder', [symbol, type, side, amount, price, params], () => {
      const id = String(this.nextId++)
      const market = this.parser.market(symbol)
      const algo = type === 'STOP_MARKET' || type === 'TAKE_PROFIT_MARKET'
      const common = {
        symbol: market.id,
        side: side.toUpperCase(),
        reduceOnly: params['reduceOnly'] === true,
        positionSide: 'BOTH',
      }
      const raw: Record<string, unknown> = algo
        ? {
            ...common,
            algoId: Number(id),
            clientAlgoId: params['clientOrderId'],
            algoType: 'CONDITIONAL',
            orderType: type,
            quantity: String(amount),
            algoStatus: 'NEW',
            triggerPrice: String(params['triggerPrice']),
            price: '0',
            timeInForce: 'GTC',
            createTime: 1_700_000_000_000,
            updateTime: 1_700_000_000_000,
          }
        : {
            ...common,
            orderId: Number(id),
            clientOrderId: params['clientOrderId'],
            status: 'NEW',
            type: type.toUpperCase(),
            origType: type.toUpperCase(),
            origQty: String(amount),
            executedQty: '0',
            avgPrice: '0',
            price: String(price ?? 0),
            timeInForce: params['postOnly'] === true ? 'GTX' : String(params['timeInForce'] ?? 'GTC'),
            stopPrice: '0',
            updateTime: 1_700_000_000_000,
          }
      this.orders.set(id, raw)
      return this.parse(raw)
    })
  }

  cancelOrder(id: string, symbol: string, params: UsdmParams = {}) {
    return this.run('cancelOrder', [id, symbol, params], () => {
      const raw = this.orders.get(id)
      if (raw === undefined) throw new ccxt.OrderNotFound('binanceusdm {"code":-2011,"msg":"Unknown order sent."}')
      this.orders.delete(id)
      if (params['trigger'] === true) return { info: { algoId: id, code: '200', msg: 'success' } }
      return this.parse({ ...raw, status: 'CANCELED' })
    })
  }

  cancelAllOrders(symbol: string, params: UsdmParams = {}) {
    return this.run('cancelAllOrders', [symbol, params], () => {
      const id = this.parser.market(symbol).id
      for (const [k, raw] of this.orders) {
        const algo = raw['algoId'] !== undefined
        if (raw['symbol'] === id && algo === (params['trigger'] === true)) this.orders.delete(k)
      }
      return { code: 200, msg: 'done' }
    })
  }

  fetchOrder(id: string | undefined, symbol: string, params: UsdmParams = {}) {
    return this.run('fetchOrder', [id, symbol, params], () => {
      const wanted = params['clientOrderId']
      for (const raw of this.orders.values()) {
        if (
          (raw['clientOrderId'] ?? raw['clientAlgoId']) === wanted ||
          String(raw['orderId'] ?? raw['algoId']) === id
        ) {
          return this.parse(raw)
        }
      }
      throw new ccxt.OrderNotFound('binanceusdm {"code":-2011,"msg":"Unknown order sent."}')
    })
  }

  // eslint-disable-next-line max-params -- mirrors ccxt's fetchOpenOrders signature
  fetchOpenOrders(symbol: string, _since?: number, _limit?: number, params: UsdmParams = {}) {
    return this.run('fetchOpenOrders', [symbol, params], () => {
      const id = this.parser.market(symbol).id
      return [...this.orders.values()]
        .filter((raw) => raw['symbol'] === id && (raw['algoId'] !== undefined) === (params['trigger'] === true))
        .map((raw) => this.parse(raw))
    })
  }

  fetchBalance() {
    return this.run('fetchBalance', [], () => ({ info: { ...this.balance } }))
  }

  async fetchPositions(symbols?: string[]): Promise<unknown[]> {
    this.calls.push({ method: 'fetchPositions', args: [symbols] })
    await Promise.resolve()
    return this.positions.map((p) =>
      this.parser.parsePositionRisk(p, this.parser.market(this.parser.safeSymbol(String(p['symbol'])))),
    )
  }

  async fetchMyTrades(): Promise<unknown[]> {
    this.calls.push({ method: 'fetchMyTrades', args: [] })
    await Promise.resolve()
    return []
  }

  async setLeverage(leverage: number, symbol: string): Promise<unknown> {
    this.calls.push({ method: 'setLeverage', args: [leverage, symbol] })
    await Promise.resolve()
    return { leverage, symbol }
  }

  async fetchPositionMode(): Promise<unknown> {
    this.calls.push({ method: 'fetchPositionMode', args: [] })
    await Promise.resolve()
    return { info: { dualSidePosition: this.hedged }, hedged: this.hedged }
  }

  watchOrders(): Promise<unknown[]> {
    return new Promise(() => undefined)
  }

  watchMyTrades(): Promise<unknown[]> {
    return new Promise(() => undefined)
  }

  watchPositions(): Promise<unknown[]> {
    return new Promise(() => undefined)
  }

  watchOHLCV(): Promise<unknown[]> {
    return new Promise(() => undefined)
  }

  fetchOHLCV(): Promise<unknown[]> {
    return Promise.resolve([])
  }

  async close(): Promise<void> {
    await Promise.resolve()
  }

  /** Calls of one method. */
  callsOf(method: string): readonly Call[] {
    return this.calls.filter((c) => c.method === method)
  }
}
