/**
 * A training adapter that runs XGBoost or LightGBM in Python where it is installed (Debian
 * `python3-xgboost`; LightGBM from a wheel, it is not in Debian), then converts the saved model to ONNX
 * with the agents' converters. Where the interpreter or the library is missing it fails with a
 * `TrainerError` (`missing-dependency`) that names what to install.
 * @packageDocumentation
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { lightgbmTextToOnnx, xgboostJsonToOnnx } from '@quantum/agents'
import { TrainerError } from '../errors.js'
import { BACKGROUND_NICENESS, lowerProcessPriority } from '../worker/priority.js'
import type { TrainedModel, TrainingAdapter, TrainingRequest } from './adapter.js'

/** Python libraries the adapters can train with (`torch`: the window models, see {@link torchAdapter}). */
export type PythonLibrary = 'xgboost' | 'lightgbm' | 'torch'

/** Options of {@link pythonAdapter}. */
export interface PythonAdapterOptions {
  /** The library. */
  readonly library: PythonLibrary
  /**
   * Interpreters to try, first that imports the library wins.
   * @default $QUANTUM_PYTHON, /usr/bin/python3 (Debian's: a pyenv shim first on PATH cannot see Debian's modules), python3
   */
  readonly python?: readonly string[]
  /** Extra environment (e.g. `PYTHONPATH` of a LightGBM wheel). */
  readonly env?: Readonly<Record<string, string>>
}

const INSTALL_HINT: Record<PythonLibrary, string> = {
  xgboost: 'apt-get install -y python3-xgboost python3-numpy',
  lightgbm:
    'LightGBM is not in Debian: pip install --no-deps --target /opt/lgbm-site lightgbm, then PYTHONPATH=/opt/lgbm-site',
  torch: 'apt-get install -y python3-torch python3-numpy',
}

/** A training script shipped with the package (`python/<name>`). */
function scriptPath(name = 'train_tree.py'): string {
  const here = dirname(fileURLToPath(import.meta.url))
  for (const up of ['../../python', '../python']) {
    const p = join(here, up, name)
    if (existsSync(p)) return p
  }
  throw new TrainerError('python', 'missing-dependency', `${name} not found near ${here}`)
}

function candidatesOf(options: Omit<PythonAdapterOptions, 'library'>): readonly string[] {
  return (
    options.python ??
    [process.env.QUANTUM_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => p !== undefined && p !== '')
  )
}

function missing(library: PythonLibrary, tried: readonly string[]): TrainerError {
  return new TrainerError(
    `python:${library}`,
    'missing-dependency',
    `no Python can import ${library}: tried ${tried.join(', ')}. Install: ${INSTALL_HINT[library]}`,
  )
}

const probeOutcome = (r: { error?: Error | undefined; stderr: string; status: number | null }): string =>
  r.error !== undefined ? 'not found' : (r.stderr.trim().split('\n').at(-1) ?? `exit ${r.status}`)

/**
 * The first interpreter of `candidates` that can import `library` (and numpy). Blocks the calling
 * thread while each interpreter imports the library (up to seconds): the adapters use
 * {@link locatePython} instead.
 * @throws {TrainerError} `missing-dependency` naming every interpreter tried and what to install.
 */
export function findPython(library: PythonLibrary, options: Omit<PythonAdapterOptions, 'library'> = {}): string {
  const tried: string[] = []
  for (const py of candidatesOf(options)) {
    const r = spawnSync(py, ['-c', `import numpy, ${library}`], {
      encoding: 'utf8',
      env: { ...process.env, ...options.env },
    })
    if (r.status === 0) return py
    tried.push(`${py} (${probeOutcome(r)})`)
  }
  throw missing(library, tried)
}

/** Interpreters found by {@link locatePython}, by library, candidates and environment. */
const located = new Map<string, string>()

/**
 * {@link findPython} without blocking the calling thread (the probes run as child processes it awaits);
 * an interpreter found is remembered for the process's lifetime, a missing one is looked for again.
 * @throws {TrainerError} `missing-dependency` naming every interpreter tried and what to install.
 */
export async function locatePython(
  library: PythonLibrary,
  options: Omit<PythonAdapterOptions, 'library'> = {},
): Promise<string> {
  const candidates = candidatesOf(options)
  const key = JSON.stringify([library, candidates, options.env ?? {}])
  const known = located.get(key)
  if (known !== undefined) return known
  const tried: string[] = []
  for (const py of candidates) {
    const r = await probe(py, ['-c', `import numpy, ${library}`], { ...process.env, ...options.env })
    if (r.status === 0) {
      located.set(key, py)
      return py
    }
    tried.push(`${py} (${probeOutcome(r)})`)
  }
  throw missing(library, tried)
}

function probe(
  py: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ error?: Error; stderr: string; status: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(py, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)))
    child.once('error', (error) => resolve({ error, stderr, status: null }))
    child.once('close', (status) => resolve({ stderr, status }))
  })
}

async function writeSplits(dir: string, request: TrainingRequest): Promise<void> {
  for (const [name, m] of [
    ['train', request.train],
    ['validation', request.validation],
  ] as const) {
    await writeFile(join(dir, `${name}.x.f32`), m.values)
    await writeFile(join(dir, `${name}.y.u8`), m.labels)
  }
  await writeFile(
    join(dir, 'meta.json'),
    JSON.stringify({ columns: request.train.columns, classes: request.classCount }),
  )
}

