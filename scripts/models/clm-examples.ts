/**
 * The bundled example models regenerated through the CLM pipeline (no separate training script): one
 * training job per family (xgboost, lightgbm, nhits, patchtst) by the `Orchestrator` on BTC/ETH/BNB 1h,
 * with the bundled model of each family imported into the registry as PRODUCTION first, so every
 * candidate is evaluated out of time against it, the class prior and the majority class, and gated like
 * any retrained model. Writes the evaluation report (markdown) and the candidates' files.
 *
 *   node --import tsx scripts/models/clm-examples.ts [--data <dir>] [--out <dir>] [--report <file.md>] [--write-examples]
 *
 * `--write-examples` copies the candidates over `examples/ensemble/models/` (only when a family passed its
 * gates); without it the bundled models, and the examples' goldens, stay as they are.
 * Trainers: XGBoost and LightGBM in Python where they import (else the TypeScript GBDT, said so in the
 * report), N-HiTS and PatchTST with the PyTorch adapter (Debian python3-torch).
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadCandles } from '@quantum/core'
import {
  DEFAULT_LABEL,
  ModelLifecycle,
  Orchestrator,
  findPython,
  gbdtAdapter,
  openFileRegistry,
  pythonAdapter,
  torchAdapter,
  type FamilyPlan,
  type JobReport,
  type TrainingAdapter,
} from '@quantum/clm'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT']
const FAMILIES = [
  { family: 'xgboost', file: 'xgb' },
  { family: 'lightgbm', file: 'lgbm' },
  { family: 'nhits', file: 'nhits' },
  { family: 'patchtst', file: 'patchtst' },
] as const

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(name)
  return at > 0 ? process.argv[at + 1]! : fallback
}

function treeAdapter(library: 'xgboost' | 'lightgbm'): { adapter: TrainingAdapter; note: string } {
  try {
    findPython(library, library === 'lightgbm' ? { env: { PYTHONPATH: '/opt/lgbm-site' } } : {})
    return {
      adapter: pythonAdapter({ library, ...(library === 'lightgbm' ? { env: { PYTHONPATH: '/opt/lgbm-site' } } : {}) }),
      note: `Python ${library}`,
    }
  } catch {
    return { adapter: gbdtAdapter(), note: `TypeScript GBDT (${library} does not import in Python)` }
  }
}

const f4 = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(4))
const pct = (x: number | undefined): string =>
  x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(1)} %`

/** Runs the jobs and writes the report. */
async function main(): Promise<void> {
  const dataDir = arg('--data', join(process.env.QUANTUM_SHARED_DIR ?? resolve(root, '..', 'shared'), 'data'))
  const out = resolve(arg('--out', join(tmpdir(), 'qt-clm-examples')))
  const reportPath = resolve(arg('--report', join(root, 'docs/guides/example-models-evaluation.md')))
  const bundled = join(root, 'examples/ensemble/models')
  await mkdir(out, { recursive: true })
  const series = await Promise.all(
    SYMBOLS.map(async (s) => (await loadCandles(join(dataDir, `${s}-1h.csv`), { cache: false })).series),
  )
  const regDir = await mkdtemp(join(tmpdir(), 'qt-clm-examples-reg-'))
  const lifecycle = new ModelLifecycle(await openFileRegistry({ dir: regDir, create: true }))
  const trainers: Record<string, string> = {}
  const families: Record<string, FamilyPlan> = {}
  for (const { family, file } of FAMILIES) {
    // The bundled model becomes PRODUCTION, so the candidate has to beat it out of time.
    const meta = JSON.parse(await readFile(join(bundled, `${file}.meta.json`), 'utf8')) as Record<string, unknown>
    const v = await lifecycle.register({
      family,
      model: new Uint8Array(await readFile(join(bundled, `${file}.onnx`))),
      metadata: meta as never,
      lineage: {
        dataFrom: '2023-12-01T00:00:00Z',
        dataTo: '2025-06-30T23:59:59Z',
        data: SYMBOLS.map((s) => `${s}-1h.csv`),
        features: meta.features as string[],
        label: String((meta.training as { label: string }).label),
        trainer: 'scripts/models/train_example_models.py',
        params: {},
        codeVersion: 'bundled',
      },
    })
    await lifecycle.recordEvaluation(v.id, { candidate: true, reasons: ['imported: the bundled model'] })
    await lifecycle.promote(v.id)
    const trainer =
      family === 'xgboost' || family === 'lightgbm'
        ? treeAdapter(family)
        : { adapter: torchAdapter({ architecture: family }), note: `PyTorch ${family}` }
    trainers[family] = trainer.note
    families[family] = {
      adapter: trainer.adapter,
      data: () => Promise.resolve(series),
      sources: SYMBOLS.map((s) => `${s}-1h.csv`),
      label: DEFAULT_LABEL,
      params:
        family === 'nhits' || family === 'patchtst'
          ? { epochs: 4, trainStride: 2, budgetSeconds: 150, threads: 1, hidden: 32 }
          : { rounds: 300, learningRate: 0.05, maxDepth: 5, earlyStoppingRounds: 30, threads: 1 },
      timeoutMs: 1_800_000,
    }
  }
  const orchestrator = new Orchestrator({ lifecycle, families, codeVersion: 'scripts/models/clm-examples.ts' })
  const reports: { family: string; report: JobReport; load: [number, number] }[] = []
  for (const { family } of FAMILIES) {
    const l0 = loadavg()[0]!
    const report = await orchestrator.run({ family, reason: 'manual', requestedAt: Date.now() })
    reports.push({ family, report, load: [l0, loadavg()[0]!] })
    console.log(`${family}: ${report.stage ?? 'no version'} ${report.failure ? JSON.stringify(report.failure) : ''}`)
    if (report.id !== undefined && report.stage !== 'FAILED') await lifecycle.materialize(report.id, join(out, family))
  }
  const lines = [
    '---',
    'title: Example models - regenerated and evaluated by the CLM pipeline',
    '---',
    '',
    '# Example models: regenerated and evaluated by the CLM pipeline',
    '',
    '<!-- Written by `node --import tsx scripts/models/clm-examples.ts`; do not edit by hand. -->',
    '',
    `Generated ${new Date().toISOString().slice(0, 16)} UTC from \`${SYMBOLS.map((s) => `${s}-1h.csv`).join('`, `')}\` (shared data).`,
    'One CLM job per family (`Orchestrator`): rows from the SDK feature code, the label of the bundled models',
    '(forward 4-bar return, ±0.6 %), time-ordered splits with a purge gap (test = the newest 90 days,',
    'validation = the 90 days before), training, registration, out-of-time evaluation, gates. The bundled',
    'model of each family is imported as PRODUCTION first, so each candidate is compared with it on the',
    'same test window, which the bundled models never trained on (they stop on 2025-06-30). A candidate must',
    'beat the class prior and the production model on log-loss to become a CANDIDATE.',
    '',
    '| family | trainer | stage | test rows | log-loss | prior | bundled (production) | accuracy | majority | balanced acc. | job time | load avg |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ]
  for (const { family, report, load } of reports) {
    const s = report.evaluation?.skill
    lines.push(
      `| ${family} | ${trainers[family]} | ${report.stage ?? 'failed'} | ${s?.candidate.rows ?? '—'} | ${f4(s?.candidate.logLoss)} | ${f4(s?.prior.logLoss)} | ${f4(s?.production?.logLoss)} | ${pct(s?.candidate.accuracy)} | ${pct(s?.majority.accuracy)} | ${pct(s?.candidate.balancedAccuracy)} | ${((report.timings.total ?? 0) / 1000).toFixed(0)} s | ${load[0].toFixed(1)}–${load[1].toFixed(1)} |`,
    )
  }
  lines.push('', '## Why each version got its stage', '')
  for (const { family, report } of reports) {
    const reasons = report.failure
      ? [`failed at ${report.failure.step}: ${report.failure.error}`]
      : report.evaluation?.decision.reasons.length
        ? report.evaluation.decision.reasons
        : ['passed every gate']
    lines.push(`- **${family}**: ${reasons.join('; ')}`)
  }
  lines.push(
    '',
    '## What the example runs',
    '',
    '`examples/ensemble` still runs the bundled models (`examples/ensemble/models/`), not these candidates:',
    'a candidate replaces a bundled model only with `--write-examples` and only when it passed its gates,',
    "and replacing one changes the ensemble example's recorded results (its goldens), which then have to be",
    'recorded again in the same change.',
    '',
  )
  await mkdir(dirname(reportPath), { recursive: true })
  await writeFile(reportPath, `${lines.join('\n')}\n`)
  console.log(`report: ${reportPath}; candidates' files: ${out}`)
  if (process.argv.includes('--write-examples')) {
    for (const { family, file } of FAMILIES) {
      const r = reports.find((x) => x.family === family)!.report
      if (r.stage !== 'CANDIDATE') continue
      await copyFile(join(out, family, `${r.id}.onnx`), join(bundled, `${file}.onnx`))
      await copyFile(join(out, family, `${r.id}.meta.json`), join(bundled, `${file}.meta.json`))
      console.log(`replaced examples/ensemble/models/${file}.*`)
    }
  }
  await rm(regDir, { recursive: true, force: true })
}

await main()
