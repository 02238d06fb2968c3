/**
 * The `quantum-run` bin entry. `--help` and `--version` answer without loading the SDK; everything else
 * goes through {@link runCli}.
 * @packageDocumentation
 */
import { quickAnswer } from './usage.js'

const argv = process.argv.slice(2)
const quick = quickAnswer(argv)
if (quick === undefined) {
  const { runCli } = await import('./run-cli.js')
  process.exitCode = await runCli(argv)
} else {
  process.stdout.write(quick)
}
