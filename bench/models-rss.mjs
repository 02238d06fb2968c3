// Memory of model serving alone, in a fresh process: the four bundled models loaded through a registry
// (as the model agents load them: with a replica on each inference thread, by default one on 2 cores),
// then running 1-symbol and 100-symbol steps. Prints one JSON line; bench/run.ts spawns it. Uses the
// built packages.
import { ModelRegistry } from '@quantum/agents'
import { readFileSync } from 'node:fs'
const rss = () => Math.round(process.memoryUsage().rss / 1e6)
const base = rss()
const dir = new URL('../examples/ensemble/models/', import.meta.url)
const registry = new ModelRegistry()
const sessions = await Promise.all(
  ['xgb', 'lgbm', 'nhits', 'patchtst'].map((n) => {
    const meta = JSON.parse(readFileSync(new URL(`${n}.meta.json`, dir), 'utf8'))
    return registry.acquire(new URL(`${n}.onnx`, dir).pathname, { features: meta.features, family: meta.family })
  }),
)
const loaded = rss()
for (const rows of [1, 100]) {
  for (let k = 0; k < 50; k++) {
    for (const s of sessions) await s.predict(new Float32Array(rows * s.rowSize).fill(0.1), rows)
  }
}
for (const s of sessions) await registry.release(s)
console.log(
  JSON.stringify({
    inferenceThreads: registry.inferenceThreads,
    baselineMb: base,
    loadedMb: loaded,
    runningMb: rss(),
    peakMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
)
