/**
 * The mark-price stream of Binance USD-M (`<symbol>@markPrice@1s` through ccxt pro) as the live
 * driver's `marks`: sub-bar protection (the emergency stop's open-loss checks) between strategy bars.
 * @packageDocumentation
 */
import type { MarkUpdate } from '@quantum/core'
import { Observable } from 'rxjs'
import { z } from 'zod'
import type { UsdmClient } from './client.js'

const MarkReplySchema = z.object({
  markPrice: z.number().positive(),
  timestamp: z.number().optional(),
})

/** Input of {@link markPriceFeed}. */
export interface MarkPriceFeedInput {
  readonly client: Pick<UsdmClient, 'watchMarkPrice'>
  /** Binance id → ccxt unified symbol, for every symbol to stream. */
  readonly symbols: ReadonlyMap<string, string>
  /** Called on a stream error before the loop retries (after `retryMs`). */
  readonly onError?: (error: unknown) => void
  /** Pause before retrying a failed watch. @default 1000 */
  readonly retryMs?: number
}

/**
 * One loop per symbol over ccxt's `watchMarkPrice`, emitting each update (Binance id, price, event
 * time); a failed watch is reported and retried; unsubscribing ends the loops.
 * @example startLive({ ..., marks: markPriceFeed({ client, symbols: exchange.unifiedSymbols() }) })
 */
export function markPriceFeed(input: MarkPriceFeedInput): Observable<MarkUpdate> {
  return new Observable<MarkUpdate>((subscriber) => {
    let live = true
    const watch = input.client.watchMarkPrice
    if (watch === undefined) {
      subscriber.error(new Error('the client has no watchMarkPrice (ccxt pro binanceusdm has)'))
      return
    }
    for (const [id, unified] of input.symbols) {
      void (async () => {
        while (live) {
          try {
            const raw = MarkReplySchema.parse(await watch.call(input.client, unified))
            if (live) subscriber.next({ symbol: id, price: raw.markPrice, time: raw.timestamp ?? Date.now() })
          } catch (error) {
            if (!live) return
            input.onError?.(error)
            await new Promise((resolve) => setTimeout(resolve, input.retryMs ?? 1000))
          }
        }
      })()
    }
    return () => {
      live = false
    }
  })
}
