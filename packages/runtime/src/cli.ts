/**
 * The `quantum-run` bin entry. `--help` and `--version` answer without loading the SDK; everything else
 * goes through {@link runCli}.
 * @packageDocumentation
 */
import { setFlagsFromString } from 'node:v8'
import { heapFlags } from './heap-tuning.js'
import { quickAnswer } from './usage.js'

const argv = process.argv.slice(2)
const quick = quickAnswer(argv)
if (quick === undefined) {
  // Before the SDK loads: the heap's growth policy applies from the first full collection on.
  const flags = heapFlags(process.execArgv)
  if (flags !== undefined) setFlagsFromString(flags)
  const { runCli } = await import('./run-cli.js')
  process.exitCode = await runCli(argv)
} else {
  process.stdout.write(quick)
}
