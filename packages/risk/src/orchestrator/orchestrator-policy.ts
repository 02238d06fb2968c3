import { ConfigError, definePlugin, runRiskChain } from '@quantum/core'
import type {
  DirectiveKind,
  EngineEvent,
  MarketBar,
  OrderIntent,
  PluginContext,
  RiskGuardPlugin,
  RiskVerdict,
} from '@quantum/core'
import { z } from 'zod'
import { APPROVE, deny } from '../intent.js'
import { riskPolicy } from '../policy/risk-policy.js'
import { POLICY_NAMES, type PolicyName, type PolicyOverrides } from '../policy/policy-schema.js'
import {
  ConditionSchema,
  MetricTracker,
  assertConditions,
  describeCondition,
  flatten,
  holds,
  type MetricValues,
  type RegimeSource,
} from './policy-metrics.js'

const DIRECTIVE_KINDS = [
  'halt',
  'reduce-exposure',
  'no-new-longs',
  'no-new-shorts',
  'cap-leverage',
] as const satisfies readonly DirectiveKind[]

/** Overrides of a preset, checked by `riskPolicy` itself at start (a `ConfigError` by path). */
const overridesSchema = z.custom<PolicyOverrides>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
  message: 'expected the overrides of a risk policy, e.g. { maxLeverage: 5 }',
})

const RuleSchema = z.strictObject({
  /** The rule's name, in events and the report. */
  name: z.string().min(1),
  /** Conditions that must all hold. */
  when: z.array(ConditionSchema).min(1),
  /** The preset in force while the rule holds. */
  policy: z.enum(POLICY_NAMES),
  /** Overrides of that preset (as `riskPolicy`'s; the emergency stop, HTTP API and PBA stay outside the switch). */
  overrides: overridesSchema.optional(),
  /** Directives issued to AI-HFOS (source `orchestrator`) while the rule is in force, withdrawn after. @default [] */
  directives: z
    .array(
      z.strictObject({
        kind: z.enum(DIRECTIVE_KINDS),
        /** `cap-leverage`: the cap (x); `reduce-exposure`: the fraction entries are scaled to. */
        value: z.number().positive().optional(),
      }),
    )
    .default([]),
})

const options = z.strictObject({
  /** The preset in force when no rule holds. @default 'PERMISSIVE' */
  initial: z.enum(POLICY_NAMES).default('PERMISSIVE'),
  /** Overrides of the initial preset. */
  overrides: overridesSchema.optional(),
  /** Rules in priority order: the first one in force decides the policy. @default [] */
  rules: z.array(RuleSchema).default([]),
  /** Bars a rule stays in force after its conditions last held (no flapping back on the next calm bar). @default 6 */
  holdBars: z.number().int().min(0).default(6),
  /** Bars of returns behind `volatility`. @default 24 */
  volatilityWindow: z.number().int().min(2).default(24),
  /** Window of `essTrips` (ms). @default 86400000 (24 h) */
  essWindowMs: z.number().int().positive().default(86_400_000),
  /** The Market State Classifier's store (`createRegimeStore()`), for `regime` conditions. */
  regimes: z
    .custom<RegimeSource>((v) => typeof v === 'object' && v !== null && typeof (v as RegimeSource).get === 'function', {
      message: 'expected a regime store (createRegimeStore())',
    })
    .optional(),
})

/** Options of {@link orchestratorPolicy}, as written. */
export type OrchestratorPolicyOptions = z.input<typeof options>

interface Slot {
  readonly name: string
  readonly preset: PolicyName
  readonly guards: readonly RiskGuardPlugin[]
}

function slotOf(name: string, preset: PolicyName, overrides: PolicyOverrides | undefined): Slot {
  // One instance of the kill switch, the HTTP API and the portfolio balance for the run: not switched.
  const policy = riskPolicy(preset, { ...(overrides ?? {}), ess: false, http: false, balance: false })
  return { name, preset, guards: policy.guards }
}

/** The chain's result on `intent` as one verdict of the orchestrator. */
function verdictOf(slot: Slot, intent: OrderIntent, ctx: PluginContext): RiskVerdict {
  const reasons: string[] = []
  const out = runRiskChain(slot.guards, intent, {
    contextOf: () => ctx,
    onVerdict: (guard, verdict) => reasons.push(`${guard.name}: ${verdict.reason}`),
  })
  const why = `policy ${slot.preset} (${slot.name}): ${reasons.join('; ')}`
  if (out === undefined) return deny(why)
  if (out === intent) return APPROVE
  const leverage = out.leverage !== intent.leverage ? out.leverage : undefined
  if (out.quantity !== intent.quantity && out.quantity !== undefined)
    return { action: 'resize', quantity: out.quantity, ...(leverage === undefined ? {} : { leverage }), reason: why }
  if (out.quoteQuantity !== intent.quoteQuantity && out.quoteQuantity !== undefined)
    return {
      action: 'resize',
      quoteQuantity: out.quoteQuantity,
      ...(leverage === undefined ? {} : { leverage }),
      reason: why,
    }
  return leverage === undefined ? APPROVE : { action: 'resize', leverage, reason: why }
}

