/**
 * The reference strategy of `shared/research/reference-strategy.md` as one bare loop over arrays: no
 * SDK, no objects per bar. It is the yardstick the SDK pipeline must match trade for trade, and the
 * baseline `npm run bench` measures the pipeline against.
 */

/** Columns the loop reads (any array of numbers). */
export interface BareSeries {
  readonly openTime: ArrayLike<number>
  readonly open: ArrayLike<number>
  readonly high: ArrayLike<number>
  readonly low: ArrayLike<number>
  readonly close: ArrayLike<number>
}

/** One closed round trip of the bare loop. */
export interface BareTrade {
  readonly side: 'LONG' | 'SHORT'
  readonly entryTime: number
  readonly exitTime: number
  readonly entryPrice: number
  readonly exitPrice: number
  readonly quantity: number
  readonly netPnl: number
  readonly exitReason: 'stop' | 'take-profit' | 'reverse'
}

/** What the bare loop reports (the reference's outputs). */
export interface BareResult {
  readonly trades: BareTrade[]
  readonly pnl: number
  readonly winRate: number
  readonly maxDrawdown: number
  readonly maxDrawdownPct: number
  readonly openAtEnd: boolean
}

const INITIAL = 100_000
const NOTIONAL = 1000
const FEE = 0.0004

/** Runs the reference strategy (EMA 12/26 cross, ATR(14) 2/3 stop/target, 1000 USDT, 0.04% fees). */
export function runBareLoop(s: BareSeries): BareResult {
  const n = s.close.length
  const a12 = 2 / 13
  const a26 = 2 / 27
  let ema12 = 0
  let ema26 = 0
  let atr = 0
  let trSum = 0
  let nzd = 0
  let pos = 0
  let qty = 0
  let entry = 0
  let entryTime = 0
  let entryFee = 0
  let stop = 0
  let target = 0
  let pending = 0
  let pendingAtr = 0
  let cash = INITIAL
  let peak = INITIAL
  let maxDd = 0
  let maxDdPct = 0
  const trades: BareTrade[] = []
  const close = (price: number, time: number, reason: BareTrade['exitReason']): void => {
    const fee = FEE * qty * price
    const gross = pos * (price - entry) * qty
    cash += gross - fee
    trades.push({
      side: pos > 0 ? 'LONG' : 'SHORT',
      entryTime,
      exitTime: time,
      entryPrice: entry,
      exitPrice: price,
      quantity: qty,
      netPnl: gross - entryFee - fee,
      exitReason: reason,
    })
    pos = 0
  }
  for (let i = 0; i < n; i++) {
    const o = s.open[i] as number
    const h = s.high[i] as number
    const l = s.low[i] as number
    const c = s.close[i] as number
    const t = s.openTime[i] as number
    // (a) pending entry (and reverse) at the open
    if (pending !== 0) {
      if (pos !== 0) close(o, t, 'reverse')
      qty = NOTIONAL / o
      entry = o
      entryTime = t
      entryFee = FEE * qty * o
      cash -= entryFee
      pos = pending
      stop = entry - pos * 2 * pendingAtr
      target = entry + pos * 3 * pendingAtr
      pending = 0
    }
    // (b) stop first, then take-profit
    if (pos > 0) {
      if (o <= stop) close(o, t, 'stop')
      else if (l <= stop) close(stop, t, 'stop')
      else if (o >= target) close(o, t, 'take-profit')
      else if (h >= target) close(target, t, 'take-profit')
    } else if (pos < 0) {
      if (o >= stop) close(o, t, 'stop')
      else if (h >= stop) close(stop, t, 'stop')
      else if (o <= target) close(o, t, 'take-profit')
      else if (l <= target) close(target, t, 'take-profit')
    }
    // (c) indicators and signal at the close
    if (i > 11) ema12 = ema12 * (1 - a12) + c * a12
    else if (i === 11) ema12 = sumFirst(s.close, 12) / 12
    if (i > 25) ema26 = ema26 * (1 - a26) + c * a26
    else if (i === 25) ema26 = sumFirst(s.close, 26) / 26
    if (i >= 1) {
      const pc = s.close[i - 1] as number
      const tr = Math.max(h, pc) - Math.min(l, pc)
      if (i <= 14) {
        trSum += tr
        if (i === 14) atr = trSum / 14
      } else atr = atr * (1 - 1 / 14) + tr * (1 / 14)
    }
    if (i >= 25) {
      const d = ema12 - ema26
      if (i >= 26 && i < n - 1) {
        if (nzd < 0 && d > 0 && pos !== 1) {
          pending = 1
          pendingAtr = atr
        } else if (nzd > 0 && d < 0 && pos !== -1) {
          pending = -1
          pendingAtr = atr
        }
      }
      if (d !== 0 || i === 25) nzd = d
    }
    // (d) equity at the close
    const equity = cash + (pos === 0 ? 0 : pos * (c - entry) * qty)
    if (equity > peak) peak = equity
    const dd = peak - equity
    if (dd > maxDd) maxDd = dd
    if (dd / peak > maxDdPct) maxDdPct = dd / peak
  }
  const lastClose = n > 0 ? (s.close[n - 1] as number) : 0
  const finalEquity = cash + (pos === 0 ? 0 : pos * (lastClose - entry) * qty)
  const wins = trades.filter((tr) => tr.netPnl > 0).length
  return {
    trades,
    pnl: finalEquity - INITIAL,
    winRate: trades.length === 0 ? 0 : wins / trades.length,
    maxDrawdown: maxDd,
    maxDrawdownPct: maxDdPct,
    openAtEnd: pos !== 0,
  }
}

function sumFirst(values: ArrayLike<number>, k: number): number {
  let sum = 0
  for (let i = 0; i < k; i++) sum += values[i] as number
  return sum
}
