import { InferenceSession, Tensor } from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import { attr, floatTensor, model, node, valueInfo } from './onnx-writer.js'

describe('onnx-writer', () => {
  it('should write an MLP (Gemm, Relu, Gemm, Softmax) that onnxruntime runs with the expected output', async () => {
    const w1 = [1, -1, 0.5, 2, -0.5, 1] // [2, 3]
    const w2 = [1, 0, 0, 0, 1, 0, 0, 0, 1] // [3, 3]
    const bytes = model({
      name: 'mlp',
      nodes: [
        node('Gemm', { inputs: ['input', 'W1', 'B1'], outputs: ['h'] }),
        node('Relu', { inputs: ['h'], outputs: ['a'] }),
        node('Gemm', { inputs: ['a', 'W2', 'B2'], outputs: ['logits'] }),
        node('Softmax', { inputs: ['logits'], outputs: ['probabilities'], attrs: { axis: { i: -1 } } }),
      ],
      inputs: [valueInfo('input', 'float', ['batch', 2])],
      outputs: [valueInfo('probabilities', 'float', ['batch', 3])],
      initializers: [
        floatTensor('W1', [2, 3], w1),
        floatTensor('B1', [3], [0, 0.25, 0]),
        floatTensor('W2', [3, 3], w2),
        floatTensor('B2', [3], [0, 0, 0]),
      ],
    })
    const session = await InferenceSession.create(bytes)
    const out = await session.run({ input: new Tensor('float32', Float32Array.from([1, 2]), [1, 2]) })
    await session.release()
    // h = [1*1 + 2*2, 1*-1 + 2*-0.5 + 0.25, 1*0.5 + 2*1] = [5, -1.75, 2.5] -> relu -> [5, 0, 2.5]
    const e = [Math.exp(5), Math.exp(0), Math.exp(2.5)]
    const sum = e[0]! + e[1]! + e[2]!
    const probs = Array.from(out['probabilities']!.data as Float32Array)
    probs.forEach((p, i) => expect(p).toBeCloseTo(e[i]! / sum, 6))
  })

  it('should encode string attributes as bytes and keep FLOATS and INTS apart', () => {
    expect(attr('post_transform', { s: 'SOFTMAX' }).s).toEqual(new TextEncoder().encode('SOFTMAX'))
    expect(attr('v', { floats: [1, 2] })).toMatchObject({ type: 6, floats: [1, 2] })
    expect(attr('v', { ints: [1, 2] })).toMatchObject({ type: 7, ints: [1, 2] })
  })

  it('should store tensors as little-endian float32 raw data and check the element count', () => {
    const t = floatTensor('x', [2], [1.5, -2])
    const view = new DataView(t.rawData.buffer)
    expect([view.getFloat32(0, true), view.getFloat32(4, true)]).toEqual([1.5, -2])
    expect(() => floatTensor('x', [3], [1, 2])).toThrow(RangeError)
  })
})
