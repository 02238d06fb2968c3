/**
 * The account ledger: start balance, realised PnL, fees and funding as compensated sums, and the
 * wallet balance accumulated on its own from the same amounts, so that the identity
 * `wallet = start + realised - fees + funding` is a real check rather than a definition.
 * @packageDocumentation
 */

/**
 * A running sum with Neumaier's compensation (improved Kahan): the error stays at about one rounding
 * of the final value however many terms are added, which is why the ledger reconciles to 1e-9 after
 * millions of fills. Chosen over scaled integers because fees and PnL are not on any decimal grid.
 */
export class CompensatedSum {
  private sum: number
  private compensation = 0

  constructor(initial = 0) {
    this.sum = initial
  }

  /** Adds one term. */
  add(x: number): void {
    const t = this.sum + x
    if (Math.abs(this.sum) >= Math.abs(x)) this.compensation += this.sum - t + x
    else this.compensation += x - t + this.sum
    this.sum = t
  }

  /** The compensated total. */
  get value(): number {
    return this.sum + this.compensation
  }

  /** Starts again from `total` (a stored value), with no compensation carried. */
  reset(total: number): void {
    this.sum = total
    this.compensation = 0
  }
}

/** The ledger's totals at one moment (USDT). */
export interface LedgerSnapshot {
  /** Balance the account started with. */
  readonly startBalance: number
  /** Sum of realised PnL of every fill, liquidations included (before fees). */
  readonly realizedPnl: number
  /** Sum of every fee charged: trading fees plus liquidation clearance fees (negative parts are rebates). */
  readonly fees: number
  /** The part of `fees` charged by liquidations beyond their taker fee (the clearance fee). */
  readonly liquidationFees: number
  /** Sum of funding payments (positive = received). */
  readonly funding: number
  /** Wallet balance, accumulated independently; equals `startBalance + realizedPnl - fees + funding`. */
  readonly wallet: number
  /** Number of fills (liquidations included). */
  readonly fills: number
  /** Number of funding payments. */
  readonly fundingPayments: number
}

/** Accumulates the money side of every fill and funding payment. @internal */
export class Ledger {
  private readonly realized = new CompensatedSum()
  private readonly fees = new CompensatedSum()
  private readonly liquidationFees = new CompensatedSum()
  private readonly funding = new CompensatedSum()
  private readonly wallet: CompensatedSum
  private fills = 0
  private fundingPayments = 0

  constructor(readonly startBalance: number) {
    this.wallet = new CompensatedSum(startBalance)
  }

  /** Wallet balance now. */
  get walletBalance(): number {
    return this.wallet.value
  }

  /** Books a fill: its realised PnL and its fee (of which `liquidationFee` is a liquidation charge). */
  recordFill(realizedPnl: number, fee: number, liquidationFee = 0): void {
    this.realized.add(realizedPnl)
    this.fees.add(fee)
    if (liquidationFee !== 0) this.liquidationFees.add(liquidationFee)
    this.wallet.add(realizedPnl)
    this.wallet.add(-fee)
    this.fills++
  }

  /** Books a funding payment (positive = received). */
  recordFunding(payment: number): void {
    this.funding.add(payment)
    this.wallet.add(payment)
    this.fundingPayments++
  }

  /**
   * Continues from stored totals (a resumed paper run): every total, the wallet and the counts. The
   * start balance stays the one the ledger was created with.
   */
  restore(totals: Omit<LedgerSnapshot, 'startBalance'>): void {
    this.realized.reset(totals.realizedPnl)
    this.fees.reset(totals.fees)
    this.liquidationFees.reset(totals.liquidationFees)
    this.funding.reset(totals.funding)
    this.wallet.reset(totals.wallet)
    this.fills = totals.fills
    this.fundingPayments = totals.fundingPayments
  }

  /** The totals now. */
  snapshot(): LedgerSnapshot {
    return {
      startBalance: this.startBalance,
      realizedPnl: this.realized.value,
      fees: this.fees.value,
      liquidationFees: this.liquidationFees.value,
      funding: this.funding.value,
      wallet: this.wallet.value,
      fills: this.fills,
      fundingPayments: this.fundingPayments,
    }
  }
}
