/**
 * Parameter spaces: typed, validated ranges and choices for any plugin option, with log scales, steps
 * and conditions (a parameter that only exists when another takes given values).
 * @packageDocumentation
 */
import { z } from 'zod'
import { ConfigError, type ValidationIssue } from '../errors.js'
import { zodIssues } from '../validate.js'

/** A value a parameter can take. */
export type ParamValue = number | string | boolean

/** When a parameter is active: every named parameter is active and takes one of the listed values. */
export const ConditionSchema = z.record(
  z.string(),
  z.union([z.number(), z.string(), z.boolean(), z.array(z.union([z.number(), z.string(), z.boolean()])).min(1)]),
)

const numeric = {
  low: z.number().finite(),
  high: z.number().finite(),
  /** Sample the logarithm uniformly (low must be > 0). */
  log: z.boolean().optional(),
  /** Values are `low + k * step`. */
  step: z.number().positive().finite().optional(),
  when: ConditionSchema.optional(),
}

/** An integer range `[low, high]` (inclusive), step 1 unless given. */
export const IntParamSchema = z.strictObject({ type: z.literal('int'), ...numeric })
/** A real range `[low, high]`. */
export const FloatParamSchema = z.strictObject({ type: z.literal('float'), ...numeric })
/** One of a list of values. */
export const ChoiceParamSchema = z.strictObject({
  type: z.literal('choice'),
  values: z.array(z.union([z.number(), z.string(), z.boolean()])).min(1, 'a choice needs at least one value'),
  when: ConditionSchema.optional(),
})
/** One parameter of a space. */
export const ParamSpecSchema = z.discriminatedUnion('type', [IntParamSchema, FloatParamSchema, ChoiceParamSchema])

/** An integer parameter. */
export interface IntParam {
  readonly type: 'int'
  readonly low: number
  readonly high: number
  readonly log?: boolean
  readonly step?: number
  readonly when?: Readonly<Record<string, ParamValue | readonly ParamValue[]>>
}
/** A real parameter. */
export interface FloatParam extends Omit<IntParam, 'type'> {
  readonly type: 'float'
}
/** A categorical parameter. */
export interface ChoiceParam<V extends ParamValue = ParamValue> {
  readonly type: 'choice'
  readonly values: readonly V[]
  readonly when?: Readonly<Record<string, ParamValue | readonly ParamValue[]>>
}
/** One parameter of a space. */
export type ParamSpec = IntParam | FloatParam | ChoiceParam
/** A parameter space: parameter name to its spec. */
export type ParamSpace = Readonly<Record<string, ParamSpec>>
/** One point of a space: the active parameters' values (inactive ones are absent). */
export type Params = Readonly<Record<string, ParamValue>>

/** The value type of one parameter spec (distributes over unions). */
export type ValueOf<P> = P extends ChoiceParam<infer V> ? V : number

/** The typed point of a space `S`: conditional parameters may be undefined. */
export type ParamsOf<S extends ParamSpace> = {
  readonly [K in keyof S]: ValueOf<S[K]> | (S[K] extends { when: object } ? undefined : never)
}

/** Options of {@link int} and {@link float}: log scale, step, condition. */
export type NumericOptions = Omit<IntParam, 'type' | 'low' | 'high'>

/** An integer parameter in `[low, high]`. @example int(5, 50) */
export function int(low: number, high: number, options: NumericOptions = {}): IntParam {
  return { type: 'int', low, high, ...options }
}
/** A real parameter in `[low, high]`. @example float(0.001, 0.1, { log: true }) */
export function float(low: number, high: number, options: NumericOptions = {}): FloatParam {
  return { type: 'float', low, high, ...options }
}
/** A categorical parameter. @example choice(['atr', 'static']) */
export function choice<const V extends ParamValue>(
  values: readonly V[],
  options: { when?: ChoiceParam['when'] } = {},
): ChoiceParam<V> {
  return { type: 'choice', values, ...options }
}

/** Whether `value` is one `spec` can take. */
export function inDomain(spec: ParamSpec, value: ParamValue): boolean {
  if (spec.type === 'choice') return spec.values.includes(value)
  if (typeof value !== 'number' || value < spec.low || value > spec.high) return false
  const step = spec.step ?? (spec.type === 'int' ? 1 : undefined)
  if (step === undefined) return true
  const k = (value - spec.low) / step
  return Math.abs(k - Math.round(k)) < 1e-9
}

function numericIssues(name: string, spec: IntParam | FloatParam): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  const at = (key: string) => `space.${name}.${key}`
  if (!(spec.low < spec.high))
    issues.push({ path: at('high'), message: `empty range: low ${spec.low} must be below high ${spec.high}` })
  if (spec.log === true && !(spec.low > 0))
    issues.push({ path: at('low'), message: `a log scale needs low > 0 (got ${spec.low})` })
  if (spec.log === true && spec.step !== undefined)
    issues.push({ path: at('step'), message: 'a log scale takes no step' })
  if (spec.type === 'int') {
    if (!Number.isInteger(spec.low) || !Number.isInteger(spec.high))
      issues.push({ path: at('low'), message: 'an int range needs integer bounds' })
    if (spec.step !== undefined && !Number.isInteger(spec.step))
      issues.push({ path: at('step'), message: 'an int step must be an integer' })
  }
  if (spec.step !== undefined && spec.step > spec.high - spec.low && spec.low < spec.high)
    issues.push({ path: at('step'), message: `step ${spec.step} is wider than the range` })
  return issues
}

