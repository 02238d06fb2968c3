/**
 * Internal helper that reads a `.csv` or gzip-compressed `.csv.gz` file into one string.
 * Gzip is detected by its magic bytes (`1f 8b`), not by the file name.
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { constants as bufferConstants } from 'node:buffer'
import { gunzip, gunzipSync } from 'node:zlib'
import { promisify } from 'node:util'
import { DataError } from '../errors.js'

const gunzipAsync = promisify(gunzip)

function isGzip(buf: Buffer): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b
}

function fail(path: string, message: string, cause: unknown): never {
  throw new DataError(path, [{ kind: 'parse', message }], { cause })
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function toText(path: string, buf: Buffer): string {
  if (buf.length > bufferConstants.MAX_STRING_LENGTH) {
    fail(path, `file is too large to parse in one piece (${buf.length} bytes)`, undefined)
  }
  // latin1 is a 1:1 byte decode, much faster than utf8; the format is pure ASCII.
  return buf.toString('latin1')
}

/**
 * Reads a CSV file (gunzipping it when compressed) as text.
 * @throws {DataError} when the file cannot be read or decompressed.
 * @example const text = await readCsvText('BTCUSDT-5m.csv.gz')
 */
export async function readCsvText(path: string): Promise<string> {
  let buf: Buffer
  try {
    buf = await readFile(path)
  } catch (error) {
    return fail(path, `cannot read file: ${describe(error)}`, error)
  }
  if (!isGzip(buf)) return toText(path, buf)
  try {
    buf = await gunzipAsync(buf)
  } catch (error) {
    return fail(path, `cannot decompress gzip: ${describe(error)}`, error)
  }
  return toText(path, buf)
}

/**
 * Synchronous twin of {@link readCsvText}.
 * @throws {DataError} when the file cannot be read or decompressed.
 * @example const text = readCsvTextSync('BTCUSDT-1h.csv')
 */
export function readCsvTextSync(path: string): string {
  let buf: Buffer
  try {
    buf = readFileSync(path)
  } catch (error) {
    return fail(path, `cannot read file: ${describe(error)}`, error)
  }
  if (!isGzip(buf)) return toText(path, buf)
  try {
    buf = gunzipSync(buf)
  } catch (error) {
    return fail(path, `cannot decompress gzip: ${describe(error)}`, error)
  }
  return toText(path, buf)
}
