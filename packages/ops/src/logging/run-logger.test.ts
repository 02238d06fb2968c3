import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createRunLogger, humanLine } from './run-logger.js'

function sink(tty: boolean): { stream: Writable & { isTTY?: boolean }; text: () => string } {
  let text = ''
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString()
        done()
      },
    }),
    { isTTY: tty },
  )
  return { stream, text: () => text }
}

describe('run logger', () => {
  it('writes JSON lines with service, run, level and time to the run folder, and human lines on a TTY', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runlog-'))
    const file = join(dir, 'run', 'run.log')
    const tty = sink(true)
    const log = createRunLogger({ file, runId: 'r-1', stream: tty.stream, level: 'info' })
    log.debug('hidden')
    log.child({ plugin: 'agents:x' }).warn('stale model', { agent: 'x', age: 3 })
    log.error('order failed', { error: new TypeError('boom') })
    log.flush()
    const records = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(records).toHaveLength(2)
    expect(records[0]).toMatchObject({
      level: 30 + 10,
      service: 'quantum-run',
      run: 'r-1',
      plugin: 'agents:x',
      msg: 'stale model',
      agent: 'x',
      age: 3,
    })
    expect(typeof records[0]?.time).toBe('number')
    expect(records[1]).toMatchObject({ msg: 'order failed', error: { name: 'TypeError', message: 'boom' } })
    expect(tty.text()).toMatch(/^\d\d:\d\d:\d\d warn {2}stale model plugin=agents:x agent=x age=3\n/)
    expect(tty.text()).not.toContain('hidden')
  })

  it('writes JSON to a console that is not a terminal, and nothing when silent', () => {
    const pipe = sink(false)
    createRunLogger({ stream: pipe.stream }).info('hello', { n: 1 })
    expect(JSON.parse(pipe.text())).toMatchObject({ msg: 'hello', n: 1, service: 'quantum-run' })
    const quiet = sink(false)
    createRunLogger({ stream: quiet.stream, level: 'silent' }).error('nope')
    expect(quiet.text()).toBe('')
  })

  it('rate-limits a repeated finding to a few lines and one summary per window', () => {
    const clock = { t: 0 }
    const out = sink(false)
    const log = createRunLogger({
      stream: out.stream,
      now: () => clock.t,
      repeatLimit: 3,
      repeatWindowMs: 60_000,
    }).child({ plugin: 'agents:supervisor' })
    for (let i = 0; i < 409; i++) {
      clock.t += 100
      log.warn('calibration drift', { agent: 'a', i })
    }
    log.warn('another finding')
    clock.t += 60_000
    log.warn('calibration drift', { agent: 'a' })
    log.flush()
    const lines = out
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; repeated?: number; plugin?: string })
    const drift = lines.filter((l) => l.msg.startsWith('calibration drift'))
    expect(drift.map((l) => l.msg)).toEqual([
      'calibration drift',
      'calibration drift',
      'calibration drift',
      'calibration drift (repeated 406 more times)',
      'calibration drift',
    ])
    expect(drift[3]).toMatchObject({ repeated: 406, plugin: 'agents:supervisor' })
    expect(lines.filter((l) => l.msg === 'another finding')).toHaveLength(1)
  })

  it('formats a record for people, leaving unparseable text alone', () => {
    expect(humanLine('{"level":50,"time":0,"msg":"x","service":"s","symbol":"BTCUSDT","why":"a b"}')).toBe(
      '00:00:00 error x symbol=BTCUSDT why="a b"\n',
    )
    expect(humanLine('not json')).toBe('not json')
  })
})
