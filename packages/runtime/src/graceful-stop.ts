/**
 * SIGTERM/SIGINT for a running paper or venue run: the first signal asks for a graceful stop (bounded
 * in time), a second one exits at once.
 * @packageDocumentation
 */
/** Options of {@link onStopSignals}. */
export interface StopSignalOptions {
  /** Where the two exit lines go (the console's stderr). */
  readonly stderr: { write(text: string): unknown }
  /** Ends the process at once. */
  readonly exitNow: (code: number) => void
  /** How long a graceful stop may take before the process exits 1 (ms). */
  readonly timeoutMs: number
  /** What a second signal leaves behind, for its exit line. */
  readonly note: string
}

/** The stop signals of a run, listened to until {@link StopSignals.dispose}. */
export interface StopSignals {
  /** Aborted by the first SIGTERM or SIGINT (its `reason` is the signal's name). */
  readonly signal: AbortSignal
  /** Stops listening and clears the graceful stop's deadline. */
  dispose(): void
}

/**
 * Listens for SIGTERM and SIGINT (what `systemctl stop`, `docker stop` and Ctrl-C send). The first
 * aborts {@link StopSignals.signal}: the run takes no new bar or entry, finishes what is in flight,
 * flushes its state and writes its run folder; past `timeoutMs` the process exits 1. A second signal
 * exits 130 at once (the store's transactions keep it consistent). Dispose of it only once the run
 * folder is written: a signal that arrives while no listener is left would be lost or end the process.
 */
export function onStopSignals(options: StopSignalOptions): StopSignals {
  const abort = new AbortController()
  let deadline: NodeJS.Timeout | undefined
  const onSignal = (signal: NodeJS.Signals): void => {
    if (abort.signal.aborted) {
      options.stderr.write(`${signal} again: exiting now (${options.note})\n`)
      options.exitNow(130)
      return
    }
    abort.abort(signal)
    deadline = setTimeout(() => {
      options.stderr.write(`graceful stop took over ${options.timeoutMs} ms: exiting\n`)
      options.exitNow(1)
    }, options.timeoutMs)
    deadline.unref()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: abort.signal,
    dispose: () => {
      if (deadline !== undefined) clearTimeout(deadline)
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    },
  }
}
