/**
 * The kill -9 harness at full count: `node --import tsx bench/kill-restart.ts [kills] [seed]` (default
 * 100 kills, seed 1). A testnet run with a state store on the local emulator (seeded faults) is killed
 * with SIGKILL at seeded random points and restarted each time; prints the invariants (duplicate
 * orders, lost fills, positions without a stop past the grace period, store vs venue fills) and the
 * restart-to-ready times. Not part of `npm run bench` (it takes tens of minutes).
 */
import { runKillHarness } from '../packages/runtime/test/kill-harness.js'

const kills = Number(process.argv[2] ?? 100)
const seed = Number(process.argv[3] ?? 1)
const started = performance.now()
const result = await runKillHarness({ kills, seed, log: (line) => console.log(line) })
const ready = result.kills
  .map((k) => k.restartToReadyMs)
  .filter(Number.isFinite)
  .sort((a, b) => a - b)
const pct = (p: number): number => ready[Math.min(ready.length - 1, Math.floor(p * ready.length))] ?? Number.NaN
console.log(
  JSON.stringify(
    {
      kills: result.kills.length,
      crashPointKills: result.kills.filter((k) => k.kind !== 'random' && k.killed).length,
      duplicateOrders: result.duplicateOrders,
      lostFills: result.lostFills,
      extraFills: result.extraFills,
      unprotectedChecks: result.unprotectedChecks,
      venueFills: result.venueFills,
      orders: result.orders,
      storeTrades: result.storeTrades,
      finalExitCode: result.finalExitCode,
      finalStopMs: Math.round(result.finalStopMs),
      restartToReadyMs: { p50: Math.round(pct(0.5)), p90: Math.round(pct(0.9)), max: Math.round(ready.at(-1) ?? NaN) },
      minutes: +((performance.now() - started) / 60_000).toFixed(1),
      details: result.details,
    },
    null,
    2,
  ),
)
const clean =
  result.duplicateOrders === 0 && result.lostFills === 0 && result.extraFills === 0 && result.unprotectedChecks === 0
console.log(clean ? `${result.kills.length} kills, all clean` : 'NOT CLEAN')
process.exitCode = clean ? 0 : 1
