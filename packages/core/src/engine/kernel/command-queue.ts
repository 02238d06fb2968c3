/**
 * Runs exchange commands one after another, in the order they were asked for, so that a strategy's
 * orders reach a live venue in the same order as in a backtest (an exit's stop is never overtaken by
 * the next entry). A failing command never stops the queue: its error goes to `onError`.
 */
export class CommandQueue {
  private tail: Promise<void> = Promise.resolve()
  private pending = 0

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Appends a command; resolves when it has run (never rejects). */
  push(command: () => Promise<void>): Promise<void> {
    this.pending++
    const run = this.tail
      .then(command)
      .catch(this.onError)
      .finally(() => {
        this.pending--
      })
    this.tail = run
    return run
  }

  /** Commands queued or running. */
  get size(): number {
    return this.pending
  }

  /** Resolves once every command queued so far has run. */
  drain(): Promise<void> {
    return this.tail
  }
}