function runPython(
  py: string,
  args: readonly string[],
  opts: { timeoutMs: number; name: string; env: NodeJS.ProcessEnv; niceness: number },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(py, args, { env: opts.env, stdio: ['ignore', 'ignore', 'pipe'] })
    // Before the interpreter starts its threads (they inherit it): the trainer takes the idle CPU.
    lowerProcessPriority(child.pid, opts.niceness)
    let stderr = ''
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new TrainerError(opts.name, 'timeout', `no result after ${opts.timeoutMs} ms; process killed`))
    }, opts.timeoutMs)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(new TrainerError(opts.name, 'crashed', { message: e.message, cause: e }))
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve()
      else if (code === 3) reject(new TrainerError(opts.name, 'missing-dependency', stderr.trim()))
      else if (signal !== 'SIGKILL')
        reject(
          new TrainerError(
            opts.name,
            'crashed',
            `exit ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
          ),
        )
    })
  })
}

/**
 * The Python adapter.
 * @example const adapter = pythonAdapter({ library: 'xgboost' })
 */
export function pythonAdapter(
  options: PythonAdapterOptions & { readonly library: 'xgboost' | 'lightgbm' },
): TrainingAdapter {
  const name = `python:${options.library}`
  return {
    name,
    async train(request: TrainingRequest): Promise<TrainedModel> {
      const py = await locatePython(options.library, options)
      const dir = await mkdtemp(join(tmpdir(), 'qt-clm-py-'))
      try {
        await writeSplits(dir, request)
        await runPython(py, [scriptPath(), dir, options.library, JSON.stringify(request.params)], {
          timeoutMs: request.timeoutMs,
          name,
          env: { ...process.env, ...options.env },
          niceness: request.niceness ?? BACKGROUND_NICENESS,
        })
        const result = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as {
          rounds: number
          version: string
        }
        const featureCount = request.train.columns
        const onnx =
          options.library === 'xgboost'
            ? xgboostJsonToOnnx(JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')), {
                featureCount,
                source: `${name} model.json`,
              })
            : lightgbmTextToOnnx(await readFile(join(dir, 'model.txt'), 'utf8'), { source: `${name} model.txt` })
        return { onnx, trainer: `${name} (${result.version})`, params: { ...request.params, rounds: result.rounds } }
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    },
  }
}

/** Window-model architectures the PyTorch adapter trains. */
export type TorchArchitecture = 'nhits' | 'patchtst'

/** Options of {@link torchAdapter}. */
export interface TorchAdapterOptions {
  /** N-HiTS-like or PatchTST-like (`python/seq_models.py`). */
  readonly architecture: TorchArchitecture
  /** Interpreters to try. @default $QUANTUM_PYTHON, /usr/bin/python3, python3 */
  readonly python?: readonly string[]
  /** Extra environment. */
  readonly env?: Readonly<Record<string, string>>
}

async function writeSequences(dir: string, request: TrainingRequest): Promise<void> {
  const seq = request.sequences!
  await writeFile(join(dir, 'seq.x.f32'), seq.values)
  await writeFile(join(dir, 'train.ends.u32'), seq.trainEnds)
  await writeFile(join(dir, 'train.y.u8'), request.train.labels)
  await writeFile(join(dir, 'validation.ends.u32'), seq.validationEnds)
  await writeFile(join(dir, 'validation.y.u8'), request.validation.labels)
  await writeFile(
    join(dir, 'meta.json'),
    JSON.stringify({
      columns: seq.columns,
      window: seq.window,
      classes: request.classCount,
      mean: seq.normalization.mean,
      std: seq.normalization.std,
    }),
  )
}

/**
 * The PyTorch adapter: trains an N-HiTS-like or PatchTST-like window model in Python
 * (`python/train_seq.py`, Debian `python3-torch`) on the windows the orchestrator built, keeps the epoch
 * with the best validation loss, and exports it to ONNX (`input [N, 120, F]` normalised ->
 * `probabilities [N, 3]`). Params: `epochs` (4), `learningRate` (0.002), `batch` (256), `hidden` (N-HiTS,
 * 32), `dModel` / `layers` (PatchTST, 16 / 1), `trainStride` (1: every window), `balanced` class weights
 * (true), `budgetSeconds` (600), `threads` (1), `seed` (1).
 * @throws {TrainerError} `missing-dependency` naming the interpreters tried and what to install when no
 * Python imports torch; `failed` when the request has no windows (the family's `window` is 1).
 * @example const adapter = torchAdapter({ architecture: 'nhits' })
 */
export function torchAdapter(options: TorchAdapterOptions): TrainingAdapter {
  const name = `python:torch:${options.architecture}`
  return {
    name,
    async train(request: TrainingRequest): Promise<TrainedModel> {
      if (request.sequences === undefined)
        throw new TrainerError(
          name,
          'failed',
          `family ${request.family} gave no windows: set its window (120) in the plan`,
        )
      const py = await locatePython('torch', options)
      const dir = await mkdtemp(join(tmpdir(), 'qt-clm-torch-'))
      try {
        await writeSequences(dir, request)
        await runPython(py, [scriptPath('train_seq.py'), dir, options.architecture, JSON.stringify(request.params)], {
          timeoutMs: request.timeoutMs,
          name,
          env: { ...process.env, ...options.env },
          niceness: request.niceness ?? BACKGROUND_NICENESS,
        })
        const result = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as {
          epochs: number
          version: string
          validationLoss: number
        }
        return {
          onnx: new Uint8Array(await readFile(join(dir, 'model.onnx'))),
          trainer: `${name} (${result.version})`,
          params: { ...request.params, epochs: result.epochs, validationLoss: result.validationLoss },
        }
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    },
  }
}
