// Builds the optional native watchdog (native/watchdog.cc) with npm's own node-gyp, offline: only when
// Node's headers are already on this machine (a `nodedir`, the headers beside the node binary, or
// node-gyp's cache). Without them, or a compiler, it says so and the kernel uses node:vm's per-call
// watchdog instead (same behaviour, about 0.1-0.3 ms more per live bar). Never fails the build.
import { spawnSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const native = join(pkg, 'native')
const say = (message) => console.log(`@quantum/core native watchdog: ${message}`)

if (process.env.QUANTUM_NATIVE_WATCHDOG === '0') {
  rmSync(join(native, 'build'), { recursive: true, force: true })
  say('skipped (QUANTUM_NATIVE_WATCHDOG=0): the kernel uses node:vm')
  process.exit(0)
}

const gyp = [
  process.env.npm_config_node_gyp,
  join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  join(dirname(process.execPath), 'node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
].find((p) => p !== undefined && p !== '' && existsSync(p))

const hasHeaders = (dir) =>
  existsSync(join(dir, 'include/node/node.h')) && existsSync(join(dir, 'include/node/common.gypi'))
const nodedir = [process.env.npm_config_nodedir, resolve(dirname(process.execPath), '..')].find(
  (d) => d !== undefined && d !== '' && hasHeaders(d),
)
const cached = hasHeaders(join(homedir(), '.cache/node-gyp', process.versions.node))

if (gyp === undefined) {
  say("not built: npm's node-gyp was not found; the kernel uses node:vm's per-call watchdog")
} else if (nodedir === undefined && !cached) {
  say("not built: Node's headers are not on this machine (nothing is downloaded); the kernel uses node:vm")
} else {
  const args = [gyp, 'rebuild', '--directory', native, ...(nodedir === undefined ? [] : ['--nodedir', nodedir])]
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, npm_config_offline: 'true' } })
  if (r.status === 0 && existsSync(join(native, 'build/Release/watchdog.node'))) say('built')
  else {
    say(`not built (node-gyp exited ${r.status}); the kernel uses node:vm's per-call watchdog`)
    process.stdout.write((r.stderr ?? '').split('\n').slice(-8).join('\n') + '\n')
  }
}
