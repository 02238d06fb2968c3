/**
 * Seeded, deterministic fault injection: HTTP errors, timeouts, rate limits, dropped connections,
 * lost responses, clock skew, delayed and partial fills.
 * @packageDocumentation
 */
import { parseOrThrow } from '@quantum/core'
import { z } from 'zod'

/**
 * What can go wrong:
 * - `http-500` (500 -1000), `http-503` (503 -1001), `http-502-html` (502 with an HTML page, like a proxy);
 * - `timeout`: the request is held and never answered (the client gives up);
 * - `rate-limit` (429 -1003), `ip-ban` (418 -1003);
 * - `drop-connection`: the socket is destroyed before the request is handled;
 * - `response-lost`: the request **is** handled (an order is placed), then the socket is destroyed
 *   before the reply — what an idempotent retry by clientOrderId must survive;
 * - `delayed-fill`: new orders are accepted `NEW` and handed to the engine `delayMs` later;
 * - `partial-fill`: new orders fill in `parts` executions `intervalMs` apart (PARTIALLY_FILLED, then FILLED);
 * - `clock-skew`: server time moves by `skewMs` while the fault is active (signed requests then fail with -1021).
 */
export type FaultKind =
  | 'http-500'
  | 'http-503'
  | 'http-502-html'
  | 'timeout'
  | 'rate-limit'
  | 'ip-ban'
  | 'drop-connection'
  | 'response-lost'
  | 'delayed-fill'
  | 'partial-fill'
  | 'clock-skew'

/** One fault to inject. */
export interface FaultSpec {
  /** What goes wrong. */
  readonly kind: FaultKind
  /** Only requests with this method (`GET`, `POST`, …). @default any */
  readonly method?: string
  /**
   * Only requests to this path: exact (`/fapi/v1/order`), or a prefix ending in `*` (`/fapi/v1/*`).
   * Fill faults only ever apply to new orders. @default any
   */
  readonly path?: string
  /** Fire for the next `times` matching requests (or orders), then disappear. @default 1 unless `probability` is set */
  readonly times?: number
  /** Fire for each matching request with this probability (seeded random numbers). @default none (use `times`) */
  readonly probability?: number
  /** `delayed-fill`: emulator time before the order reaches the engine, ms. @default 1000 */
  readonly delayMs?: number
  /** `partial-fill`: number of executions. @default 2 */
  readonly parts?: number
  /** `partial-fill`: emulator time between executions, ms. @default 1000 */
  readonly intervalMs?: number
  /** `clock-skew`: how far server time moves, ms (negative = behind). @default 30000 */
  readonly skewMs?: number
}

const FaultSpecSchema = z.strictObject({
  kind: z.enum([
    'http-500',
    'http-503',
    'http-502-html',
    'timeout',
    'rate-limit',
    'ip-ban',
    'drop-connection',
    'response-lost',
    'delayed-fill',
    'partial-fill',
    'clock-skew',
  ]),
  method: z
    .string()
    .transform((m) => m.toUpperCase())
    .optional(),
  path: z.string().startsWith('/').optional(),
  times: z.number().int().positive().optional(),
  probability: z.number().min(0).max(1).optional(),
  delayMs: z.number().finite().nonnegative().default(1000),
  parts: z.number().int().min(2).default(2),
  intervalMs: z.number().finite().nonnegative().default(1000),
  skewMs: z.number().finite().default(30_000),
})

/** A {@link FaultSpec} with its defaults applied (method upper-cased). */
export interface ResolvedFaultSpec extends FaultSpec {
  readonly delayMs: number
  readonly parts: number
  readonly intervalMs: number
  readonly skewMs: number
}

/** A fault as it is held (validated, with its remaining count). */
export interface ActiveFault {
  /** Identifier, to remove it alone. */
  readonly id: number
  /** The validated spec with defaults. */
  readonly spec: ResolvedFaultSpec
  /** Remaining firings (Infinity for probability-only faults). */
  remaining: number
}

/** A record of one fault that fired. */
export interface FaultEvent {
  readonly kind: FaultKind
  readonly method: string
  readonly path: string
  /** Emulator time, epoch ms. */
  readonly time: number
}

/** The request-level kinds, checked in this order before a request is handled. */
export const REQUEST_FAULTS: readonly FaultKind[] = [
  'drop-connection',
  'timeout',
  'http-502-html',
  'http-503',
  'http-500',
  'ip-ban',
  'rate-limit',
  'response-lost',
]

/** mulberry32: a small, fast, seeded PRNG (same seed, same sequence). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/**
 * The fault controller of one emulator (`emulator.faults`).
 * @example
 * emulator.faults.inject({ kind: 'http-503', path: '/fapi/v1/order', times: 2 })
 * emulator.faults.inject({ kind: 'timeout', probability: 0.1 })
 * emulator.faults.clear()
 */
export class FaultController {
  private readonly faults: ActiveFault[] = []
  private readonly random: () => number
  private nextId = 0
  /** Every fault that fired, in order (for assertions). */
  readonly history: FaultEvent[] = []

  /** @param seed - seed of the random numbers used by `probability` faults */
  constructor(seed: number) {
    this.random = mulberry32(seed)
  }

  /**
   * Adds a fault.
   * @returns its id (for {@link FaultController.remove}).
   * @throws {ConfigError} for an invalid spec.
   */
  inject(spec: FaultSpec): number {
    const s = parseOrThrow(FaultSpecSchema, spec, 'fault spec')
    const remaining = s.times ?? (s.probability === undefined ? 1 : Number.POSITIVE_INFINITY)
    const fault: ActiveFault = { id: ++this.nextId, spec: s, remaining }
    this.faults.push(fault)
    return fault.id
  }

  /** Removes one fault by id. */
  remove(id: number): void {
    const i = this.faults.findIndex((f) => f.id === id)
    if (i >= 0) this.faults.splice(i, 1)
  }

  /** Removes every fault (clock skew included). */
  clear(): void {
    this.faults.length = 0
  }

  /** The faults still active. */
  list(): readonly ActiveFault[] {
    return this.faults
  }

  /** Current server clock offset: the sum of the active `clock-skew` faults, ms. */
  skewMs(): number {
    return this.faults.reduce((sum, f) => (f.spec.kind === 'clock-skew' ? sum + f.spec.skewMs : sum), 0)
  }

  /**
   * The first fault among `kinds` that fires for this request (consuming one of its `times`), if any.
   * @internal
   */
  take(kinds: readonly FaultKind[], req: { method: string; path: string; time: number }): ActiveFault | undefined {
    for (const kind of kinds) {
      for (const f of this.faults) {
        if (f.spec.kind !== kind || !matches(f, req)) continue
        if (f.spec.probability !== undefined && !(this.random() < f.spec.probability)) continue
        f.remaining--
        if (f.remaining <= 0) this.remove(f.id)
        this.history.push({ kind, method: req.method, path: req.path, time: req.time })
        return f
      }
    }
    return undefined
  }
}

function matches(f: ActiveFault, req: { method: string; path: string }): boolean {
  const { method, path } = f.spec
  if (method !== undefined && method !== req.method) return false
  if (path === undefined) return true
  return path.endsWith('*') ? req.path.startsWith(path.slice(0, -1)) : req.path === path
}
