import { readFileSync } from 'node:fs'
import { ConfigError, ModelError } from '@quantum/core'
import { InferenceSession } from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import {
  fixturePath,
  inputTensor,
  loadGoldens,
  maxAbsDiff,
  runProbabilities,
} from '../../test/fixtures/models/fixtures.js'
import { xgboostJsonToOnnx } from './xgboost-to-onnx.js'

const readJson = (): Record<string, unknown> =>
  JSON.parse(readFileSync(fixturePath('xgb_tiny.json'), 'utf8')) as Record<string, unknown>

function messageOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  }
  return 'no error'
}

describe('xgboostJsonToOnnx', () => {
  it('should match XGBoost predict_proba on the golden rows (NaN rows included) at 1e-5', async () => {
    const goldens = loadGoldens()
    const bytes = xgboostJsonToOnnx(readJson(), { featureCount: 10 })
    const probs = await runProbabilities(bytes, inputTensor(goldens.tabular))
    expect(probs).toHaveLength(goldens.tabular.xgb.length)
    expect(maxAbsDiff(probs, goldens.tabular.xgb)).toBeLessThan(1e-5)
  })

  it('should declare input [batch, F] and outputs label and probabilities', async () => {
    const session = await InferenceSession.create(xgboostJsonToOnnx(readJson(), { featureCount: 10 }))
    expect(session.inputNames).toEqual(['input'])
    expect(session.outputNames).toEqual(['label', 'probabilities'])
    await session.release()
  })

  it('should throw a ModelError naming every bad field of a broken model', () => {
    const json = readJson() as { learner: Record<string, Record<string, unknown>> }
    json.learner.objective = { name: 'binary:logistic' }
    const gb = json.learner.gradient_booster as { model: { trees: Record<string, unknown>[] } }
    delete gb.model.trees[0]!.split_conditions
    const message = messageOf(() => xgboostJsonToOnnx(json, { featureCount: 10 }))
    expect(message).toMatch(/^ModelError/)
    expect(message).toContain('learner.objective.name')
    expect(message).toContain('learner.gradient_booster.model.trees.0.split_conditions')
  })

  it('should throw a ModelError when featureCount differs from num_feature or a split index is out of range', () => {
    expect(() => xgboostJsonToOnnx(readJson(), { featureCount: 9 })).toThrow(ModelError)
    expect(messageOf(() => xgboostJsonToOnnx(readJson(), { featureCount: 9 }))).toContain(
      'learner.learner_model_param.num_feature',
    )
  })

  it('should throw a ModelError for input that is not an XGBoost model', () => {
    expect(() => xgboostJsonToOnnx('not json', { featureCount: 10 })).toThrow(ModelError)
    expect(() => xgboostJsonToOnnx(null, { featureCount: 10 })).toThrow(ModelError)
  })

  it('should throw a ConfigError for invalid options', () => {
    expect(() => xgboostJsonToOnnx(readJson(), { featureCount: 0 })).toThrow(ConfigError)
    expect(messageOf(() => xgboostJsonToOnnx(readJson(), { featureCount: 1.5 }))).toContain('options.featureCount')
  })
})
