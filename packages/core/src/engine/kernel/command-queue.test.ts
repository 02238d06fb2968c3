import { describe, expect, it } from 'vitest'
import { CommandQueue } from './command-queue.js'

describe('CommandQueue', () => {
  it('should run commands strictly in order and survive a failing one', async () => {
    const errors: unknown[] = []
    const queue = new CommandQueue((e) => errors.push(e))
    const seen: number[] = []
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
    void queue.push(async () => {
      await wait(5)
      seen.push(1)
    })
    void queue.push(async () => {
      seen.push(2)
      await Promise.reject(new Error('boom'))
    })
    void queue.push(async () => {
      await wait(1)
      seen.push(3)
    })
    expect(queue.size).toBe(3)
    await queue.drain()
    expect(seen).toEqual([1, 2, 3])
    expect(errors).toHaveLength(1)
    expect(queue.size).toBe(0)
  })
})