/**
 * The Orchestrator Policy (the seed's policy engine), a risk guard of tier `pre`: it holds the presets
 * PERMISSIVE / STRICT / FLOOR (with overrides) and switches the one in force at run time by rules on
 * drawdown, daily drawdown, open loss, volatility, bar range, regime, time of day and the emergency
 * stop's history (see `POLICY_METRICS`). Rules are checked in order on every bar; the first one in force
 * decides (a rule stays in force `holdBars` bars after its conditions last held); none: `initial`.
 * Each switch is a `policy-switch` event (report, dashboard, metrics, notifier) naming the rule and the
 * measured values, and a rule's `directives` go to AI-HFOS (`hfos`, source `orchestrator`) while it is in
 * force. Entries are checked by the guards of the policy in force; reduce-only intents always pass. The
 * emergency stop, the HTTP API and the portfolio balance are not switched: keep one `riskPolicy` (or
 * `emergencyStopPlugins`) beside it for them.
 * @throws {ConfigError} at creation for a rule naming an unknown metric (with a did-you-mean) or a wrong value.
 * @example
 * orchestratorPolicy({
 *   initial: 'PERMISSIVE',
 *   rules: [{ name: 'crash', when: [{ metric: 'volatility', op: '>=', value: 0.015 }], policy: 'FLOOR' }],
 * })
 */
export const orchestratorPolicy = definePlugin({
  name: 'risk:orchestrator-policy',
  kind: 'risk',
  options,
  create: (o) => {
    o.rules.forEach((r, k) => assertConditions(r.when, `rules.${k}.when`))
    const names = o.rules.map((r) => r.name)
    const dup = names.find((n, k) => names.indexOf(n) !== k || n === 'default')
    if (dup !== undefined) {
      throw new ConfigError('Orchestrator Policy rules need distinct names', [
        { path: 'rules', message: `rule name "${dup}" is used twice or is reserved` },
      ])
    }
    const base = slotOf('default', o.initial, o.overrides)
    const slots = o.rules.map((r) => slotOf(r.name, r.policy, r.overrides))
    const tracker = new MetricTracker({ window: o.volatilityWindow, essWindowMs: o.essWindowMs, regimes: o.regimes })
    const lastHeld = new Array<number>(o.rules.length).fill(Number.NEGATIVE_INFINITY)
    let step = 0
    let lastTime = Number.NaN
    let current = -1 // index into rules, -1: the initial policy
    let sub: { unsubscribe(): void } | undefined
    const all = [base, ...slots].flatMap((s) => s.guards)
    const slot = (k: number): Slot => (k < 0 ? base : slots[k]!)

    const directives = (k: number, ctx: PluginContext, change: { active: boolean; reason: string }): void => {
      const { active, reason } = change
      if (k < 0) return
      for (const d of o.rules[k]!.directives) {
        const directive = {
          kind: d.kind,
          source: 'orchestrator',
          reason: `rule ${o.rules[k]!.name}: ${reason}`,
          time: ctx.clock.now(),
          ...(d.value === undefined ? {} : { value: d.value }),
        }
        ctx.bus.emit({ type: 'directive', directive, active })
      }
    }
    const decide = (values: MetricValues, ctx: PluginContext): void => {
      let chosen = -1
      let reason = 'no rule holds'
      for (let k = 0; k < o.rules.length; k++) {
        const rule = o.rules[k]!
        if (rule.when.every((c) => holds(c, values))) {
          lastHeld[k] = step
          if (chosen < 0) {
            chosen = k
            reason = rule.when.map((c) => describeCondition(c, values)).join(' and ')
          }
        } else if (chosen < 0 && step - lastHeld[k]! <= o.holdBars) {
          chosen = k
          reason = `held ${step - lastHeld[k]!} of ${o.holdBars} bars after its conditions last held`
        }
      }
      if (chosen === current) return
      const from = slot(current)
      const to = slot(chosen)
      directives(current, ctx, { active: false, reason: `withdrawn (${reason})` })
      current = chosen
      const time = ctx.clock.now()
      ctx.bus.emit({
        type: 'policy-switch',
        time,
        from: from.preset,
        to: to.preset,
        rule: to.name,
        reason,
        metrics: flatten(values),
      })
      ctx.logger.warn(`Orchestrator Policy: ${from.preset} -> ${to.preset} (rule ${to.name}): ${reason}`)
      directives(current, ctx, { active: true, reason })
    }

    return {
      enforce: 'pre' as const,
      setup: async (ctx: PluginContext): Promise<void> => {
        for (const g of all) await g.setup?.(ctx)
        sub = ctx.bus.events$.subscribe((event: EngineEvent) => {
          if (event.type === 'risk-state' && event.source === 'ess' && event.state === 'TRIPPED')
            tracker.essTripped(event.time)
        })
      },
      dispose: async (): Promise<void> => {
        sub?.unsubscribe()
        for (const g of [...all].reverse()) await g.dispose?.()
      },
      onBar: (bar: MarketBar, ctx: PluginContext): void => {
        if (bar.openTime !== lastTime) {
          lastTime = bar.openTime
          step++
        }
        tracker.onBar(bar, ctx)
        // Every policy's guards keep their state current, so a switch lands on warm guards.
        for (const g of all) g.onBar?.(bar, ctx)
        decide(tracker.values(ctx), ctx)
      },
      onSubBar: (bar: MarketBar, ctx: PluginContext): void => {
        for (const g of all) g.onSubBar?.(bar, ctx)
      },
      check: (intent: OrderIntent, ctx: PluginContext): RiskVerdict =>
        intent.reduceOnly === true ? APPROVE : verdictOf(slot(current), intent, ctx),
    }
  },
})
