import type { Logger } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { fakeContext } from '../../test/fake-context.js'
import { riskPolicy } from '../policy/risk-policy.js'

describe('riskHttpPlugin', () => {
  it('should not mount the API unless the policy asks for it', () => {
    expect(riskPolicy('STRICT', {}, { env: {} }).map((p) => p.name)).not.toContain('risk:http')
  })

  it('should reject a bad port in the policy overrides', () => {
    expect(() => riskPolicy('STRICT', { http: { port: 70_000 } })).toThrow(/overrides.http.port/)
  })

  it('should listen on 127.0.0.1 from setup to dispose with the run context', async () => {
    const policy = riskPolicy('FLOOR', { http: { port: 0 } }, { env: {} })
    const plugin = policy.find((p) => p.name === 'risk:http')!
    const urls: string[] = []
    const logger = { info: (_m: string, f?: Record<string, unknown>) => urls.push(String(f?.url)) } as unknown as Logger
    const ctx = { ...fakeContext(), logger }
    await plugin.setup!(ctx)
    expect(urls[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const res = await fetch(`${urls[0]}/policy`)
    expect(((await res.json()) as { policy: string }).policy).toBe('FLOOR')
    await plugin.dispose!()
    await expect(fetch(`${urls[0]}/policy`)).rejects.toThrow()
  })
})
