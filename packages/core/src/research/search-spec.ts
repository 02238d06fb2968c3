/**
 * The `optimize` section of a config: the parameter space, how a point becomes the plugin list, the
 * objective, the constraints and the search method.
 * @packageDocumentation
 */
import { z } from 'zod'
import type { QuantumPlugin } from '../types.js'
import { OBJECTIVE_NAMES, type Constraints, type Objective, type ObjectiveFunction } from './objective.js'
import { validateSpace, type Params, type ParamSpace, type ParamsOf } from './param-space.js'

/** The search methods. */
export const SEARCH_METHODS = ['random', 'grid', 'tpe'] as const
/** A search method. */
export type SearchMethod = (typeof SEARCH_METHODS)[number]

/** A parameter search over a config's plugins (see {@link defineSearch}). */
export interface SearchSpec<S extends ParamSpace = ParamSpace> {
  /** The parameters and their ranges. */
  readonly space: S
  /** The config's plugins for one point of the space (called in every trial). */
  plugins(params: ParamsOf<S>): readonly QuantumPlugin[]
  /** What to maximise. @default 'sharpe' */
  readonly objective?: Objective
  /** Limits a trial must meet to count. @default none */
  readonly constraints?: Constraints
  /** @default 'tpe' */
  readonly method?: SearchMethod
  /** Trials to run. @default 100 */
  readonly trials?: number
  /** Seed of the sampler. @default 1 */
  readonly seed?: number
  /** Grid values per continuous or wide parameter. @default 10 */
  readonly gridPoints?: number
  /** A trial running longer is stopped and recorded as `timeout`. @default 60000 */
  readonly trialTimeoutMs?: number
}

const positiveInt = z.number().int().positive()

const SearchSpecShape = z.strictObject({
  space: z
    .custom<ParamSpace>(() => true)
    .superRefine((space, ctx) => {
      try {
        validateSpace(space)
      } catch (error) {
        const issues = (error as { issues?: readonly { path: string; message: string }[] }).issues ?? []
        for (const i of issues) ctx.addIssue({ code: 'custom', message: `${i.path}: ${i.message}` })
      }
    }),
  plugins: z.custom<(params: Params) => readonly QuantumPlugin[]>((v) => typeof v === 'function', {
    message: 'expected a function of the parameters returning the plugin list',
  }),
  objective: z.union([z.enum(OBJECTIVE_NAMES), z.custom<ObjectiveFunction>((v) => typeof v === 'function')]).optional(),
  constraints: z
    .strictObject({
      minTrades: z.number().int().nonnegative().optional(),
      maxDrawdownPct: z.number().positive().optional(),
    })
    .optional(),
  method: z.enum(SEARCH_METHODS).optional(),
  trials: positiveInt.optional(),
  seed: z.number().int().optional(),
  gridPoints: z.number().int().min(2).optional(),
  trialTimeoutMs: positiveInt.optional(),
})

/** Validates an `optimize` section (the space with {@link validateSpace} rules). */
export const SearchSpecSchema = z
  .custom<SearchSpec>((v) => typeof v === 'object' && v !== null, {
    message: 'expected an object (defineSearch({...}))',
  })
  .pipe(SearchSpecShape)
  .transform((v) => v as unknown as SearchSpec)

/**
 * Types an `optimize` section: the plugins function receives the space's typed point.
 * @example
 * optimize: defineSearch({
 *   space: { fast: int(5, 30), slow: int(20, 120) },
 *   plugins: (p) => [emaCross({ fast: p.fast, slow: p.slow }), fixedNotional({ notional: 1000 })],
 *   objective: 'sharpe',
 *   constraints: { minTrades: 30 },
 * })
 */
export function defineSearch<const S extends ParamSpace>(spec: SearchSpec<S>): SearchSpec<S> {
  return spec
}
