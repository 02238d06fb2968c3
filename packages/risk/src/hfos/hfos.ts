import { ConfigError, definePlugin } from '@quantum/core'
import type {
  Directive,
  DirectiveKind,
  EngineEvent,
  OrderIntent,
  PluginContext,
  RiskVerdict,
  ValidationIssue,
} from '@quantum/core'
import { z } from 'zod'
import { APPROVE, deny, effectiveLeverage, intentEffect, isEffect, resizeTo } from '../intent.js'

/**
 * The precedence of directive kinds, safety over profit: a higher number wins. Between directives of
 * one kind the source's declared priority decides. The table (also in the risk-safety guide):
 *
 * | kind              | rank | effect on an entry                         |
 * | ----------------- | ---: | ------------------------------------------ |
 * | `halt`            |  100 | denied                                     |
 * | `reduce-exposure` |   80 | quantity scaled by `value`                 |
 * | `no-new-longs`    |   70 | a BUY that opens or adds is denied         |
 * | `no-new-shorts`   |   70 | a SELL that opens or adds is denied        |
 * | `cap-leverage`    |   60 | leverage lowered to `value`                |
 * | `mute-agent`      |   50 | the agent's votes dropped by the ensemble  |
 * | `rebalance`       |   10 | overruled by any of the above              |
 */
export const DIRECTIVE_PRECEDENCE: Readonly<Record<DirectiveKind, number>> = Object.freeze({
  halt: 100,
  'reduce-exposure': 80,
  'no-new-longs': 70,
  'no-new-shorts': 70,
  'cap-leverage': 60,
  'mute-agent': 50,
  rebalance: 10,
})

const KINDS = Object.keys(DIRECTIVE_PRECEDENCE) as [DirectiveKind, ...DirectiveKind[]]

const options = z.strictObject({
  /** `enforce`: the winning directive acts on entries; `observe`: entries pass, every arbitration is reported. @default 'enforce' */
  mode: z.enum(['enforce', 'observe']).default('enforce'),
  /**
   * The modules that may issue directives: their priority (0-999, higher wins between directives of one
   * kind) and the kinds each may issue. Two sources of equal priority that may issue the same kind
   * cannot be ordered: a `ConfigError` at start.
   */
  sources: z.record(
    z.string().min(1),
    z.strictObject({ priority: z.number().int().min(0).max(999), issues: z.array(z.enum(KINDS)).min(1) }),
  ),
  /** Turn the emergency stop's trips into a `halt` from source `ess` (priority 999) and its re-arm into a withdrawal. @default true */
  essHalts: z.boolean().default(true),
})

type Sources = Record<string, { priority: number; issues: DirectiveKind[] }>

/** Precedence of one directive: its kind's rank, then its source's priority. */
function precedence(d: Directive, sources: Sources): number {
  return DIRECTIVE_PRECEDENCE[d.kind] * 1000 + (sources[d.source]?.priority ?? 0)
}

/** Pairs of sources of equal priority that may issue the same kind (an unresolvable conflict). */
function tieIssues(sources: Sources): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  const names = Object.keys(sources)
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const a = sources[names[i]!]!
      const b = sources[names[j]!]!
      const shared = a.issues.filter((k) => b.issues.includes(k))
      if (a.priority === b.priority && shared.length > 0) {
        issues.push({
          path: `sources.${names[j]}.priority`,
          message: `${names[i]} and ${names[j]} both have priority ${a.priority} and may both issue ${shared.join(', ')}: give them different priorities`,
        })
      }
    }
  }
  return issues
}

/** Whether a directive bears on an entry of `intent` (its symbol and, for one-sided kinds, its side). */
function bearsOn(d: Directive, intent: OrderIntent): boolean {
  if (d.symbol !== undefined && d.symbol !== intent.symbol) return false
  if (d.kind === 'no-new-longs') return intent.side === 'BUY'
  if (d.kind === 'no-new-shorts') return intent.side === 'SELL'
  return d.kind !== 'mute-agent'
}

/** The verdict of the winning directive(s) on an entry: deny, or scale and cap. */
function verdictOf(applied: readonly Directive[], intent: OrderIntent, ctx: PluginContext): RiskVerdict {
  const top = applied[0]!
  if (top.kind === 'halt' || top.kind === 'no-new-longs' || top.kind === 'no-new-shorts' || top.kind === 'rebalance') {
    return top.kind === 'rebalance' ? APPROVE : deny(`AI-HFOS ${top.kind} from ${top.source}: ${top.reason}`)
  }
  const effect = intentEffect(intent, ctx)
  if (!isEffect(effect)) return effect
  const scale = applied.find((d) => d.kind === 'reduce-exposure')?.value ?? 1
  const caps = applied.filter((d) => d.kind === 'cap-leverage' && d.value !== undefined).map((d) => d.value!)
  const cap = caps.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...caps)
  const leverage = effectiveLeverage(intent, ctx, 1)
  const lowered = leverage > cap ? Math.max(1, Math.floor(cap)) : undefined
  if (scale >= 1 && lowered === undefined) return APPROVE
  const why = `AI-HFOS ${applied.map((d) => `${d.kind} (${d.source})`).join(' + ')}`
  if (scale >= 1)
    return { action: 'resize', leverage: lowered!, reason: `${why}: leverage ${leverage}x capped to ${lowered}x` }
  const sized = resizeTo(
    { intent, effect, maxQuantity: effect.quantity * scale, why: `${why}: scaled to ${scale}` },
    ctx,
  )
  return sized.action === 'resize' && lowered !== undefined ? { ...sized, leverage: lowered } : sized
}

