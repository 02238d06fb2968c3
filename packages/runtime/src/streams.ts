/**
 * The output streams the CLI writes to (injected, so tests can capture them).
 * @packageDocumentation
 */

/** A writable text stream such as `process.stdout`; `isTTY` enables colours and the progress bar. */
export type CliStream = NodeJS.WritableStream & {
  /** True for an interactive terminal. */
  readonly isTTY?: boolean
}
