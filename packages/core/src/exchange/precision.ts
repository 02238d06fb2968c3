/**
 * Exact decimal rounding to Binance tick and step sizes, and the one function that rounds and checks
 * an order ({@link roundOrder}). Numbers are taken at their shortest round-trip decimal form (what
 * `String(x)` prints, as ccxt's `decimalToPrecision` does) and divided by the step as scaled integers,
 * so `0.1 + 0.2` style float artefacts never move a value across a step boundary.
 * @packageDocumentation
 */
import { InvalidOrder } from '../errors.js'
import type { Instrument, OrderType } from '../schemas.js'

/** A decimal number as `units / 10^exp`, with `exp >= 0`. */
interface Scaled {
  readonly units: bigint
  readonly exp: number
}

function toScaled(value: number): Scaled {
  const text = String(value)
  const e = text.indexOf('e')
  const mantissa = e === -1 ? text : text.slice(0, e)
  const power = e === -1 ? 0 : Number(text.slice(e + 1))
  const dot = mantissa.indexOf('.')
  const digits = dot === -1 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1)
  const exp = (dot === -1 ? 0 : mantissa.length - dot - 1) - power
  const units = BigInt(digits)
  return exp >= 0 ? { units, exp } : { units: units * 10n ** BigInt(-exp), exp: 0 }
}

function fromScaled(units: bigint, exp: number): number {
  return exp === 0 ? Number(units) : Number(`${units.toString()}e-${exp}`)
}

/** Number of decimals of a step size, e.g. 3 for `0.001`, 0 for `1` or `0`. */
export function decimalsOf(step: number): number {
  return step === 0 ? 0 : toScaled(step).exp
}

/** The result of putting a value on a step grid. */
export interface Quantized {
  /** The value on the grid. */
  readonly value: number
  /** True when the input already was on the grid. */
  readonly exact: boolean
}

/**
 * Puts a non-negative `value` on the grid of `step`: truncated (ccxt TRUNCATE, for quantities) or
 * rounded half-up (ccxt ROUND, for prices). A `step` of 0 means no rounding.
 * @example quantize(60000.15, 0.1, 'half-up').value // 60000.2
 */
export function quantize(value: number, step: number, mode: 'truncate' | 'half-up'): Quantized {
  if (step === 0 || !Number.isFinite(value) || value < 0) return { value, exact: true }
  return quantizeFast(value, step, mode) ?? quantizeExact(value, step, mode)
}

/** A step as an integer count of `10^-exp` (when both fit a double exactly). */
interface Grid {
  readonly units: number
  readonly exp: number
  readonly scale: number
}

const grids = new Map<number, Grid | null>()

function gridOf(step: number): Grid | null {
  let grid = grids.get(step)
  if (grid === undefined) {
    const s = toScaled(step)
    grid = s.units <= 2n ** 21n && s.exp <= 22 ? { units: Number(s.units), exp: s.exp, scale: 10 ** s.exp } : null
    if (grids.size < 4096) grids.set(step, grid)
  }
  return grid
}

/** Farthest a float quotient `value / step` below 2^32 can be from the decimal one (with margin). */
const FAST_MARGIN = 1e-5

/**
 * The same answer as {@link quantizeExact} from float arithmetic, or undefined when the value is too
 * close to a grid point (or a half-way point) for floats to decide. Once `q` is decided, `q * units`
 * and `10^exp` are exact doubles, so their quotient is the correctly rounded decimal `q * step`: the
 * number that parsing `"<q * su>e-<exp>"` gives.
 */
function quantizeFast(value: number, step: number, mode: 'truncate' | 'half-up'): Quantized | undefined {
  const grid = gridOf(step)
  const x = value / step
  if (grid === null || !(x < 2 ** 32)) return undefined
  const k = Math.floor(x)
  const frac = x - k
  if (frac <= FAST_MARGIN || frac >= 1 - FAST_MARGIN) {
    // On the grid when value is the double of m * step and that decimal has at most 15 digits (then it
    // is value's shortest representation, the one the exact path reads).
    const m = frac <= FAST_MARGIN ? k : k + 1
    const n = m * grid.units
    if (n < 1e15 && value === (grid.exp === 0 ? n : n / grid.scale)) return { value, exact: true }
    return undefined
  }
  let q = k
  if (mode === 'half-up') {
    if (Math.abs(frac - 0.5) <= FAST_MARGIN) return undefined
    if (frac > 0.5) q = k + 1
  }
  const n = q * grid.units
  return { value: grid.exp === 0 ? n : n / grid.scale, exact: false }
}

