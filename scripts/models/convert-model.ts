/**
 * Command-line wrapper of the TypeScript tree converters (used by train_example_models.py).
 *
 *   node --conditions=@quantum/source --import tsx scripts/models/convert-model.ts \
 *     --xgboost model.json --features 10 --out xgb.onnx
 *   node --conditions=@quantum/source --import tsx scripts/models/convert-model.ts --lightgbm model.txt --out lgbm.onnx
 */
import { readFile, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { lightgbmTextToOnnx, xgboostJsonToOnnx } from '@quantum/agents'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      xgboost: { type: 'string' },
      lightgbm: { type: 'string' },
      features: { type: 'string', default: '10' },
      out: { type: 'string' },
    },
  })
  if (values.out === undefined || (values.xgboost === undefined) === (values.lightgbm === undefined)) {
    throw new Error(
      'usage: convert-model.ts (--xgboost model.json --features F | --lightgbm model.txt) --out model.onnx',
    )
  }
  const bytes =
    values.xgboost !== undefined
      ? xgboostJsonToOnnx(JSON.parse(await readFile(values.xgboost, 'utf8')), {
          featureCount: Number(values.features),
          source: values.xgboost,
        })
      : lightgbmTextToOnnx(await readFile(values.lightgbm!, 'utf8'), { source: values.lightgbm! })
  await writeFile(values.out, bytes)
  console.log(`${values.out}: ${(bytes.length / 1024).toFixed(1)} KB`)
}

await main()
