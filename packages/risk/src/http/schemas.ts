/**
 * The risk HTTP API's request and response bodies (zod); the OpenAPI document is generated from them.
 * @packageDocumentation
 */
import { OrderSideSchema, SymbolSchema } from '@quantum/core'
import { z } from 'zod'

/** `POST /validate`: the intent to check. Exactly one of `quantity` (base asset) or `quoteQuantity` (USDT). */
export const ValidateRequestSchema = z
  .strictObject({
    symbol: SymbolSchema,
    side: OrderSideSchema,
    type: z.enum(['MARKET', 'LIMIT']).default('MARKET'),
    quantity: z.number().positive().optional(),
    quoteQuantity: z.number().positive().optional(),
    /** Limit price (LIMIT) or the price to check at; default the last price. */
    price: z.number().positive().optional(),
    leverage: z.number().positive().max(125).optional(),
    reduceOnly: z.boolean().default(false),
  })
  .refine((b) => (b.quantity === undefined) !== (b.quoteQuantity === undefined), {
    message: 'exactly one of quantity or quoteQuantity is required',
    path: ['quantity'],
  })
  .refine((b) => b.type !== 'LIMIT' || b.price !== undefined, { message: 'LIMIT needs a price', path: ['price'] })

/** `POST /validate`'s answer. */
export const ValidateResponseSchema = z.object({
  /** Whether the policy lets the intent through (possibly resized). */
  allowed: z.boolean(),
  /** The largest quantity (base asset) allowed: the resized quantity, 0 when denied. */
  max_size: z.number(),
  /** The policy's leverage limit. */
  max_leverage: z.number(),
  /** Every resize and deny reason, each prefixed with its guard. */
  reasons: z.array(z.string()),
})

/** `POST /ess/trip` (the token may instead be sent as `Authorization: Bearer <token>`). */
export const TripRequestSchema = z.strictObject({
  /** Why (shown in the status, the logs and the report). */
  reason: z.string().min(1).max(500),
  /** The ESS token, when not sent in the `Authorization` header. */
  token: z.string().min(1).max(1000).optional(),
})

/** `POST /ess/reset` (the token may instead be sent as `Authorization: Bearer <token>`). */
export const ResetRequestSchema = z.strictObject({ token: z.string().min(1).max(1000).optional() })

/** `GET /ess/status`. */
export const EssStatusSchema = z.object({
  state: z.enum(['ARMED', 'TRIPPED', 'DISARMED']),
  tradingState: z.enum(['active', 'reducing', 'halted']),
  reason: z.string().optional(),
  trigger: z.string().optional(),
  trippedAt: z.string().optional(),
  updatedAt: z.string(),
  store: z.string(),
  account: z.string(),
  resettable: z.boolean(),
  triggers: z.record(z.string(), z.unknown()),
})

/** `GET /policy`. */
export const PolicyResponseSchema = z.object({
  policy: z.enum(['PERMISSIVE', 'STRICT', 'FLOOR']),
  limits: z.record(z.string(), z.unknown()),
  rules: z.array(z.object({ plugin: z.string(), rule: z.string() })),
})

/** Every error answer: a message and, for invalid bodies, the issues by path. */
export const ErrorResponseSchema = z.object({
  error: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
})