function conditionIssues(name: string, spec: ParamSpec, space: ParamSpace): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  for (const [other, want] of Object.entries(spec.when ?? {})) {
    const path = `space.${name}.when.${other}`
    const target = space[other]
    if (other === name) issues.push({ path, message: 'a parameter cannot depend on itself' })
    else if (target === undefined) issues.push({ path, message: `no parameter "${other}" in the space` })
    else {
      const wanted: readonly ParamValue[] = Array.isArray(want) ? (want as readonly ParamValue[]) : [want as ParamValue]
      const reachable = wanted.filter((v) => inDomain(target, v))
      if (reachable.length === 0)
        issues.push({
          path,
          message: `"${other}" never takes ${JSON.stringify(want)}: "${name}" would never be active`,
        })
    }
  }
  return issues
}

function cycleIssues(space: ParamSpace): ValidationIssue[] {
  const state = new Map<string, 'visiting' | 'done'>()
  const issues: ValidationIssue[] = []
  const visit = (name: string, trail: readonly string[]): void => {
    if (state.get(name) === 'done') return
    if (state.get(name) === 'visiting') {
      issues.push({ path: `space.${name}.when`, message: `conditions form a cycle: ${[...trail, name].join(' -> ')}` })
      return
    }
    state.set(name, 'visiting')
    for (const other of Object.keys(space[name]?.when ?? {}))
      if (space[other] !== undefined) visit(other, [...trail, name])
    state.set(name, 'done')
  }
  for (const name of Object.keys(space)) visit(name, [])
  return issues
}

/**
 * Validates a space: known shapes (zod), at least one parameter, non-empty ranges, positive log bounds,
 * integer int bounds and steps, unique choices, conditions on existing parameters with reachable values
 * and no cycles.
 * @throws {ConfigError} listing every problem by path (`space.<name>.<key>`).
 * @example validateSpace({ fast: int(5, 30), slow: int(20, 100) })
 */
export function validateSpace(space: unknown): ParamSpace {
  const parsed = z.record(z.string(), ParamSpecSchema).safeParse(space)
  if (!parsed.success) throw new ConfigError('Invalid parameter space', zodIssues(parsed.error, 'space'))
  const s = parsed.data as ParamSpace
  const issues: ValidationIssue[] = []
  if (Object.keys(s).length === 0) issues.push({ path: 'space', message: 'the space has no parameters' })
  for (const [name, spec] of Object.entries(s)) {
    if (spec.type !== 'choice') issues.push(...numericIssues(name, spec))
    else if (new Set(spec.values).size !== spec.values.length)
      issues.push({ path: `space.${name}.values`, message: 'duplicate choices' })
    issues.push(...conditionIssues(name, spec, s))
  }
  issues.push(...cycleIssues(s))
  if (issues.length > 0) throw new ConfigError('Invalid parameter space', issues)
  return s
}

/** Parameter names in an order where every condition's parameters come before the parameter. */
export function dependencyOrder(space: ParamSpace): string[] {
  const out: string[] = []
  const seen = new Set<string>()
  const visit = (name: string): void => {
    if (seen.has(name)) return
    seen.add(name)
    for (const other of Object.keys(space[name]?.when ?? {})) visit(other)
    out.push(name)
  }
  for (const name of Object.keys(space)) visit(name)
  return out
}

/** Whether `spec`'s condition holds for the values chosen so far (inactive parameters are absent). */
export function isActive(spec: ParamSpec, values: Params): boolean {
  for (const [other, want] of Object.entries(spec.when ?? {})) {
    const v = values[other]
    if (v === undefined) return false
    if (Array.isArray(want) ? !want.includes(v) : want !== v) return false
  }
  return true
}

/**
 * Checks a point against a space: every active parameter present and in its domain, nothing else.
 * @throws {ConfigError} naming each bad parameter.
 */
export function checkParams(space: ParamSpace, params: Params): void {
  const issues: ValidationIssue[] = []
  for (const name of dependencyOrder(space)) {
    const spec = space[name] as ParamSpec
    const v = params[name]
    const active = isActive(spec, params)
    if (active && v === undefined) issues.push({ path: `params.${name}`, message: 'missing' })
    else if (!active && v !== undefined)
      issues.push({ path: `params.${name}`, message: 'set but inactive (its condition does not hold)' })
    else if (v !== undefined && !inDomain(spec, v))
      issues.push({ path: `params.${name}`, message: `${JSON.stringify(v)} is outside the space` })
  }
  for (const name of Object.keys(params))
    if (space[name] === undefined) issues.push({ path: `params.${name}`, message: 'not in the space' })
  if (issues.length > 0) throw new ConfigError('Parameters outside the space', issues)
}
