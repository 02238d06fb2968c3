/**
 * Writes funding events as `funding_time,funding_rate` (the SDK's funding file format), atomically.
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto'
import { rename, rm, writeFile } from 'node:fs/promises'
import { FUNDING_HEADER, type FundingRow } from './history-rows.js'

/** Writes `rows` (ascending) to `path` through a temporary file, so readers never see a partial file. */
export async function writeFundingCsv(rows: readonly FundingRow[], path: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`
  const text = `${FUNDING_HEADER}\n${rows.map(([t, r]) => `${t},${r}\n`).join('')}`
  try {
    await writeFile(tmp, text)
    await rename(tmp, path)
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined)
    throw error
  }
}
