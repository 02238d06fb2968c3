/**
 * Tabular Q-learning for position sizing: the action grid, the learner, and the Q-table file
 * (zod-validated on load, written atomically).
 * @packageDocumentation
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { DataError } from '@quantum/core'
import type { RandomSource } from '@quantum/core'
import { z } from 'zod'

/** One sizing action: the USDT notional of the entry and the leverage of the position. */
export interface SizingAction {
  /** Entry notional in USDT. */
  readonly notional: number
  /** Leverage of the position. */
  readonly leverage: number
}

/** The ranges and resolution of the action grid. */
export interface ActionGridSpec {
  readonly minNotional: number
  readonly maxNotional: number
  /** Number of notional levels, spaced geometrically from min to max. */
  readonly notionalSteps: number
  readonly minLeverage: number
  readonly maxLeverage: number
  /** Number of leverage levels, spaced linearly (rounded to whole x) from min to max. */
  readonly leverageSteps: number
}

/**
 * The grid of (notional, leverage) actions: notionals geometric (the $10-$8000 range spans almost three
 * decades), leverages linear and whole; notional-major order.
 * @example actionGrid({ minNotional: 10, maxNotional: 8000, notionalSteps: 5, minLeverage: 15, maxLeverage: 25, leverageSteps: 3 })
 */
export function actionGrid(spec: ActionGridSpec): SizingAction[] {
  const actions: SizingAction[] = []
  for (let n = 0; n < spec.notionalSteps; n++) {
    const notional =
      Math.round(
        gridLevel({ min: spec.minNotional, max: spec.maxNotional, steps: spec.notionalSteps, geometric: true }, n) *
          100,
      ) / 100
    for (let l = 0; l < spec.leverageSteps; l++) {
      const leverage = Math.round(
        gridLevel({ min: spec.minLeverage, max: spec.maxLeverage, steps: spec.leverageSteps, geometric: false }, l),
      )
      actions.push({ notional: Math.min(spec.maxNotional, Math.max(spec.minNotional, notional)), leverage })
    }
  }
  return actions
}

/** Level `i` of `steps` between min and max (the geometric or arithmetic middle for one step). */
function gridLevel(g: { min: number; max: number; steps: number; geometric: boolean }, i: number): number {
  if (g.steps === 1) return g.geometric ? Math.sqrt(g.min * g.max) : (g.min + g.max) / 2
  const t = i / (g.steps - 1)
  return g.geometric ? g.min * (g.max / g.min) ** t : g.min + (g.max - g.min) * t
}

/** The persisted Q-table (version 1). */
export const QTableFileSchema = z.strictObject({
  version: z.literal(1),
  actions: z.array(z.strictObject({ notional: z.number().positive(), leverage: z.number().positive() })).min(1),
  states: z.record(z.string(), z.array(z.number().finite())),
  updates: z.number().int().nonnegative(),
})
/** The persisted Q-table (version 1). */
export type QTableFile = z.infer<typeof QTableFileSchema>

/** Configuration of a {@link QLearner}. */
export interface QLearnerConfig {
  readonly actions: readonly SizingAction[]
  /** Learning rate. */
  readonly alpha: number
  /** Discount factor. */
  readonly gamma: number
  /** Exploration probability of epsilon-greedy. */
  readonly epsilon: number
  /** Seeded uniform source (deterministic runs). */
  readonly random: RandomSource
}

/** One learning step: the action taken in `state`, its reward, and the state reached. */
export interface Transition {
  readonly state: string
  readonly action: number
  readonly reward: number
  readonly next: string
}

/** Tabular Q-learning with epsilon-greedy choice; unseen states start at 0 for every action. */
export class QLearner {
  /** The action grid, indexed by action number. */
  readonly actions: readonly SizingAction[]
  /** Index of the middle action (the untrained and non-autonomous choice). */
  readonly middle: number
  private table = new Map<string, Float64Array>()
  private count = 0

  constructor(private readonly config: QLearnerConfig) {
    this.actions = config.actions
    this.middle = config.actions.length >> 1
  }

  /** Number of updates applied so far. */
  get updates(): number {
    return this.count
  }

  /** The Q-values of `state` (a live row; zeros for an unseen state). */
  values(state: string): Float64Array {
    let row = this.table.get(state)
    if (row === undefined) this.table.set(state, (row = new Float64Array(this.actions.length)))
    return row
  }

