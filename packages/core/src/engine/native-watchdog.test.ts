import { describe, expect, it } from 'vitest'
import { hookWatchdogKind, nativeWatchdog } from './native-watchdog.js'

const { run, why } = nativeWatchdog()
// CI builds the addon (g++ and Node's headers are there), so there it must load; elsewhere it may not.
if (run === undefined) console.log(`native watchdog tests skipped: ${why} (the kernel uses node:vm)`)

describe('the native hook watchdog', () => {
  it('is built and loaded in CI', () => {
    if (process.env.CI === 'true') expect(hookWatchdogKind()).toBe('native')
    else expect(hookWatchdogKind()).toMatch(/^(native|node:vm \(.+\))$/)
  })

  describe.skipIf(run === undefined)('when loaded', () => {
    const call = run!
    it('calls the function bound to self with three arguments and returns its result', () => {
      expect(
        call(
          function (this: { x: number }, a: unknown, b: unknown, c: unknown) {
            return this.x + (a as number) + (b as number) + (c as number)
          },
          { x: 1 },
          2,
          3,
          4,
          100,
        ),
      ).toBe(10)
    })

    it('rethrows what the function throws', () => {
      expect(() =>
        call(
          () => {
            throw new RangeError('boom')
          },
          undefined,
          0,
          0,
          0,
          100,
        ),
      ).toThrow(RangeError)
    })

    it('cuts an endless loop at its deadline with ERR_SCRIPT_EXECUTION_TIMEOUT, and JavaScript goes on', async () => {
      for (let i = 0; i < 3; i++) {
        let error: unknown
        try {
          call(
            () => {
              for (;;) {
                /* loops */
              }
            },
            undefined,
            0,
            0,
            0,
            20,
          )
        } catch (e) {
          error = e
        }
        expect(error).toMatchObject({ code: 'ERR_SCRIPT_EXECUTION_TIMEOUT' })
      }
      expect([1, 2].map((x) => x * 2)).toEqual([2, 4])
      await expect(Promise.resolve(7)).resolves.toBe(7)
    })

    it('lets the outer deadline cut a nested call, and a nested call that returns leaves the outer armed', () => {
      let error: unknown
      try {
        call(
          () => {
            expect(call(() => 5, undefined, 0, 0, 0, 10_000)).toBe(5)
            call(
              () => {
                for (;;) {
                  /* loops */
                }
              },
              undefined,
              0,
              0,
              0,
              10_000,
            )
          },
          undefined,
          0,
          0,
          0,
          30,
        )
      } catch (e) {
        error = e
      }
      expect(error).toMatchObject({ code: 'ERR_SCRIPT_EXECUTION_TIMEOUT' })
    })

    it('does not cut a call that returns in time, however many run', () => {
      let sum = 0
      for (let i = 0; i < 10_000; i++) sum += call((a) => (a as number) + 1, undefined, i, 0, 0, 50) as number
      expect(sum).toBe((10_000 * 10_001) / 2)
    })
  })
})
