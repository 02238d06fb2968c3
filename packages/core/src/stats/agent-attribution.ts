import type { TradeRecord } from '../result.js'
import type { Decision } from '../schemas.js'

/** What one agent's votes did: the trades it voted for and against, and their net PnL. */
export interface AgentAttribution {
  readonly agent: string
  /** Trades whose entry decision had this agent voting the trade's direction. */
  readonly tradesFor: number
  /** Net PnL of those trades (USDT). */
  readonly pnlFor: number
  /** Sum of the winning ones' net PnL (the money its votes made, USDT >= 0). */
  readonly made: number
  /** Sum of the losing ones' net PnL as a positive number (the money its votes lost). */
  readonly lost: number
  /** Winning trades among `tradesFor`. */
  readonly winsFor: number
  /** Trades whose entry decision had this agent voting the opposite direction (it was overruled). */
  readonly tradesAgainst: number
  /** Net PnL of the trades it voted against (negative: it was right to oppose them). */
  readonly pnlAgainst: number
}

/** Result of {@link attributeTrades}. */
export interface TradeAttribution {
  /** Per agent, in descending order of `pnlFor`. */
  readonly agents: readonly AgentAttribution[]
  /** Trades with a known entry decision. */
  readonly attributed: number
  /** Trades with no BUY/SELL decision of their direction at or before their entry (not in the log). */
  readonly unattributed: number
}

interface Tally {
  tradesFor: number
  pnlFor: number
  made: number
  lost: number
  winsFor: number
  tradesAgainst: number
  pnlAgainst: number
}

/** The latest decision of the trade's direction for its symbol at or before its entry, if any. */
function entryDecision(trade: TradeRecord, decisions: readonly Decision[] | undefined): Decision | undefined {
  if (decisions === undefined) return undefined
  const want = trade.side === 'LONG' ? 'BUY' : 'SELL'
  let lo = 0
  let hi = decisions.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((decisions[mid] as Decision).time <= trade.entryTime) lo = mid + 1
    else hi = mid
  }
  for (let i = lo - 1; i >= 0; i--) {
    const d = decisions[i] as Decision
    if (d.action === want) return d
  }
  return undefined
}

/**
 * Attributes each closed trade to the votes of its entry decision (the latest BUY for a long, SELL for a
 * short, of its symbol at or before its entry): agents that voted the trade's direction are credited with
 * its net PnL (`made` / `lost`), agents that voted the other way with `pnlAgainst`; HOLD votes count for
 * neither. Pass every BUY/SELL decision of the run, oldest first.
 * @example attributeTrades(trades, decisions).agents[0] // { agent: 'agents:ema-cross', tradesFor: 40, made: 310, lost: 250, ... }
 */
export function attributeTrades(trades: readonly TradeRecord[], decisions: readonly Decision[]): TradeAttribution {
  const bySymbol = new Map<string, Decision[]>()
  for (const d of decisions) {
    if (d.action === 'HOLD') continue
    const list = bySymbol.get(d.symbol)
    if (list === undefined) bySymbol.set(d.symbol, [d])
    else list.push(d)
  }
  for (const list of bySymbol.values()) list.sort((a, b) => a.time - b.time)
  const tallies = new Map<string, Tally>()
  const tally = (agent: string): Tally => {
    let t = tallies.get(agent)
    if (t === undefined) {
      t = { tradesFor: 0, pnlFor: 0, made: 0, lost: 0, winsFor: 0, tradesAgainst: 0, pnlAgainst: 0 }
      tallies.set(agent, t)
    }
    return t
  }
  let attributed = 0
  for (const trade of trades) {
    const decision = entryDecision(trade, bySymbol.get(trade.symbol))
    if (decision === undefined) continue
    attributed++
    for (const vote of decision.votes) {
      if (vote.action === 'HOLD') continue
      const t = tally(vote.agent)
      if (vote.action === decision.action) {
        t.tradesFor++
        t.pnlFor += trade.netPnl
        if (trade.netPnl > 0) {
          t.made += trade.netPnl
          t.winsFor++
        } else t.lost -= trade.netPnl
      } else {
        t.tradesAgainst++
        t.pnlAgainst += trade.netPnl
      }
    }
  }
  const agents = [...tallies].map(([agent, t]) => ({ agent, ...t })).sort((a, b) => b.pnlFor - a.pnlFor)
  return { agents, attributed, unattributed: trades.length - attributed }
}
