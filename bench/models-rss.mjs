// Memory of model serving alone, in a fresh process: the four bundled models loaded, then running
// 1-symbol and 100-symbol steps. Prints one JSON line; bench/run.ts spawns it. Uses the built packages.
import { openModelSession } from '@quantum/agents'
const rss = () => Math.round(process.memoryUsage().rss / 1e6)
const base = rss()
const dir = new URL('../examples/ensemble/models/', import.meta.url)
const sessions = await Promise.all(
  ['xgb', 'lgbm', 'nhits', 'patchtst'].map((n) => openModelSession(new URL(`${n}.onnx`, dir).pathname)),
)
const loaded = rss()
for (const rows of [1, 100]) {
  for (let k = 0; k < 50; k++) {
    for (const s of sessions) await s.predict(new Float32Array(rows * s.rowSize).fill(0.1), rows)
  }
}
console.log(
  JSON.stringify({
    baselineMb: base,
    loadedMb: loaded,
    runningMb: rss(),
    peakMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
)
