import { requireOnnxProto } from '../optional-deps.js'

/** An ONNX node attribute value; FLOAT vs INT is explicit because JS cannot tell `1` from `1.0`. */
export type AttrValue =
  | { readonly f: number }
  | { readonly i: number }
  | { readonly s: string }
  | { readonly floats: readonly number[] }
  | { readonly ints: readonly number[] }
  | { readonly strings: readonly string[] }
  | { readonly t: OnnxTensor }

/**
 * A tensor as the writer builds it: the fields of ONNX's `TensorProto` it sets (plain data, so that the
 * package's types do not depend on `onnx-proto`, an optional peer).
 */
export interface OnnxTensor {
  /** Tensor name. */
  name: string
  /** Dimensions. */
  dims: number[]
  /** `TensorProto.DataType` (1 = FLOAT). */
  dataType: number
  /** Little-endian values. */
  rawData: Uint8Array
}

/** An attribute as the writer builds it (the fields of ONNX's `AttributeProto` it sets). */
export interface OnnxAttribute {
  /** Attribute name. */
  name: string
  /** `AttributeProto.AttributeType` (1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 6 FLOATS, 7 INTS, 8 STRINGS). */
  type: number
  /** FLOAT value. */
  f?: number
  /** INT value. */
  i?: number
  /** STRING value (UTF-8). */
  s?: Uint8Array
  /** FLOATS values. */
  floats?: number[]
  /** INTS values. */
  ints?: number[]
  /** STRINGS values (UTF-8). */
  strings?: Uint8Array[]
  /** TENSOR value. */
  t?: OnnxTensor
}

/** A graph node as the writer builds it (the fields of ONNX's `NodeProto` it sets). */
export interface OnnxNode {
  /** Operator, e.g. `Softmax`. */
  opType: string
  /** Operator domain (`''` = default ONNX). */
  domain: string
  /** Node name. */
  name: string
  /** Input tensor names. */
  input: string[]
  /** Output tensor names. */
  output: string[]
  /** Attributes. */
  attribute: OnnxAttribute[]
}

/** A typed graph input or output (the fields of ONNX's `ValueInfoProto` the writer sets). */
export interface OnnxValueInfo {
  /** Tensor name. */
  name: string
  /** Element type and shape. */
  type: { tensorType: { elemType: number; shape: { dim: ({ dimValue: number } | { dimParam: string })[] } } }
}

/** Element types the writer can declare for graph inputs, outputs and initializers. */
export type ElemType = 'float' | 'int64'

/** One tensor dimension: a fixed size or a symbolic name such as `'batch'`. */
export type Dim = number | string

const utf8 = new TextEncoder()
// Values of onnx.proto's AttributeProto.AttributeType and TensorProto.DataType (fixed by the ONNX spec).
const AT = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const
const DT = { FLOAT: 1, INT64: 7 } as const
const ELEM: Record<ElemType, number> = { float: DT.FLOAT, int64: DT.INT64 }

/**
 * One named attribute; strings are stored as UTF-8 bytes, as ONNX requires.
 * @example attr('post_transform', { s: 'SOFTMAX' })
 */
export function attr(name: string, value: AttrValue): OnnxAttribute {
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
export function node(opType: string, spec: NodeSpec, options: NodeOptions = {}): OnnxNode {
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
export function floatTensor(name: string, dims: readonly number[], data: ArrayLike<number>): OnnxTensor {
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
export function valueInfo(name: string, elemType: ElemType, shape: readonly Dim[]): OnnxValueInfo {
  const dim = shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }))
  return { name, type: { tensorType: { elemType: ELEM[elemType], shape: { dim } } } }
}

/** Everything {@link model} needs to serialise one ONNX model. */
export interface ModelSpec {
  /** Graph name. */
  readonly name: string
  /** Nodes in topological order. */
  readonly nodes: readonly OnnxNode[]
  /** Graph inputs. */
  readonly inputs: readonly OnnxValueInfo[]
  /** Graph outputs. */
  readonly outputs: readonly OnnxValueInfo[]
  /** Constant tensors. @default [] */
  readonly initializers?: readonly OnnxTensor[]
  /** Opset version per domain. @default { '': 17 } */
  readonly opsets?: Readonly<Record<string, number>>
  /** Free-form description stored in the model. @default '' */
  readonly docString?: string
}

/** The ONNX IR version the writer emits (ONNX 1.12 / opset 17 era). */
export const ONNX_IR_VERSION = 8

/**
 * Serialises a graph into ONNX model bytes (IR version 8).
 * @throws {MissingDependencyError} when the optional package `onnx-proto` is not installed.
 * @example
 * const bytes = model({ name: 'g', nodes, inputs: [valueInfo('input', 'float', ['batch', 4])], outputs, opsets: { '': 17 } })
 * await writeFile('m.onnx', bytes)
 */
export function model(spec: ModelSpec): Uint8Array {
  const opsets = spec.opsets ?? { '': 17 }
  const { onnx } = requireOnnxProto()
  const graph = {
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
