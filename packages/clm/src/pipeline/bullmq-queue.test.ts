import { randomUUID } from 'node:crypto'
import { Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { BullmqQueue } from './bullmq-queue.js'
import type { TrainingJob } from './queue.js'

/** True when Redis answers on 127.0.0.1:6379 (the node-svc machines run it there). */
async function redisUp(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket()
    s.setTimeout(500)
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
    s.once('timeout', () => {
      s.destroy()
      resolve(false)
    })
    s.connect(6379, '127.0.0.1')
  })
}

const up = await redisUp()
if (!up) console.warn('[skip] BullMQ queue tests: no Redis on 127.0.0.1:6379')
const job = (family: string): TrainingJob => ({ family, reason: 'manual', requestedAt: 1 })

describe.runIf(up)('BullmqQueue (real Redis on 127.0.0.1:6379)', () => {
  it('runs queued jobs through a worker, one per family at a time', async () => {
    const prefix = `qt-test-${randomUUID()}`
    const producer = new BullmqQueue({ prefix })
    const worker = new BullmqQueue({ prefix })
    try {
      const seen: string[] = []
      let release: () => void = () => {}
      const gate = new Promise<void>((r) => (release = r))
      worker.process(async (j) => {
        seen.push(`${j.family}:${j.reason}`)
        if (j.family === 'xgboost') await gate
      })
      expect(await producer.enqueue(job('xgboost'))).toBe('queued')
      await new Promise((r) => setTimeout(r, 300))
      expect(await producer.enqueue(job('xgboost'))).toBe('duplicate')
      expect(await producer.enqueue(job('lightgbm'))).toBe('queued')
      release()
      await producer.drain()
      expect(seen.sort()).toEqual(['lightgbm:manual', 'xgboost:manual'])
      expect(await producer.enqueue(job('xgboost'))).toBe('queued')
      await producer.drain()
      expect(seen).toHaveLength(3)
    } finally {
      await worker.close()
      await producer.obliterate()
      await producer.close()
    }
  })

  it('reports a failing job to onError', async () => {
    const prefix = `qt-test-${randomUUID()}`
    const q = new BullmqQueue({ prefix })
    try {
      const errors: string[] = []
      const failed = new Promise<void>((resolve) =>
        q.process(
          () => Promise.reject(new Error('trainer crashed')),
          (j, e) => {
            errors.push(`${j.family}: ${(e as Error).message}`)
            resolve()
          },
        ),
      )
      await q.enqueue(job('nhits'))
      await failed
      expect(errors).toEqual(['nhits: trainer crashed'])
    } finally {
      await q.obliterate()
      await q.close()
    }
  })
})
