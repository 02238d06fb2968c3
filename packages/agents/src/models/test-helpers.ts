/**
 * Test-only helpers (not exported from the package): tiny ONNX MLPs written with `onnx-proto`
 * (`[Flatten] -> Gemm -> Relu -> Gemm -> Softmax`) with their `.meta.json`, and a fake plugin context.
 * @packageDocumentation
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger } from '@quantum/core'
import type { Logger, PluginContext } from '@quantum/core'
import onnxProto from 'onnx-proto'
import type { onnx as Onnx } from 'onnx-proto'
import { STANDARD_FEATURES } from '../features/standard-features.js'
import type { ModelClass, ModelFamily } from './model-metadata.js'

const { onnx } = onnxProto

/** Options of {@link writeTinyModel}. */
export interface TinyModelOptions {
  /** File name without extension. @default 'tiny' */
  readonly name?: string
  /** @default 'mlp' */
  readonly family?: ModelFamily
  /** @default 1 */
  readonly window?: number
  /** @default STANDARD_FEATURES */
  readonly features?: readonly string[]
  /** Class order of the model's output. @default ['BUY', 'SELL', 'HOLD'] */
  readonly classes?: readonly [ModelClass, ModelClass, ModelClass]
  /** Weight seed. @default 1 */
  readonly seed?: number
  /** @default '1.0.0' */
  readonly version?: string
  /** Put a NaN in the last bias (the model outputs NaN). @default false */
  readonly nan?: boolean
  /** Leave the Softmax out (outputs do not sum to 1). @default false */
  readonly noSoftmax?: boolean
  /** Feature count of the graph's input when it should differ from the metadata. @default features.length */
  readonly graphFeatures?: number
  /** Multiplier of the normalisation statistics (to make two versions differ). @default 1 */
  readonly normScale?: number
  /** Directory. @default a new temporary directory */
  readonly dir?: string
}

function floats(name: string, dims: number[], values: Float32Array): Onnx.ITensorProto {
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(values.buffer) }
}

function valueInfo(name: string, dims: (number | string)[]): Onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }))
  return { name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim } } } }
}

function random(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32 - 0.5
  }
}

function graphOf(o: TinyModelOptions, inputs: number, window: number): Onnx.IGraphProto {
  const rnd = random(o.seed ?? 1)
  const hidden = 8
  const w1 = Float32Array.from({ length: inputs * hidden }, () => rnd() / Math.sqrt(inputs / 4))
  const b1 = Float32Array.from({ length: hidden }, () => rnd() * 0.1)
  const w2 = Float32Array.from({ length: hidden * 3 }, () => rnd() * 2)
  const b2 = Float32Array.from({ length: 3 }, () => rnd() * 0.1)
  if (o.nan === true) b2[2] = NaN
  const feats = inputs / window
  const nodes: Onnx.INodeProto[] = []
  let x = 'input'
  if (window > 1) {
    nodes.push({ opType: 'Flatten', input: [x], output: ['flat'], attribute: [{ name: 'axis', type: 2, i: 1 }] })
    x = 'flat'
  }
  nodes.push({ opType: 'Gemm', input: [x, 'w1', 'b1'], output: ['h'] })
  nodes.push({ opType: 'Relu', input: ['h'], output: ['hr'] })
  const out = o.noSoftmax === true ? 'probabilities' : 'logits'
  nodes.push({ opType: 'Gemm', input: ['hr', 'w2', 'b2'], output: [out] })
  if (o.noSoftmax !== true) {
    const axis = { name: 'axis', type: 2, i: -1 }
    nodes.push({ opType: 'Softmax', input: ['logits'], output: ['probabilities'], attribute: [axis] })
  }
  return {
    name: 'tiny',
    node: nodes,
    initializer: [
      floats('w1', [inputs, hidden], w1),
      floats('b1', [hidden], b1),
      floats('w2', [hidden, 3], w2),
      floats('b2', [3], b2),
    ],
    input: [valueInfo('input', window > 1 ? ['batch', window, feats] : ['batch', feats])],
    output: [valueInfo('probabilities', ['batch', 3])],
  }
}

/**
 * Writes a tiny MLP `<dir>/<name>.onnx` with its `<name>.meta.json`; returns the model path.
 * @example const path = writeTinyModel({ family: 'nhits', window: 120 })
 */
export function writeTinyModel(o: TinyModelOptions = {}): string {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'qt-model-'))
  const features = o.features ?? STANDARD_FEATURES
  const window = o.window ?? 1
  const graphFeatures = o.graphFeatures ?? features.length
  const graph = graphOf(o, graphFeatures * window, window)
  const model = onnx.ModelProto.create({ irVersion: 8, graph, opsetImport: [{ domain: '', version: 17 }] })
  const path = join(dir, `${o.name ?? 'tiny'}.onnx`)
  writeFileSync(path, onnx.ModelProto.encode(model).finish())
  const meta = {
    format: 'quantum-model@1',
    name: o.name ?? 'tiny',
    family: o.family ?? 'mlp',
    version: o.version ?? '1.0.0',
    createdAt: '2025-10-01T00:00:00Z',
    features,
    window,
    input: { name: 'input', shape: window > 1 ? ['batch', window, features.length] : ['batch', features.length] },
    outputs: { probabilities: 'probabilities' },
    classes: o.classes ?? ['BUY', 'SELL', 'HOLD'],
    normalization: {
      mean: features.map((_, i) => i * 1e-4 * (o.normScale ?? 1)),
      std: features.map((_, i) => 0.01 * (1 + i) * (o.normScale ?? 1)),
    },
    training: { data: ['synthetic'], from: '2024-01-01', to: '2025-09-30', label: 'test' },
  }
  writeFileSync(join(dir, `${o.name ?? 'tiny'}.meta.json`), JSON.stringify(meta, null, 2))
  return path
}

/** A logger that records warnings (for assertions) and drops the rest. */
export function recordingLogger(): Logger & { readonly warnings: string[] } {
  const warnings: string[] = []
  const logger: Logger & { readonly warnings: string[] } = {
    ...silentLogger,
    warnings,
    warn: (message) => void warnings.push(message),
    child: () => logger,
  }
  return logger
}

/** A plugin context good enough for agents outside the engine (own bus identity, silent logger). */
export function fakeContext(logger: Logger = silentLogger): PluginContext {
  const bus = { emit: () => undefined, events$: undefined }
  return { mode: 'backtest', logger, bus } as unknown as PluginContext
}
