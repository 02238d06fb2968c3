/**
 * `quantum-run models list|show <id>|promote <id>|rollback <family>`: the model registry kept in the
 * state store (`--state`, an SQLite file or a `postgres://` URL; default `.quantum/state.db`). A
 * promotion or rollback is a stage change in the store; a running runtime that follows the family
 * (the config's `clm` block) swaps the model in at its next check, without a restart.
 * @packageDocumentation
 */
import { parseArgs } from 'node:util'
import { ConfigError, ModelLifecycle, type ModelVersion } from '@quantum/core'
import { openForReading } from './runs-command.js'
import type { CliStream } from './streams.js'

/** Usage of the `models` command. */
export const MODELS_USAGE = `Usage: quantum-run models list [--family <f>] [--state <file|postgres://…>] [--json]
       quantum-run models show <id> [--state …] [--json]
       quantum-run models promote <id> [--state …]      CANDIDATE -> PRODUCTION (the previous one is ARCHIVED)
       quantum-run models rollback <family> [--state …] back to the previous PRODUCTION model`

/** What the `models` command needs from the CLI. */
export interface ModelsCommandIo {
  readonly stdout: CliStream
  readonly cwd: string
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        state: { type: 'string' },
        family: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    })
  } catch (error) {
    throw new ConfigError(`${error instanceof Error ? error.message : String(error)}\n${MODELS_USAGE}`)
  }
}

const metric = (v: ModelVersion, name: string): string => {
  const x = v.metrics?.[name]
  return x === undefined ? '-' : x.toFixed(4)
}

/** One line of `models list`. */
export function modelLine(v: ModelVersion): string {
  return [
    v.id,
    v.stage.padEnd(10),
    v.family,
    v.createdAt,
    `logLoss ${metric(v, 'logLoss')}`,
    `data ${v.lineage.dataFrom.slice(0, 10)}..${v.lineage.dataTo.slice(0, 10)}`,
  ].join('  ')
}

function details(v: ModelVersion): string {
  const l = v.lineage
  const lines = [
    `model ${v.id} (${v.family}, ${v.stage})`,
    `  created      ${v.createdAt}  updated ${v.updatedAt}`,
    `  data         ${l.dataFrom} .. ${l.dataTo}  (${l.data.join(', ')})`,
    `  features     ${l.features.length}: ${l.features.join(', ')}`,
    `  label        ${l.label}`,
    `  trainer      ${l.trainer} ${JSON.stringify(l.params)}`,
    `  code         ${l.codeVersion}${l.parent === undefined ? '' : `  parent ${l.parent}`}`,
    `  files        model ${v.files?.model ?? '-'}  metadata ${v.files?.metadata ?? '-'}`,
    `  metrics      ${Object.entries(v.metrics ?? {})
      .map(([k, x]) => `${k} ${x.toFixed(4)}`)
      .join(', ')}`,
    ...(v.reasons === undefined || v.reasons.length === 0 ? [] : [`  reasons      ${v.reasons.join('; ')}`]),
    '  history',
    ...v.history.map((h) => `    ${h.at}  ${h.stage}${h.note === undefined ? '' : `  ${h.note}`}`),
  ]
  return `${lines.join('\n')}\n`
}

/** Runs `quantum-run models …` (`argv` after `models`); returns the exit code. */
export async function runModelsCommand(argv: readonly string[], io: ModelsCommandIo): Promise<number> {
  const { values, positionals } = parse(argv)
  const [sub, arg] = positionals
  if (sub !== 'list' && sub !== 'show' && sub !== 'promote' && sub !== 'rollback')
    throw new ConfigError(`Unknown models command ${String(sub)}\n${MODELS_USAGE}`)
  if (sub !== 'list' && arg === undefined)
    throw new ConfigError(`models ${sub} needs ${sub === 'rollback' ? 'a family' : 'a model id'}\n${MODELS_USAGE}`)
  const store = await openForReading(values.state, io.cwd, sub === 'promote' || sub === 'rollback')
  try {
    const lifecycle = new ModelLifecycle(store.models)
    const out = (v: ModelVersion | ModelVersion[], text: string): number => {
      io.stdout.write(values.json ? `${JSON.stringify(v, null, 2)}\n` : text)
      return 0
    }
    if (sub === 'list') {
      const versions = await store.models.list(values.family)
      return out(
        versions,
        versions.length === 0 ? `No models in ${store.location}\n` : `${versions.map(modelLine).join('\n')}\n`,
      )
    }
    if (sub === 'show') return out(await store.models.get(arg!), details(await store.models.get(arg!)))
    if (sub === 'promote') {
      const v = await lifecycle.promote(arg!)
      const previous = v.history.at(-1)?.note ?? ''
      return out(v, `promoted ${v.id} to PRODUCTION (${previous})\n`)
    }
    const v = await lifecycle.rollback(arg!)
    return out(v, `rolled ${arg} back to ${v.id}\n`)
  } finally {
    await store.close()
  }
}
