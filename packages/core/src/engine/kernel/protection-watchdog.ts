import type { EngineEvent, ExchangePort } from '../../types.js'

/**
 * Watches that every open position has a working reduce-only STOP_MARKET on the closing side; one that
 * has none for longer than `graceMs` is reported once (until it is protected or flat again).
 */
export class ProtectionWatchdog {
  private readonly since = new Map<string, number>()
  private readonly reported = new Set<string>()

  constructor(private readonly graceMs: number) {}

  /** The `unprotected` events due at `now`. */
  check(exchange: ExchangePort, now: number): EngineEvent[] {
    const out: EngineEvent[] = []
    const open = new Set<string>()
    for (const p of exchange.account.getPositions()) {
      if (p.side === 'FLAT') continue
      open.add(p.symbol)
      const closing = p.side === 'LONG' ? 'SELL' : 'BUY'
      const protectedNow = exchange.account
        .getOpenOrders(p.symbol)
        .some((o) => o.type === 'STOP_MARKET' && o.reduceOnly && o.side === closing)
      if (protectedNow) {
        this.since.delete(p.symbol)
        this.reported.delete(p.symbol)
        continue
      }
      const start = this.since.get(p.symbol) ?? now
      this.since.set(p.symbol, start)
      if (now - start > this.graceMs && !this.reported.has(p.symbol)) {
        this.reported.add(p.symbol)
        out.push({ type: 'unprotected', symbol: p.symbol, since: start, time: now, quantity: p.quantity, side: p.side })
      }
    }
    for (const symbol of [...this.since.keys()]) {
      if (!open.has(symbol)) {
        this.since.delete(symbol)
        this.reported.delete(symbol)
      }
    }
    return out
  }
}