function outcomeOf(verdict: RiskVerdict, mode: 'enforce' | 'observe'): string {
  const what = verdict.action === 'approve' ? 'approved' : verdict.action === 'deny' ? 'denied' : 'resized'
  return mode === 'observe' ? `would be ${what} (observe)` : what
}

/**
 * AI-HFOS, the seed's supreme coordinator, as a risk guard (tier `pre`): modules issue typed directives
 * (`directive` events on the bus: halt, reduce exposure, no new longs / shorts, mute agent, cap leverage,
 * rebalance; each with a source and a reason), the coordinator keeps the ones in force and resolves them
 * by {@link DIRECTIVE_PRECEDENCE} (safety over profit), then by the sources' declared priorities. Every
 * entry a directive bears on, and every new directive that conflicts with one in force, gives an
 * `arbitration` event naming the winner and the overruled directives (in the run's notable events, the
 * report and the dashboard's risk panel). In `observe` mode entries pass and the events say what
 * `enforce` would have done. Reduce-only intents always pass.
 * @throws {ConfigError} at creation when two sources of equal priority may issue the same kind.
 * @example hfos({ sources: { regime: { priority: 10, issues: ['cap-leverage'] }, pba: { priority: 5, issues: ['rebalance'] } } })
 */
export const hfos = definePlugin({
  name: 'risk:hfos',
  kind: 'risk',
  options,
  create: ({ mode, sources: declared, essHalts }) => {
    const sources: Sources = { ...declared }
    if (essHalts && sources.ess === undefined) sources.ess = { priority: 999, issues: ['halt'] }
    const ties = tieIssues(sources)
    if (ties.length > 0) throw new ConfigError('AI-HFOS directives with equal precedence', ties)
    const inForce = new Map<string, Directive>()
    const keyOf = (d: Directive): string => `${d.source}|${d.kind}|${d.symbol ?? '*'}|${d.agent ?? ''}`
    const ranked = (list: Iterable<Directive>): Directive[] =>
      [...list].sort((a, b) => precedence(b, sources) - precedence(a, sources))
    let sub: { unsubscribe(): void } | undefined
    const receive = (directive: Directive, active: boolean, ctx: PluginContext): void => {
      const allowed = sources[directive.source]?.issues.includes(directive.kind) === true
      if (!allowed) {
        ctx.logger.warn('AI-HFOS: directive from an undeclared source or kind ignored', { ...directive })
        return
      }
      if (directive.kind === 'mute-agent' && directive.agent !== undefined) {
        // The mute is decided here: an ensemble drops the agent's votes on an enforced `muted` outcome.
        const what = active ? 'mute' : 'unmute'
        const outcome = mode === 'enforce' ? `${what}d` : `would ${what} (observe)`
        emit(ctx, { winner: directive, overruled: [], subject: `agent ${directive.agent}`, outcome })
      }
      if (!active) return void inForce.delete(keyOf(directive))
      const rivals = [...inForce.values()].filter(
        (d) =>
          (d.symbol === undefined || directive.symbol === undefined || d.symbol === directive.symbol) &&
          (d.kind === directive.kind || d.kind === 'rebalance' || directive.kind === 'rebalance'),
      )
      inForce.set(keyOf(directive), directive)
      if (rivals.length === 0) return
      const [winner, ...overruled] = ranked([directive, ...rivals])
      const subject = `directive ${directive.kind} from ${directive.source}`
      emit(ctx, { winner: winner!, overruled, subject, outcome: `${winner!.kind} (${winner!.source}) prevails` })
    }
    const emit = (
      ctx: PluginContext,
      e: { winner: Directive; overruled: Directive[]; subject: string; outcome: string },
    ): void => ctx.bus.emit({ type: 'arbitration', time: ctx.clock.now(), mode, ...e })
    return {
      enforce: 'pre' as const,
      setup: (ctx: PluginContext): void => {
        sub = ctx.bus.events$.subscribe((event: EngineEvent) => {
          if (event.type === 'directive') receive(event.directive, event.active, ctx)
          else if (essHalts && event.type === 'risk-state' && event.source === 'ess') {
            const halt: Directive = { kind: 'halt', source: 'ess', reason: event.reason, time: event.time }
            if (event.state === 'TRIPPED') receive(halt, true, ctx)
            else if (event.state === 'ARMED') receive(halt, false, ctx)
          }
        })
      },
      dispose: (): void => sub?.unsubscribe(),
      check: (intent: OrderIntent, ctx: PluginContext): RiskVerdict => {
        if (intent.reduceOnly === true || inForce.size === 0) return APPROVE
        const applied = ranked([...inForce.values()].filter((d) => bearsOn(d, intent)))
        if (applied.length === 0) return APPROVE
        const verdict = verdictOf(applied, intent, ctx)
        const [winner, ...overruled] = applied
        const subject = `${intent.side} ${intent.symbol} ${intent.reason ?? 'entry'}`
        emit(ctx, { winner: winner!, overruled, subject, outcome: outcomeOf(verdict, mode) })
        return mode === 'observe' ? APPROVE : verdict
      },
    }
  },
})
