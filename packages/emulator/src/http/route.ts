/**
 * The shape of one REST endpoint of the emulator and what its handler sees.
 * @packageDocumentation
 * @internal
 */
import type { Params } from '../engine/order-rules.js'
import type { ExecutionPlan, Venue } from '../engine/venue.js'
import type { ResolvedEmulatorOptions } from '../options.js'
import type { ListenKeys } from '../ws/listen-keys.js'

/** Binance's endpoint security types used here. */
export type Security = 'NONE' | 'USER_STREAM' | 'SIGNED'

/** What a handler sees. */
export interface RequestContext {
  readonly method: string
  readonly path: string
  /** Query and form-body parameters, decoded. */
  readonly params: Params
  /** Server time (emulator clock plus any clock skew), epoch ms. */
  readonly now: number
  /** The API key of the request (USER_STREAM and SIGNED endpoints). */
  readonly apiKey: string | undefined
  readonly venue: Venue
  readonly listenKeys: ListenKeys
  readonly options: ResolvedEmulatorOptions
  /** How a new order executes (delayed / partial fill faults consumed for this order). */
  readonly executionPlan: () => ExecutionPlan
}

/** One endpoint. */
export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  readonly path: string
  readonly security: Security
  /** Request weight (Binance's, per the endpoint docs), from the parameters. */
  readonly weight: (params: Params) => number
  /** True for order placement (counted in `X-MBX-ORDER-COUNT-1M`). */
  readonly order?: boolean
  /** Returns the JSON body, or throws a {@link BinanceApiError}. */
  readonly handle: (ctx: RequestContext) => unknown
}

/** A constant weight. */
export const w = (n: number) => (): number => n

/** Weight that depends on whether `symbol` is sent (Binance charges more for all symbols). */
export const bySymbol =
  (withSymbol: number, without: number) =>
  (p: Params): number =>
    p.has('symbol') ? withSymbol : without