function quantizeExact(value: number, step: number, mode: 'truncate' | 'half-up'): Quantized {
  const v = toScaled(value)
  const s = toScaled(step)
  const exp = Math.max(v.exp, s.exp)
  const vu = v.units * 10n ** BigInt(exp - v.exp)
  const su = s.units * 10n ** BigInt(exp - s.exp)
  let q = vu / su
  const r = vu - q * su
  if (mode === 'half-up' && 2n * r >= su) q += 1n
  return { value: fromScaled(q * su, exp), exact: r === 0n }
}

/** Truncates a quantity to `step` (0 = unchanged). @example truncateToStep(1.239, 0.01) // 1.23 */
export function truncateToStep(value: number, step: number): number {
  return quantize(value, step, 'truncate').value
}

/** Rounds a price half-up to `tick` (0 = unchanged). @example roundToTick(60000.06, 0.1) // 60000.1 */
export function roundToTick(value: number, tick: number): number {
  return quantize(value, tick, 'half-up').value
}

/**
 * Removes float noise from a sum of on-grid quantities by rounding to `decimals` places; `decimals`
 * < 0 (no grid) only snaps values within 1e-12 of `reference` to zero.
 * @internal
 */
export function snapQuantity(value: number, decimals: number, reference: number): number {
  if (decimals < 0) return Math.abs(value) <= 1e-12 * Math.abs(reference) ? 0 : value
  const scale = 10 ** decimals
  const scaled = value * scale
  return Math.abs(scaled) < 2 ** 52 ? Math.round(scaled) / scale : value
}

/** One change {@link roundOrder} made to an order, reported on the order. */
export interface PrecisionAdjustment {
  /** The request field that changed. */
  readonly field: 'quantity' | 'price' | 'triggerPrice'
  /** Value as requested. */
  readonly from: number
  /** Value after rounding. */
  readonly to: number
}

/** The price and quantity fields of an order, as requested or as rounded. */
export interface OrderAmounts {
  readonly type: OrderType
  readonly quantity?: number | undefined
  readonly price?: number | undefined
  readonly triggerPrice?: number | undefined
}

/** An order's amounts after {@link roundOrder}, with what changed. */
export interface RoundedAmounts extends OrderAmounts {
  /** Every field that was changed, empty when the order already was on precision. */
  readonly adjustments: readonly PrecisionAdjustment[]
}

/** The adjustments of an order already on precision (shared: no array per order). */
const NO_ADJUSTMENTS: readonly PrecisionAdjustment[] = Object.freeze([])

/** Options of {@link roundOrder}. */
export interface RoundOrderOptions {
  /** Reject off-precision values with {@link InvalidOrder} instead of rounding them. @default false */
  readonly strict?: boolean
}

/**
 * The one place where orders are rounded: quantities truncated to `stepSize`, prices and trigger
 * prices rounded half-up to `tickSize`, then quantity limits checked (0 after rounding, `minQty`,
 * `maxQty`, and `maxMarketQty` for market-type orders). Min notional needs a reference price and is
 * checked by {@link checkMinNotional}.
 * @throws {InvalidOrder} naming the symbol and field, when a limit is broken or, with `strict`, when a
 * value is off precision.
 * @example roundOrder(bnb, { type: 'LIMIT', quantity: 1.239, price: 600.005 }) // quantity 1.23, price 600.01
 */
