/**
 * The agents' async pre-step ({@link AgentPlugin.onBlock}), driven by the kernel in every mode. Bars
 * are gathered into blocks in arrival order; a block closes when it is full (backtests: batched model
 * inference) or when the feed pauses (a microtask passes without a new bar: one tick of a venue feed or
 * a replay). Each block's hooks are awaited, then its bars go on, one by one, to the market step and
 * `onBar`. A block holds only bars already received, so nothing computed on it can see a later bar.
 * @packageDocumentation
 */
import { Observable, type MonoTypeOperatorFunction } from 'rxjs'
import type { AgentPlugin, BarBlock, ExchangePort, MarketBar } from '../../types.js'
import type { EngineContext } from '../engine-context.js'
import { readCandleRow } from '../../data/candle-series.js'

/** Rows of a backtest block when the kernel's `blockRows` is not given. */
export const DEFAULT_BLOCK_ROWS = 1024

type MutableBar = { -readonly [K in keyof MarketBar]: MarketBar[K] }

/** A reusable {@link BarBlock}: columns of `capacity` rows, filled by {@link BlockBuffer.push}. */
export class BlockBuffer implements BarBlock {
  length = 0
  warmup = false
  readonly symbol: string[]
  readonly index: Int32Array
  readonly openTime: Float64Array
  readonly open: Float64Array
  readonly high: Float64Array
  readonly low: Float64Array
  readonly close: Float64Array
  readonly volume: Float64Array

  /** A block of at most `capacity` rows. */
  constructor(readonly capacity: number) {
    this.symbol = new Array<string>(capacity).fill('')
    this.index = new Int32Array(capacity)
    this.openTime = new Float64Array(capacity)
    this.open = new Float64Array(capacity)
    this.high = new Float64Array(capacity)
    this.low = new Float64Array(capacity)
    this.close = new Float64Array(capacity)
    this.volume = new Float64Array(capacity)
  }

  /** Copies `bar` into the next row; returns the row. */
  push(bar: MarketBar): number {
    const r = this.length++
    this.symbol[r] = bar.symbol
    this.index[r] = bar.index
    this.openTime[r] = bar.openTime
    this.open[r] = bar.open
    this.high[r] = bar.high
    this.low[r] = bar.low
    this.close[r] = bar.close
    this.volume[r] = bar.volume
    return r
  }

  /** Writes row `r` into `bar`. */
  read(r: number, bar: MutableBar): MarketBar {
    bar.symbol = this.symbol[r]!
    bar.index = this.index[r]!
    return readCandleRow(this, r, bar)
  }
}

/** Calls every active agent's `onBlock` on `block` and waits for all of them (failures reported). */
async function runHooks(
  engine: EngineContext<ExchangePort>,
  agents: readonly AgentPlugin[],
  block: BarBlock,
): Promise<void> {
  const { health } = engine
  const calls: Promise<void>[] = []
  for (const agent of agents) {
    if (health.isIsolated(agent.name)) continue
    const ref = { plugin: agent.name, hook: 'onBlock' }
    const started = health.timed ? health.now() : 0
    const settle = (): void => {
      if (health.timed) health.within(ref, started)
    }
    try {
      const out = agent.onBlock!(block, engine.contextOf(agent))
      if (out === undefined) settle()
      else calls.push(out.then(settle, (cause: unknown) => health.fail(ref, cause)))
    } catch (cause) {
      health.fail(ref, cause)
    }
  }
  if (calls.length > 0) await Promise.all(calls)
}

/**
 * Gathers bars into blocks, awaits the agents' `onBlock` on each, and passes the block's bars on in
 * arrival order (as kernel-owned flyweights, one per symbol); without an agent that has `onBlock` the
 * bars pass straight through. Completes (or errors) after the last block has gone on.
 * @example bars$.pipe(agentBlocks(engine, 1024), marketStep)
 */
export function agentBlocks(engine: EngineContext<ExchangePort>, rows: number): MonoTypeOperatorFunction<MarketBar> {
  const agents = engine.plugins.agents.filter((a) => a.onBlock !== undefined)
  if (agents.length === 0) return (source) => source
  const capacity = Math.max(1, Math.floor(rows))
  return (source) =>
    new Observable<MarketBar>((subscriber) => {
      const free: BlockBuffer[] = []
      const queue: BlockBuffer[] = []
      const flyweights = new Map<string, MutableBar>()
      let open: BlockBuffer | undefined
      let closing = false
      let running = false
      let ended: { error: unknown } | 'complete' | undefined
      const flyweightOf = (symbol: string): MutableBar => {
        let bar = flyweights.get(symbol)
        if (bar === undefined) {
          bar = { symbol, index: 0, openTime: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 }
          flyweights.set(symbol, bar)
        }
        return bar
      }
      const finish = (): void => {
        if (ended === undefined || running || open !== undefined || queue.length > 0) return
        if (ended === 'complete') subscriber.complete()
        else subscriber.error(ended.error)
      }
      const pump = async (): Promise<void> => {
        if (running) return
        running = true
        try {
          while (queue.length > 0 && !subscriber.closed) {
            const block = queue.shift()!
            await runHooks(engine, agents, block)
            for (let r = 0; r < block.length && !subscriber.closed; r++) {
              subscriber.next(block.read(r, flyweightOf(block.symbol[r]!)))
            }
            block.length = 0
            free.push(block)
          }
        } catch (error) {
          subscriber.error(error)
        } finally {
          running = false
        }
        finish()
      }
      const close = (): void => {
        if (open === undefined) return
        queue.push(open)
        open = undefined
        void pump()
      }
      const sub = source.subscribe({
        next(bar) {
          const block = (open ??= free.pop() ?? new BlockBuffer(capacity))
          block.push(bar)
          if (block.length === capacity) close()
          else if (!closing) {
            closing = true
            queueMicrotask(() => {
              closing = false
              close()
            })
          }
        },
        error(error: unknown) {
          ended = { error }
          close()
          finish()
        },
        complete() {
          ended = 'complete'
          close()
          finish()
        },
      })
      return () => sub.unsubscribe()
    })
}

/**
 * Warm-up bars through the agents' `onBlock` (as blocks marked `warmup`), in blocks of `rows`, so
 * stateful agents (model features) have seen them before the first live bar.
 * @example await warmBlocks(engine, history, 1024)
 */
export async function warmBlocks(
  engine: EngineContext<ExchangePort>,
  bars: readonly MarketBar[],
  rows: number,
): Promise<void> {
  const agents = engine.plugins.agents.filter((a) => a.onBlock !== undefined)
  if (agents.length === 0 || bars.length === 0) return
  const block = new BlockBuffer(Math.max(1, Math.floor(rows)))
  block.warmup = true
  for (let k = 0; k < bars.length;) {
    block.length = 0
    while (k < bars.length && block.length < block.capacity) block.push(bars[k++]!)
    await runHooks(engine, agents, block)
  }
}
