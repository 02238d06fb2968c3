import type { OrderIntent, PluginContext, RiskGuardPlugin, RiskVerdict } from '../types.js'

/** What {@link runRiskChain} reports while it walks the guards. */
export interface RiskChainHooks {
  /** The context handed to a guard. */
  contextOf(guard: RiskGuardPlugin): PluginContext
  /** A guard resized or denied `intent` (the intent it was asked about). */
  onVerdict?(guard: RiskGuardPlugin, verdict: Exclude<RiskVerdict, { action: 'approve' }>, intent: OrderIntent): void
  /** A guard threw; the chain denies (fails closed) right after this call. */
  onFailure?(guard: RiskGuardPlugin, cause: unknown): void
}

/**
 * The one risk chain rule, used by the engine in every mode and by `@quantum/risk`'s dry run: guards run
 * **sequentially**, each sees the previous one's (possibly resized) intent, the first deny stops the
 * chain, and a guard that throws denies (fail closed). Returns the approved intent or `undefined`.
 * @example const approved = runRiskChain(guards, intent, { contextOf: () => ctx })
 */
export function runRiskChain(
  guards: readonly RiskGuardPlugin[],
  intent: OrderIntent,
  hooks: RiskChainHooks,
): OrderIntent | undefined {
  let current = intent
  for (let k = 0; k < guards.length; k++) {
    const guard = guards[k]!
    let verdict: RiskVerdict
    try {
      verdict = guard.check(current, hooks.contextOf(guard))
    } catch (cause) {
      hooks.onFailure?.(guard, cause)
      verdict = { action: 'deny', reason: failedReason(guard, cause) }
    }
    if (verdict.action === 'approve') continue
    hooks.onVerdict?.(guard, verdict, current)
    if (verdict.action === 'deny') return undefined
    current = resize(current, verdict)
  }
  return current
}

function failedReason(guard: RiskGuardPlugin, cause: unknown): string {
  return `guard ${guard.name} failed (${cause instanceof Error ? cause.message : String(cause)}); failing closed`
}

function resize(intent: OrderIntent, verdict: Extract<RiskVerdict, { action: 'resize' }>): OrderIntent {
  const levered = verdict.leverage === undefined ? intent : { ...intent, leverage: verdict.leverage }
  if (verdict.quantity !== undefined) return { ...levered, quantity: verdict.quantity, quoteQuantity: undefined }
  if (verdict.quoteQuantity !== undefined)
    return { ...levered, quoteQuantity: verdict.quoteQuantity, quantity: undefined }
  return levered
}
