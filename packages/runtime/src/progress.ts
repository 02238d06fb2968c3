/**
 * The progress bar shown on stderr during long backtests (cli-progress).
 * @packageDocumentation
 */
import cliProgress from 'cli-progress'
import type { CliStream } from './streams.js'

/** Runs with more bars than this get a progress bar. */
export const PROGRESS_MIN_BARS = 50_000

/** Receives the engine's progress and draws it. */
export interface ProgressReporter {
  /** The `onProgress` callback handed to the runner. */
  readonly onProgress: (done: number, total: number) => void
  /** Removes the bar (call once the run ended, also on failure). */
  stop(): void
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** The stream to draw on; nothing is drawn unless it is a TTY. */
  readonly stream: CliStream
  /** False for `--no-progress` / `--quiet`. @default true */
  readonly enabled?: boolean
  /** Minimum bar count for showing the bar. @default PROGRESS_MIN_BARS */
  readonly minBars?: number
}

/** Creates a reporter that shows a bar, lazily, once the run reports more than `minBars` bars on a TTY. */
export function createProgress(options: ProgressOptions): ProgressReporter {
  const active = (options.enabled ?? true) && options.stream.isTTY === true
  const minBars = options.minBars ?? PROGRESS_MIN_BARS
  let bar: cliProgress.SingleBar | undefined
  return {
    onProgress(done, total) {
      if (!active || total <= minBars) return
      if (bar === undefined) {
        bar = new cliProgress.SingleBar(
          {
            stream: options.stream,
            format: 'backtest {bar} {percentage}% | {value}/{total} bars | ETA {eta_formatted}',
            hideCursor: true,
            clearOnComplete: true,
            fps: 10,
          },
          cliProgress.Presets.shades_classic,
        )
        bar.start(total, done)
      } else {
        bar.update(done)
      }
    },
    stop() {
      bar?.stop()
      bar = undefined
    },
  }
}
