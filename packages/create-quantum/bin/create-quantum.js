#!/usr/bin/env node
// `npm create quantum [dir]` (npm runs this bin of the create-quantum package): writes a strategy project
// from ../template, offline (nothing is downloaded; `npm install` in the new folder is the next step).
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const template = join(here, '..', 'template')
const { version } = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8'))

const USAGE = `Usage: npm create quantum <dir>   (or: npx create-quantum <dir>)

Creates a Quantum Trader SDK project in <dir>: a typed quantum.config.ts, a custom agent with its
tests, sample BTCUSDT 1h candles, and scripts to backtest, paper-trade, test and type-check.
Writes files only (no download); then: cd <dir> && npm install && npm run backtest.

Exit codes: 0 created; 2 bad usage or <dir> not empty.`

/** Files whose name npm would not publish as is. */
const RENAMES = { gitignore: '.gitignore' }

/** @param {string} dir @returns {string[]} every file under dir, relative to it */
function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path).map((f) => join(name, f)) : [name]
  })
}

/** @param {string[]} argv @returns {number} exit code */
function main(argv) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const unknown = argv.filter((a) => a.startsWith('-'))
  if (unknown.length > 0 || argv.length !== 1) {
    process.stderr.write(
      `error ${unknown.length > 0 ? `unknown option ${unknown[0]}` : 'expected one folder name, e.g. npm create quantum my-bot'}\n\n${USAGE}\n`,
    )
    return 2
  }
  const target = resolve(argv[0])
  if (existsSync(target) && readdirSync(target).length > 0) {
    process.stderr.write(`error ${target} is not empty: choose a new folder\n`)
    return 2
  }
  const name = basename(target)
    .toLowerCase()
    .replace(/[^a-z0-9-~._]/g, '-')
  for (const file of filesUnder(template)) {
    const out = join(target, dirname(file), RENAMES[basename(file)] ?? basename(file))
    mkdirSync(dirname(out), { recursive: true })
    const binary = file.endsWith('.csv')
    const content = readFileSync(join(template, file))
    writeFileSync(
      out,
      binary ? content : content.toString('utf8').replaceAll('__NAME__', name).replaceAll('__VERSION__', version),
    )
  }
  const rel = relative(process.cwd(), target) || '.'
  process.stdout.write(
    `Created ${name} in ${target}\n\nNext:\n  cd ${rel}\n  npm install\n  npm run backtest   # then open runs/*/report.html\n  npm test\n`,
  )
  return 0
}

process.exitCode = main(process.argv.slice(2))