export function roundOrder(
  instrument: Instrument,
  amounts: OrderAmounts,
  options: RoundOrderOptions = {},
): RoundedAmounts {
  const quantity = roundField(instrument, 'quantity', amounts.quantity)
  const price = roundField(instrument, 'price', amounts.price)
  const triggerPrice = roundField(instrument, 'triggerPrice', amounts.triggerPrice)
  // A rounded value differs from its input exactly when the input was off precision.
  let adjustments: PrecisionAdjustment[] | undefined
  if (!Object.is(quantity, amounts.quantity)) {
    adjustments = [{ field: 'quantity', from: amounts.quantity!, to: quantity! }]
  }
  if (!Object.is(price, amounts.price)) (adjustments ??= []).push({ field: 'price', from: amounts.price!, to: price! })
  if (!Object.is(triggerPrice, amounts.triggerPrice)) {
    ;(adjustments ??= []).push({ field: 'triggerPrice', from: amounts.triggerPrice!, to: triggerPrice! })
  }
  if (options.strict === true && adjustments !== undefined) offGrid(instrument, adjustments[0]!)
  if (quantity !== undefined) checkQuantity(instrument, amounts, quantity)
  if (price === 0) throw new InvalidOrder(`${instrument.symbol}: price rounds to 0`, instrument.symbol, 'price')
  if (triggerPrice === 0) {
    throw new InvalidOrder(`${instrument.symbol}: triggerPrice rounds to 0`, instrument.symbol, 'triggerPrice')
  }
  return { type: amounts.type, quantity, price, triggerPrice, adjustments: adjustments ?? NO_ADJUSTMENTS }
}

/** One field on its grid: quantity truncated to the step, prices half-up to the tick (as is when on it). */
function roundField(
  instrument: Instrument,
  field: PrecisionAdjustment['field'],
  value: number | undefined,
): number | undefined {
  if (value === undefined) return undefined
  const quantity = field === 'quantity'
  const step = quantity ? instrument.stepSize : instrument.tickSize
  if (step === 0) return value
  const q = quantize(value, step, quantity ? 'truncate' : 'half-up')
  return q.exact ? value : q.value
}

function offGrid(instrument: Instrument, { field, from: value }: PrecisionAdjustment): never {
  const what = field === 'quantity' ? `stepSize ${instrument.stepSize}` : `tickSize ${instrument.tickSize}`
  throw new InvalidOrder(
    `${instrument.symbol}: ${field} ${value} is not a multiple of ${what}`,
    instrument.symbol,
    field,
  )
}

function checkQuantity(instrument: Instrument, amounts: OrderAmounts, quantity: number): void {
  const { symbol } = instrument
  if (quantity <= 0) {
    const msg = `${symbol}: quantity ${amounts.quantity} is 0 after truncation to stepSize ${instrument.stepSize}`
    throw new InvalidOrder(msg, symbol, 'quantity')
  }
  if (quantity < instrument.minQty) {
    throw new InvalidOrder(`${symbol}: quantity ${quantity} is below minQty ${instrument.minQty}`, symbol, 'quantity')
  }
  const market = amounts.type !== 'LIMIT'
  const max = market ? Math.min(instrument.maxQty, instrument.maxMarketQty) : instrument.maxQty
  if (quantity > max) {
    const filter = market ? 'MARKET_LOT_SIZE maxQty' : 'maxQty'
    throw new InvalidOrder(`${symbol}: quantity ${quantity} is above ${filter} ${max}`, symbol, 'quantity')
  }
}

/** What {@link checkMinNotional} needs. */
export interface NotionalCheck {
  /** Order notional in USDT (quantity times the reference price, or the quote quantity). */
  readonly notional: number
  /** Reduce-only orders are exempt, as on Binance. */
  readonly reduceOnly: boolean
  /** Field to name in the error. @default 'quantity' */
  readonly field?: 'quantity' | 'quoteQuantity'
}

/**
 * Rejects an order whose notional is below the instrument's MIN_NOTIONAL (reduce-only exempt).
 * @throws {InvalidOrder} with Binance's -4164 meaning.
 * @example checkMinNotional(btc, { notional: 60, reduceOnly: false }) // throws: below MIN_NOTIONAL 100
 */
export function checkMinNotional(instrument: Instrument, check: NotionalCheck): void {
  if (check.reduceOnly || !(check.notional < instrument.minNotional)) return
  const { symbol } = instrument
  const msg = `${symbol}: notional ${check.notional} is below MIN_NOTIONAL ${instrument.minNotional} (use reduceOnly to close)`
  throw new InvalidOrder(msg, symbol, check.field ?? 'quantity')
}
