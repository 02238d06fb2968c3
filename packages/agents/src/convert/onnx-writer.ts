import onnxProto from 'onnx-proto'
import type { onnx as OnnxTypes } from 'onnx-proto'

// onnx-proto is CommonJS static protobufjs code: Node's ESM loader only exposes its default export.
const { onnx } = onnxProto

/** An ONNX node attribute value; FLOAT vs INT is explicit because JS cannot tell `1` from `1.0`. */
export type AttrValue =
  | { readonly f: number }
  | { readonly i: number }
  | { readonly s: string }
  | { readonly floats: readonly number[] }
  | { readonly ints: readonly number[] }
  | { readonly strings: readonly string[] }
  | { readonly t: OnnxTypes.ITensorProto }

/** Element types the writer can declare for graph inputs, outputs and initializers. */
export type ElemType = 'float' | 'int64'

/** One tensor dimension: a fixed size or a symbolic name such as `'batch'`. */
export type Dim = number | string

const utf8 = new TextEncoder()
const AT = onnx.AttributeProto.AttributeType
const DT = onnx.TensorProto.DataType
const ELEM: Record<ElemType, number> = { float: DT.FLOAT, int64: DT.INT64 }

/**
 * One named attribute; strings are stored as UTF-8 bytes, as ONNX requires.
 * @example attr('post_transform', { s: 'SOFTMAX' })
 */
export function attr(name: string, value: AttrValue): OnnxTypes.IAttributeProto {
  if ('f' in value) return { name, type: AT.FLOAT, f: value.f }
  if ('i' in value) return { name, type: AT.INT, i: value.i }
  if ('s' in value) return { name, type: AT.STRING, s: utf8.encode(value.s) }
  if ('floats' in value) return { name, type: AT.FLOATS, floats: [...value.floats] }
  if ('ints' in value) return { name, type: AT.INTS, ints: [...value.ints] }
  if ('strings' in value) return { name, type: AT.STRINGS, strings: value.strings.map((s) => utf8.encode(s)) }
  return { name, type: AT.TENSOR, t: value.t }
}

/** Options of {@link node}. */
export interface NodeOptions {
  /** Operator domain, e.g. `'ai.onnx.ml'`. @default '' (the default ONNX domain) */
  readonly domain?: string
  /** Node name. @default the op type followed by the first output name */
  readonly name?: string
}

/** Inputs, outputs and attributes of one {@link node}. */
export interface NodeSpec {
  /** Input tensor names. */
  readonly inputs: readonly string[]
  /** Output tensor names. */
  readonly outputs: readonly string[]
  /** Attributes by name. @default {} */
  readonly attrs?: Readonly<Record<string, AttrValue>>
}

/**
 * One graph node.
 * @example node('Softmax', { inputs: ['logits'], outputs: ['probabilities'], attrs: { axis: { i: -1 } } })
 */
export function node(opType: string, spec: NodeSpec, options: NodeOptions = {}): OnnxTypes.INodeProto {
  const attribute = Object.entries(spec.attrs ?? {}).map(([name, value]) => attr(name, value))
  return {
    opType,
    domain: options.domain ?? '',
    name: options.name ?? `${opType}_${spec.outputs[0] ?? ''}`,
    input: [...spec.inputs],
    output: [...spec.outputs],
    attribute,
  }
}

/**
 * A float32 tensor (for initializers or attributes) with its data in little-endian `rawData`.
 * @example floatTensor('W', [10, 3], weights)
 */
export function floatTensor(name: string, dims: readonly number[], data: ArrayLike<number>): OnnxTypes.ITensorProto {
  const count = dims.reduce((a, b) => a * b, 1)
  if (count !== data.length) throw new RangeError(`tensor ${name}: ${data.length} values for dims [${dims.join(', ')}]`)
  const raw = new Uint8Array(count * 4)
  const view = new DataView(raw.buffer)
  for (let i = 0; i < count; i++) view.setFloat32(i * 4, data[i]!, true)
  return { name, dims: [...dims], dataType: DT.FLOAT, rawData: raw }
}

/**
 * A typed graph input or output, e.g. `valueInfo('input', 'float', ['batch', 10])`.
 * @example valueInfo('probabilities', 'float', ['batch', 3])
 */
export function valueInfo(name: string, elemType: ElemType, shape: readonly Dim[]): OnnxTypes.IValueInfoProto {
  const dim = shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }))
  return { name, type: { tensorType: { elemType: ELEM[elemType], shape: { dim } } } }
}

/** Everything {@link model} needs to serialise one ONNX model. */
export interface ModelSpec {
  /** Graph name. */
  readonly name: string
  /** Nodes in topological order. */
  readonly nodes: readonly OnnxTypes.INodeProto[]
  /** Graph inputs. */
  readonly inputs: readonly OnnxTypes.IValueInfoProto[]
  /** Graph outputs. */
  readonly outputs: readonly OnnxTypes.IValueInfoProto[]
  /** Constant tensors. @default [] */
  readonly initializers?: readonly OnnxTypes.ITensorProto[]
  /** Opset version per domain. @default { '': 17 } */
  readonly opsets?: Readonly<Record<string, number>>
  /** Free-form description stored in the model. @default '' */
  readonly docString?: string
}

/** The ONNX IR version the writer emits (ONNX 1.12 / opset 17 era). */
export const ONNX_IR_VERSION = 8

/**
 * Serialises a graph into ONNX model bytes (IR version 8).
 * @example
 * const bytes = model({ name: 'g', nodes, inputs: [valueInfo('input', 'float', ['batch', 4])], outputs, opsets: { '': 17 } })
 * await writeFile('m.onnx', bytes)
 */
export function model(spec: ModelSpec): Uint8Array {
  const opsets = spec.opsets ?? { '': 17 }
  const graph: OnnxTypes.IGraphProto = {
    name: spec.name,
    node: [...spec.nodes],
    input: [...spec.inputs],
    output: [...spec.outputs],
    initializer: [...(spec.initializers ?? [])],
  }
  const proto = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    producerName: '@quantum/agents',
    producerVersion: '1',
    docString: spec.docString ?? '',
    graph,
    opsetImport: Object.entries(opsets).map(([domain, version]) => ({ domain, version })),
  })
  return onnx.ModelProto.encode(proto).finish()
}
