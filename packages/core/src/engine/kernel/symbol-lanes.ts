/** The two lanes of a symbol: protective commands (stops, closes, cancels) run before entries. */
export type Lane = 'protect' | 'enter'

type Job = () => Promise<void>

interface SymbolQueue {
  readonly protect: Job[]
  readonly enter: Job[]
  /** The lane of the job in flight, if any. */
  running: Lane | undefined
  /** Whether the symbol's loop is running (it may be between two jobs). */
  active: boolean
}

/**
 * A venue's command scheduler: one serial queue per symbol, so a symbol's commands reach the venue in
 * order and each waits for the previous one's answer, while a slow or stuck request holds up its own
 * symbol only. Within a symbol the protective lane goes first: a stop decided after an entry still waits
 * for a command in flight, never for queued entries. A failing job never stops a queue (`onError`).
 */
export class SymbolLanes {
  private readonly queues = new Map<string, SymbolQueue>()
  private size = 0
  private idle: (() => void)[] = []

  constructor(
    private readonly onError: (error: unknown) => void,
    /** Called after each job, once it no longer counts as busy (the protection ladder re-checks then). */
    private readonly onSettled?: (symbol: string, lane: Lane) => void,
  ) {}

  /** Appends a job to a lane of `symbol`. */
  push(symbol: string, lane: Lane, job: Job): void {
    let q = this.queues.get(symbol)
    if (q === undefined) this.queues.set(symbol, (q = { protect: [], enter: [], running: undefined, active: false }))
    q[lane].push(job)
    this.size++
    if (!q.active) void this.run(symbol, q)
  }

  /** Jobs of `lane` queued or in flight for `symbol`. */
  busy(symbol: string, lane: Lane): number {
    const q = this.queues.get(symbol)
    return q === undefined ? 0 : q[lane].length + (q.running === lane ? 1 : 0)
  }

  /** Jobs queued or in flight, every symbol. */
  get pending(): number {
    return this.size
  }

  /** Resolves once no job is queued or in flight. */
  drain(): Promise<void> {
    return this.size === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve))
  }

  private async run(symbol: string, q: SymbolQueue): Promise<void> {
    q.active = true
    for (;;) {
      const lane: Lane | undefined = q.protect.length > 0 ? 'protect' : q.enter.length > 0 ? 'enter' : undefined
      if (lane === undefined) break
      const job = q[lane].shift()!
      q.running = lane
      try {
        await job()
      } catch (error) {
        this.onError(error)
      }
      q.running = undefined
      this.size--
      try {
        this.onSettled?.(symbol, lane)
      } catch (error) {
        this.onError(error)
      }
    }
    q.active = false
    if (this.size === 0) {
      const waiting = this.idle
      this.idle = []
      for (const resolve of waiting) resolve()
    }
  }
}
