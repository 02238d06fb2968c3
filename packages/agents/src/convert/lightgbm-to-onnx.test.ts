import { readFileSync } from 'node:fs'
import { ModelError } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import {
  fixturePath,
  inputTensor,
  loadGoldens,
  maxAbsDiff,
  runProbabilities,
} from '../../test/fixtures/models/fixtures.js'
import { lightgbmTextToOnnx } from './lightgbm-to-onnx.js'
import { float32AtOrBelow } from './tree-ensemble.js'

const text = (): string => readFileSync(fixturePath('lgbm_tiny.txt'), 'utf8')

function messageOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  }
  return 'no error'
}

/** Replaces the first `key=` line of tree `tree` in the dump. */
function editTree(dump: string, tree: number, key: string, value: string): string {
  const start = dump.indexOf(`Tree=${tree}\n`)
  const at = dump.indexOf(`\n${key}=`, start)
  const end = dump.indexOf('\n', at + 1)
  return `${dump.slice(0, at)}\n${key}=${value}${dump.slice(end)}`
}

describe('lightgbmTextToOnnx', () => {
  it('should match LightGBM predict on the golden rows (NaN in tracked and untracked features) at 1e-5', async () => {
    const goldens = loadGoldens()
    const probs = await runProbabilities(lightgbmTextToOnnx(text()), inputTensor(goldens.tabular))
    expect(probs).toHaveLength(goldens.tabular.lgbm.length)
    expect(maxAbsDiff(probs, goldens.tabular.lgbm)).toBeLessThan(1e-5)
  })

  it('should throw a ModelError for text that is not a model dump', () => {
    expect(() => lightgbmTextToOnnx('hello world')).toThrow(ModelError)
    expect(() => lightgbmTextToOnnx(42 as unknown as string)).toThrow(ModelError)
    expect(messageOf(() => lightgbmTextToOnnx('hello'))).toContain('num_class')
  })

  it('should name the tree and field of a categorical split or a bad array', () => {
    const categorical = editTree(text(), 1, 'decision_type', '1 2 2 2 2 2')
    expect(messageOf(() => lightgbmTextToOnnx(categorical, { source: 'm.txt' }))).toMatch(
      /Model m\.txt[\s\S]*Tree=1\.decision_type\.0: categorical/,
    )
    const short = editTree(text(), 2, 'leaf_value', '0.1 0.2')
    expect(messageOf(() => lightgbmTextToOnnx(short))).toContain('Tree=2.leaf_value')
  })

  it('should refuse multiclassova and binary objectives', () => {
    const ova = text().replace(/^objective=multiclass/m, 'objective=multiclassova')
    expect(messageOf(() => lightgbmTextToOnnx(ova))).toContain('objective')
  })
})

describe('float32AtOrBelow', () => {
  it('should return the largest float32 not above the double', () => {
    for (const v of [0.1, -0.1, 1 / 3, -1 / 3, 1e-40, -1e-40, 123.456, 0, 5]) {
      const t = float32AtOrBelow(v)
      expect(t).toBeLessThanOrEqual(v)
      expect(Math.fround(t)).toBe(t)
      const next = new Float32Array([t])
      const bits = new Uint32Array(next.buffer)
      if (t >= 0) bits[0] = bits[0]! + 1
      else bits[0] = bits[0]! - 1
      expect(next[0]!).toBeGreaterThan(v)
    }
  })
})
