/**
 * The best bid and ask of a symbol (Binance's `bookTicker`), where AELM reads them from: a venue's REST
 * answer, a stream kept in a cache, or a paper book built from the last price and a spread.
 * @packageDocumentation
 */
import type { AccountView } from '../types.js'

/** The top of the book of one symbol. */
export interface BookTicker {
  readonly symbol: string
  readonly bidPrice: number
  readonly bidQty: number
  readonly askPrice: number
  readonly askQty: number
  /** When this side of the book was received here (epoch ms of the run's clock): staleness is judged on it. */
  readonly receivedAt: number
}

/** Where the top of the book comes from; `undefined` when the source has none for the symbol. */
export interface BookTickerSource {
  bookTicker(symbol: string): Promise<BookTicker | undefined>
}

/**
 * The latest book ticker per symbol, fed by a stream (`update` on every message): a stream that stops
 * updating leaves an old `receivedAt`, which AELM treats as stale.
 * @example const cache = new BookTickerCache(); cache.update({ symbol: 'BTCUSDT', bidPrice: 1, ... })
 */
export class BookTickerCache implements BookTickerSource {
  private readonly latest = new Map<string, BookTicker>()

  /** Keeps `ticker` as the symbol's latest. */
  update(ticker: BookTicker): void {
    this.latest.set(ticker.symbol, ticker)
  }

  /** The latest ticker of `symbol`, or `undefined` before the first update. */
  bookTicker(symbol: string): Promise<BookTicker | undefined> {
    return Promise.resolve(this.latest.get(symbol))
  }
}

/**
 * A book for the paper exchange: bid and ask `spreadBps` apart around the last price, `depthNotional`
 * USDT on each side (the paper exchange's slippage model prices what the book does not show).
 * @example paperBookTicker(exchange.account, { spreadBps: 2, depthNotional: 250_000, now: () => clock.now() })
 */
export function paperBookTicker(
  account: Pick<AccountView, 'getLastPrice'>,
  opts: { spreadBps: number; depthNotional: number; now: () => number },
): BookTickerSource {
  return {
    bookTicker: (symbol) => {
      const last = account.getLastPrice(symbol)
      if (!(last > 0)) return Promise.resolve(undefined)
      const half = (last * opts.spreadBps) / 20_000
      const qty = opts.depthNotional / last
      return Promise.resolve({
        symbol,
        bidPrice: last - half,
        bidQty: qty,
        askPrice: last + half,
        askQty: qty,
        receivedAt: opts.now(),
      })
    },
  }
}