  /** The greedy action of `state`; ties go to the action nearest the middle one, then the smaller. */
  best(state: string): number {
    const row = this.values(state)
    let best = 0
    for (let a = 1; a < row.length; a++) {
      const nearer = Math.abs(a - this.middle) < Math.abs(best - this.middle)
      if (row[a]! > row[best]! || (row[a] === row[best] && nearer)) best = a
    }
    return best
  }

  /** Epsilon-greedy choice in `state` (pure greedy when `explore` is false). */
  choose(state: string, explore: boolean): number {
    const { random, epsilon } = this.config
    if (explore && random() < epsilon)
      return Math.min(this.actions.length - 1, Math.floor(random() * this.actions.length))
    return this.best(state)
  }

  /** Q(s,a) += alpha (r + gamma max Q(s',.) - Q(s,a)); returns the new Q(s,a). */
  update(t: Transition): number {
    const nextMax = Math.max(...this.values(t.next))
    const row = this.values(t.state)
    const q = row[t.action]!
    row[t.action] = q + this.config.alpha * (t.reward + this.config.gamma * nextMax - q)
    this.count++
    return row[t.action]!
  }

  /** The table as its JSON file form. */
  toJSON(): QTableFile {
    const states: Record<string, number[]> = {}
    for (const [key, row] of this.table) states[key] = Array.from(row)
    return { version: 1, actions: this.actions.map((a) => ({ ...a })), states, updates: this.count }
  }

  /**
   * Replaces the table with a file's content.
   * @throws {DataError} when the file's action grid differs from this learner's.
   */
  load(file: QTableFile, source: string): void {
    const same =
      file.actions.length === this.actions.length &&
      file.actions.every((a, i) => a.notional === this.actions[i]!.notional && a.leverage === this.actions[i]!.leverage)
    const badRow = Object.entries(file.states).find(([, row]) => row.length !== this.actions.length)
    if (!same || badRow !== undefined)
      throw new DataError(source, [{ kind: 'cache', message: 'the Q-table was made for a different action grid' }])
    this.table = new Map(Object.entries(file.states).map(([k, row]) => [k, Float64Array.from(row)]))
    this.count = file.updates
  }
}

/**
 * Reads and validates a Q-table file; `undefined` when it does not exist.
 * @throws {DataError} when the file is not valid JSON or not a version-1 Q-table.
 * @example const file = readQTable('.quantum/rl-sizer.json')
 */
export function readQTable(path: string): QTableFile | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new DataError(path, [{ kind: 'parse', message: `cannot read: ${String(cause)}` }], { cause })
  }
  return parseQTable(text, path)
}

/**
 * Parses and validates a Q-table file's text.
 * @throws {DataError} (naming `source`) when it is not valid JSON or not a version-1 Q-table.
 * @example const file = parseQTable(text, 'registry rlV3')
 */
export function parseQTable(text: string, source: string): QTableFile {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    throw new DataError(source, [{ kind: 'parse', message: 'not valid JSON' }], { cause })
  }
  const parsed = QTableFileSchema.safeParse(json)
  if (!parsed.success)
    throw new DataError(
      source,
      parsed.error.issues.map((i) => ({ kind: 'parse' as const, message: `${i.path.join('.')}: ${i.message}` })),
    )
  return parsed.data
}

/**
 * Reads and validates a Q-table file that must exist, without blocking the thread.
 * @throws {DataError} when it cannot be read, is not valid JSON or not a version-1 Q-table.
 * @example const file = await loadQTable('.quantum/models/abc.qtable.json')
 */
export async function loadQTable(path: string): Promise<QTableFile> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    throw new DataError(path, [{ kind: 'parse', message: `cannot read: ${String(cause)}` }], { cause })
  }
  return parseQTable(text, path)
}

let tmpCounter = 0

/**
 * Writes a Q-table atomically: to a temporary file beside the target, then renamed over it, so a crash
 * never leaves a half-written table.
 * @example await writeQTable('.quantum/rl-sizer.json', learner.toJSON())
 */
export async function writeQTable(path: string, file: QTableFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.${++tmpCounter}.tmp`
  await writeFile(tmp, `${JSON.stringify(file)}\n`, 'utf8')
  await rename(tmp, path)
}
