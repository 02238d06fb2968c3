/**
 * Plugin output checked at the kernel boundary: what an agent, a decision plugin or a sizer returns is
 * the SDK's input from untrusted code. Each check is a fast hand check on the hot path (no allocation
 * when the value is valid); only a value that fails it is parsed with the zod schema, to name the
 * offending field in a typed {@link PluginError}.
 * @packageDocumentation
 */
import type { z } from 'zod'
import { PluginError } from '../errors.js'
import { DecisionSchema, OrderRequestSchema, SignalSchema, type Decision, type Signal } from '../schemas.js'
import type { OrderIntent } from '../types.js'
import type { HookRef } from './plugin-driver.js'

const SYMBOL = /^[A-Z0-9]{2,30}$/
/** The last symbol that passed the regex: a run checks the same few symbols millions of times. */
let lastSymbol = ''
const isSymbol = (s: unknown): boolean => {
  if (s === lastSymbol) return true
  if (typeof s !== 'string' || !SYMBOL.test(s)) return false
  lastSymbol = s
  return true
}
const isAction = (a: unknown): boolean => a === 'BUY' || a === 'SELL' || a === 'HOLD'
const isUnit = (x: unknown): boolean => typeof x === 'number' && x >= 0 && x <= 1
const isEpochMs = (t: unknown): boolean => typeof t === 'number' && Number.isInteger(t) && t >= 0
const isPositive = (x: unknown): boolean => typeof x === 'number' && x > 0 && x < Number.POSITIVE_INFINITY
const isOptionalPositive = (x: unknown): boolean => x === undefined || isPositive(x)

function isProbabilities(p: unknown): boolean {
  if (p === undefined) return true
  if (typeof p !== 'object' || p === null) return false
  const q = p as Record<string, unknown>
  return isUnit(q.BUY) && isUnit(q.SELL) && isUnit(q.HOLD)
}

/** The hand check of a {@link Signal}: true only for values the schema accepts. */
function isSignal(v: unknown): v is Signal {
  if (typeof v !== 'object' || v === null) return false
  const s = v as Record<string, unknown>
  return (
    isAction(s.action) &&
    isUnit(s.confidence) &&
    isEpochMs(s.time) &&
    typeof s.agent === 'string' &&
    isSymbol(s.symbol) &&
    isProbabilities(s.probabilities) &&
    (s.meta === undefined || (typeof s.meta === 'object' && s.meta !== null && !Array.isArray(s.meta)))
  )
}

function isDecision(v: unknown): v is Decision {
  if (typeof v !== 'object' || v === null) return false
  const d = v as Record<string, unknown>
  if (!(isAction(d.action) && isUnit(d.confidence) && isEpochMs(d.time) && isPositive(d.price))) return false
  if (!isSymbol(d.symbol) || !Array.isArray(d.votes)) return false
  for (const vote of d.votes as unknown[]) if (!isSignal(vote)) return false
  return d.dropped === undefined || Array.isArray(d.dropped)
}

function isIntent(v: unknown): v is OrderIntent {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  const type = o.type
  if (!(o.side === 'BUY' || o.side === 'SELL')) return false
  if (!isSymbol(o.symbol)) return false
  if (!(isOptionalPositive(o.quantity) && isOptionalPositive(o.quoteQuantity))) return false
  if ((o.quantity === undefined) === (o.quoteQuantity === undefined)) return false
  if (!(isOptionalPositive(o.price) && isOptionalPositive(o.triggerPrice))) return false
  if (o.leverage !== undefined && !isPositive(o.leverage)) return false
  if (o.reduceOnly !== undefined && typeof o.reduceOnly !== 'boolean') return false
  if (type === 'MARKET') return true
  if (type === 'LIMIT') return o.price !== undefined
  if (type === 'STOP_MARKET' || type === 'TAKE_PROFIT_MARKET') return o.triggerPrice !== undefined
  return false
}

/** Names the first problem zod finds (the slow path, taken only for invalid values). */
function explain(ref: HookRef & { readonly fallback: string }, schema: z.ZodType, value: unknown): PluginError {
  const { plugin, hook } = ref
  const parsed = schema.safeParse(value)
  if (parsed.success) return new PluginError(plugin, hook, ref.fallback, '')
  const issue = parsed.error.issues[0]!
  return new PluginError(plugin, hook, issue.message, issue.path.map(String).join('.'))
}

/**
 * Checks an agent's `onBar` result (`undefined` when valid, else the error): `undefined` (no opinion) or a valid {@link Signal} (action BUY, SELL
 * or HOLD; confidence a number in [0, 1]; ...). Anything else (`null`, action `'FOO'`, NaN or 7 as the
 * confidence) is an error naming the field.
 * @example const error = checkSignal('agents:rsi', 'onBar', agent.onBar(bar, ctx))
 */
export function checkSignal(plugin: string, hook: string, value: unknown): PluginError | undefined {
  if (value === undefined || isSignal(value)) return undefined
  return explain({ plugin, hook, fallback: 'not a signal' }, SignalSchema, value)
}

/** Checks a decision plugin's `decide` result, `undefined` or a valid {@link Decision}: the error, or `undefined` when valid. */
export function checkDecision(plugin: string, hook: string, value: unknown): PluginError | undefined {
  if (value === undefined || isDecision(value)) return undefined
  return explain({ plugin, hook, fallback: 'not a decision' }, DecisionSchema, value)
}

/**
 * Checks a sizer's `size` result, an array of valid order intents: the error, or `undefined` when valid. One bad intent rejects the whole
 * batch (a sizer's "close, then open" must not run as "open" alone).
 */
export function checkIntents(plugin: string, hook: string, value: unknown): PluginError | undefined {
  if (!Array.isArray(value)) {
    return new PluginError(plugin, hook, `expected an array of order intents, got ${kindOf(value)}`, '')
  }
  for (let i = 0; i < value.length; i++) {
    const intent: unknown = value[i]
    if (isIntent(intent)) continue
    const fallback = 'not an order intent (type, leverage or reduceOnly)'
    const e = explain({ plugin, hook, fallback }, OrderRequestSchema, intent)
    const field = e.field === undefined || e.field === '' ? String(i) : `${i}.${e.field}`
    return new PluginError(plugin, hook, e.cause, field)
  }
  return undefined
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  return typeof value
}
