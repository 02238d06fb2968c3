/**
 * Where a search keeps its trials. For now JSON files in the study folder (`trials.jsonl`, one line per
 * trial as it finishes, and `optimize.json` at the end); the state store (issue 13) will implement the
 * same interface.
 * @packageDocumentation
 */
import { appendFile, mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Trial } from '@quantum/core'
import { writeFileAtomic } from './atomic.js'
import { toJson } from './serialize.js'

/** Keeps the trials and the result of one study. */
export interface TrialStore {
  /** Where the study lives (a folder for the file store). */
  readonly location: string
  /** Records one finished trial (durable before the next is recorded). */
  append(trial: Trial): Promise<void>
  /** Records the study's result document. */
  finish(result: Record<string, unknown>): Promise<void>
}

/** A {@link TrialStore} over a folder: `trials.jsonl` (appended) and `optimize.json` (written atomically). */
export async function fileTrialStore(dir: string, resultName = 'optimize.json'): Promise<TrialStore> {
  const location = resolve(dir)
  await mkdir(location, { recursive: true })
  const trials = join(location, 'trials.jsonl')
  let chain = Promise.resolve()
  return {
    location,
    append(trial) {
      chain = chain.then(() => appendFile(trials, `${toJson(trial, 0)}\n`))
      return chain
    },
    async finish(result) {
      await chain
      await writeFileAtomic(join(location, resultName), `${toJson(result)}\n`)
    },
  }
}
