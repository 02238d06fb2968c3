/**
 * The `quantum-run --help` text, in a module of its own that imports nothing: `--help` and `--version`
 * answer without loading the SDK.
 * @packageDocumentation
 */
import pkg from '../package.json' with { type: 'json' }

/** The version of `@quantum/runtime`. */
export const VERSION: string = pkg.version

/** The `quantum-run --help` text. */
export const USAGE = `Usage: quantum-run <config.ts> [options]
       quantum-run check <config.ts> [--data <file>] [--symbols <A,B>] [--from <date>] [--to <date>]
       quantum-run runs list|show <id> [--state <file|postgres://...>]   past runs in the state store
       quantum-run models list|show <id>|promote <id>|rollback <family> [--state <...>]   the model registry
       quantum-run compare <run-dir> <run-dir>...   run folders side by side
       quantum-run optimize <config.ts>             search the config's optimize space (worker threads)
       quantum-run walk-forward <config.ts>         optimise in-sample, test out-of-sample, window by window
       quantum-run studies list|show <id> [--state <...>]   trials of optimize/walk-forward in the state store
       quantum-run data download --symbols <ids> --timeframe <tf> --from <date>   candles, mark, funding
       quantum-run check-bias <config.ts>           look-ahead and warm-up (recursion) checks of agents and exits
       quantum-run worker --redis <url>             run optimize/walk-forward --redis trials queued on Redis (BullMQ)

Runs the strategy described by a quantum.config.ts and writes a run folder
(summary.json, trades.csv, equity.csv, report.html). The config is type-checked first
(TypeScript, when installed; unchanged files are not checked again) and validated.
"check" type-checks and validates the config and finds its data files, without running it.

Options:
  --mode <mode>      backtest | paper | testnet | live (default: the config's mode, else backtest)
                     paper: the config's candles replayed as a live feed through the live engine
                     and its order queue, fills simulated by the paper exchange
  --feed <f>         paper: replay (default: the config's candles) | venue (live klines of Binance
                     USD-M's public market, or of the emulator named by QUANTUM_BINANCE_REST_URL/_WS_URL,
                     in real time; no API key needed)
  --speed <n>        paper replay pace in bars per second (default 0: as fast as it goes)
  --timeframe <tf>   testnet/live/paper --feed venue: kline timeframe the strategy runs on (default 1m)
  --max-bars <n>     testnet/live/paper --feed venue: stop after n closed bars (default: until Ctrl-C)
  --warmup <n>       testnet/live/paper --feed venue: closed bars per symbol fetched first to warm the
                     agents and exits up, never traded (default: the agents' declared warm-up)
  --orphans <p>      testnet/live: what reconciliation does with orders and positions this run did
                     not place: adopt (default) | cancel (their orders) | flatten (orders and positions)
  --http <addr>      paper/testnet/live: serve /health, /ready, /metrics and the live dashboard at
                     [host:]port (default host 127.0.0.1; any other host needs QUANTUM_HTTP_TOKEN,
                     and every POST needs it); the risk API (ESS status, trip, reset) under /risk
  --notify <hook>    paper/testnet/live, repeatable: send alerts (ESS trip, unprotected position,
                     plugin errors, reconnect storm, reduce-only, daily summary) to a webhook:
                     url (generic JSON) | slack=url | discord=url | telegram:<chat id>=url;
                     url may be env:NAME to read it from the environment
  --state <s>        testnet/live: where the run's durable state lives (order journal, fills, trades,
                     positions, exit and risk state, the sizer's learnt state): an SQLite file or a
                     postgres:// URL (default: the config's state key, else .quantum/state.db).
                     Restarting the same config resumes its run; SIGTERM/SIGINT stop it gracefully
                     (stops stay on the venue), a second signal exits at once. paper: stored only
                     with --state or the config's state key; a restart continues from the stored
                     account (balance, positions, open orders, exit state)
  --no-state         testnet/live: no state store (nothing survives a crash)
  --new-run          paper/testnet/live: start a new stored run instead of resuming the unfinished
                     one of this config (a changed config is refused on resume: this flag, or the
                     old config, decides); the old run's open positions become orphans (--orphans)
  --log-level <l>    debug | info | warn | error (default info; --quiet means error)
  --fail-on-plugin-error  exit 1 when any plugin hook threw during the run (they are always reported)
  --confirm-live     required by --mode live, with riskPolicy('STRICT') (limits at or below its
                     ceilings), its emergency stop, and an exit policy that stops every entry
                     testnet/live read keys from QUANTUM_BINANCE_TESTNET_API_KEY/_SECRET or
                     QUANTUM_BINANCE_API_KEY/_SECRET; QUANTUM_BINANCE_REST_URL/_WS_URL point the
                     adapter at a local emulator (refused in live mode)
  --data <file>      candle file(s) replacing data.candles; repeat or comma-separate;
                     paths relative to the current directory
  --symbols <A,B>    only these symbols (replaces data.symbols)
  --from <date>      first bar open time, ISO date or epoch ms (replaces data.from)
  --to <date>        end bar open time, exclusive (replaces data.to)
  --out <dir>        the run folder to write (default: <output.dir>/<name>-<YYYYMMDD-HHmmss>)
  --no-progress      no progress bar
  --no-report        do not write report.html
  --no-typecheck     run without type-checking the config first
  --json             print the summary as JSON on stdout
  --quiet            print nothing but errors
  --help             show this help
  --version          show the version

Exit codes: 0 ok (or check passed); 1 the run failed (a plugin, exchange or network
failure, a missing optional package); 2 the input is wrong (command line; config file
missing, a type error or an invalid value; data files missing or malformed).
Set DEBUG=quantum to print stack traces.`

/**
 * The answer to a command line that only asks for `--help` or `--version` (`-h`, `-v`), or undefined for
 * any other command line (which {@link runCli} parses in full).
 * @example quickAnswer(['--help']) // USAGE + '\n'
 */
export function quickAnswer(argv: readonly string[]): string | undefined {
  if (argv.length === 0 || !argv.every((a) => a === '--help' || a === '-h' || a === '--version' || a === '-v'))
    return undefined
  return argv.some((a) => a === '--help' || a === '-h') ? `${USAGE}\n` : `${VERSION}\n`
}
