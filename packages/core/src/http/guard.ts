import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** Shortest token the HTTP server accepts (from options or the environment alike). */
export const MIN_TOKEN_LENGTH = 24

/** True for addresses that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '')
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare)
}

/** Compares a presented token with the expected one in constant time (over SHA-256 digests, so lengths leak nothing). */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false
  const a = createHash('sha256').update(presented).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

/** The bearer token of a request: `Authorization: Bearer …`, or the session cookie set by `/login`. */
export function presentedToken(req: IncomingMessage, cookieName?: string): string | undefined {
  const header = req.headers.authorization
  const bearer = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header)
  if (bearer?.[1] !== undefined) return bearer[1]
  if (cookieName === undefined) return undefined
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=')
    if (name === cookieName) return decodeURIComponent(value.join('='))
  }
  return undefined
}

/**
 * Fixed-window counters per key (client address): `allow()` counts one hit and answers whether the key
 * is still under its limit for the current window. Memory is bounded: windows roll over wholesale.
 * @example const failures = new RateLimiter(5, 60_000); if (failures.blocked(ip)) refuse(failures.retryAfterSeconds())
 */
export class RateLimiter {
  private window = 0
  private counts = new Map<string, number>()

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a hit for `key`; false once the key has used its limit in this window. */
  allow(key: string): boolean {
    return this.hit(key) <= this.limit
  }

  /** Whether `key` is over its limit, without counting a hit. */
  blocked(key: string): boolean {
    this.roll()
    return (this.counts.get(key) ?? 0) >= this.limit
  }

  /** Counts a hit and returns the key's count in this window. */
  hit(key: string): number {
    this.roll()
    const count = (this.counts.get(key) ?? 0) + 1
    this.counts.set(key, count)
    return count
  }

  /** Whole seconds until the current window ends (for a `Retry-After` header); at least 1. */
  retryAfterSeconds(): number {
    const now = this.now()
    return Math.max(1, Math.ceil(((Math.floor(now / this.windowMs) + 1) * this.windowMs - now) / 1000))
  }

  private roll(): void {
    const window = Math.floor(this.now() / this.windowMs)
    if (window !== this.window) {
      this.window = window
      this.counts = new Map()
    }
  }
}

/**
 * Host header check against DNS rebinding: the request must name the address the server is bound to,
 * or a loopback name when bound to loopback, or one of `allowedHosts`; a port, when given, must be the
 * bound one (unless the name is an allowed host, which may sit behind a proxy on another port).
 */
export function hostAllowed(
  req: IncomingMessage,
  bound: { host: string; port: number },
  allowedHosts: readonly string[],
): boolean {
  const host = req.headers.host
  if (host === undefined || host === '') return false
  const port = /:(\d+)$/.exec(host)?.[1]
  const name = host
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
  if (allowedHosts.includes(name)) return true
  if (port !== undefined && bound.port !== 0 && Number(port) !== bound.port) return false
  if (isLoopback(bound.host)) return isLoopback(name)
  return name === bound.host.replace(/^\[|\]$/g, '').toLowerCase() || bound.host === '0.0.0.0' || bound.host === '::'
}

/**
 * Origin check: absent (non-browser clients), the server's own origin (the page it serves), or one of
 * `allowedOrigins` (e.g. `https://ops.example.com`). Anything else is a web page on another origin.
 */
export function originAllowed(req: IncomingMessage, allowedOrigins: readonly string[] = []): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  if (allowedOrigins.includes(origin)) return true
  try {
    return new URL(origin).host === req.headers.host
  } catch {
    return false
  }
}
