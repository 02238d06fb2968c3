/**
 * `npm run bench:latency [processes] [live|ops|both]`: the signal -> wire benches of `npm run bench`
 * repeated in fresh processes, for figures with their spread (one process's p99 of 200 samples is its
 * second-worst sample, so a single run says little on a shared 2-core machine).
 *  - live: p50/p99 through the live engine and adapter, without and with the SQLite journal, against a
 *    bare ccxt createOrder (`benchLiveOrder`); says which hook watchdog ran.
 *  - ops: `--http` ops off/on in 8 alternating rounds of 50 signals (200 per side) (`benchOpsLatency`): the p50
 *    overhead pooled, and the median of the 4 paired round differences.
 * Each line ends with the 1-minute load average.
 */
import { loadavg } from 'node:os'
import { hookWatchdogKind } from '@quantum/core'
import { inFreshProcess } from './fresh-process.js'

interface Latency {
  readonly p50Ms: number
  readonly p99Ms: number
}
const processes = Number(process.argv[2] ?? 5)
const which = process.argv[3] ?? 'both'
const f = (l: Latency): string => `${l.p50Ms.toFixed(3)}/${l.p99Ms.toFixed(3)}`
const load = (): string => `load ${loadavg()[0]!.toFixed(2)}`
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

console.log(`hook watchdog: ${hookWatchdogKind()}; p50/p99 in ms`)
for (let i = 0; i < processes; i++) {
  if (which !== 'ops') {
    const r = await inFreshProcess<{ sdk: Latency; journaled: Latency; bare: Latency; realtime: boolean }>(
      'live-order.ts',
      'benchLiveOrder',
      [200],
    )
    console.log(
      `live  sdk ${f(r.sdk)}  journaled ${f(r.journaled)}  bare ccxt ${f(r.bare)}  ` +
        `${r.realtime ? 'real-time' : 'normal'} scheduling  ${load()}`,
    )
  }
  if (which !== 'live') {
    const r = await inFreshProcess<{ off: Latency; on: Latency; roundP50Ms: { off: number[]; on: number[] } }>(
      'live-order.ts',
      'benchOpsLatency',
      [200, 8],
    )
    const paired = r.roundP50Ms.on.map((on, k) => on / r.roundP50Ms.off[k]! - 1)
    console.log(
      `ops   off ${f(r.off)}  on ${f(r.on)}  p50 ${((r.on.p50Ms / r.off.p50Ms - 1) * 100).toFixed(1)} %  ` +
        `paired rounds median ${(median(paired) * 100).toFixed(1)} %  ${load()}`,
    )
  }
}
