import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import { checkParams, choice, dependencyOrder, float, inDomain, int, isActive, validateSpace } from './param-space.js'

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return [...(error as ConfigError).issues]
  }
  throw new Error('expected a ConfigError')
}

describe('validateSpace', () => {
  it('should accept ranges, log scales, steps, choices and conditions', () => {
    const space = {
      exit: choice(['atr', 'static']),
      stopAtr: float(1, 4, { step: 0.5, when: { exit: 'atr' } }),
      lr: float(1e-4, 1e-1, { log: true }),
      fast: int(5, 30),
    }
    expect(validateSpace(space)).toEqual(space)
  })

  it('should refuse an empty space', () => {
    expect(issuesOf(() => validateSpace({}))).toEqual([{ path: 'space', message: 'the space has no parameters' }])
  })

  it('should name every contradictory parameter by path', () => {
    const issues = issuesOf(() =>
      validateSpace({
        a: int(10, 5),
        b: float(0, 1, { log: true }),
        c: int(1.5, 4),
        d: choice(['x', 'x']),
        e: float(0, 1, { when: { nope: 1 } }),
        f: float(0, 1, { when: { d: 'y' } }),
        g: float(0, 1, { when: { h: 1 } }),
        h: int(0, 3, { when: { g: 0.5 } }),
      }),
    )
    const paths = issues.map((i) => i.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        'space.a.high',
        'space.b.low',
        'space.c.low',
        'space.d.values',
        'space.e.when.nope',
        'space.f.when.d',
        'space.g.when',
      ]),
    )
    expect(issues.find((i) => i.path === 'space.f.when.d')!.message).toContain('would never be active')
    expect(issues.find((i) => i.path === 'space.g.when')!.message).toContain('cycle')
  })

  it('should refuse unknown shapes with zod paths', () => {
    const issues = issuesOf(() => validateSpace({ a: { type: 'int', low: 1 } }))
    expect(issues[0]!.path).toMatch(/^space\.a/)
  })
})

describe('conditions and domains', () => {
  const space = validateSpace({
    stopAtr: float(1, 4, { when: { exit: ['atr', 'trail'] } }),
    exit: choice(['atr', 'static', 'trail']),
    n: int(0, 10, { step: 2 }),
  })

  it('should order parameters after the ones their conditions read', () => {
    expect(dependencyOrder(space)).toEqual(['exit', 'stopAtr', 'n'])
    expect(isActive(space.stopAtr!, { exit: 'trail' })).toBe(true)
    expect(isActive(space.stopAtr!, { exit: 'static' })).toBe(false)
  })

  it('should check a point: steps, inactive and unknown parameters', () => {
    expect(inDomain(space.n!, 4)).toBe(true)
    expect(inDomain(space.n!, 5)).toBe(false)
    expect(() => checkParams(space, { exit: 'atr', stopAtr: 2, n: 4 })).not.toThrow()
    const paths = issuesOf(() => checkParams(space, { exit: 'static', stopAtr: 2, n: 5, x: 1 })).map((i) => i.path)
    expect(paths).toEqual(['params.stopAtr', 'params.n', 'params.x'])
  })
})
