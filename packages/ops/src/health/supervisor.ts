import type { Readiness } from '../http/ops-server.js'

/** One check's answer. */
export interface CheckResult {
  readonly ok: boolean
  /** What was seen, e.g. `last BTCUSDT bar 95 s ago (limit 90 s)`. */
  readonly detail?: string
}

/** A health check and how the supervisor heals it. */
export interface SupervisedCheck {
  /** Name, e.g. `feed`, `venue`, `store`, `plugins`. */
  readonly name: string
  /** Runs the check. A throw counts as a failure with the error's message. */
  check(): CheckResult | Promise<CheckResult>
  /** Repairs the failure (resubscribe a feed, isolate a plugin); runs at each failed check. */
  heal?(result: CheckResult): void | Promise<void>
  /** Consecutive failures after which the run goes reduce-only. @default 3 (0: never) */
  readonly escalateAfter?: number
  /** Whether `/ready` depends on this check. @default true */
  readonly gatesReadiness?: boolean
}

/** What the supervisor reports, as events (and metrics). */
export type SupervisionEvent =
  | {
      readonly type: 'health-check'
      readonly name: string
      readonly ok: boolean
      readonly detail?: string
      readonly time: number
    }
  | {
      readonly type: 'self-heal'
      readonly name: string
      readonly ok: boolean
      readonly detail: string
      readonly time: number
    }
  | {
      readonly type: 'escalation'
      readonly name: string
      readonly failures: number
      readonly detail: string
      readonly time: number
    }
  | { readonly type: 'recovered'; readonly name: string; readonly time: number }

/** Options of {@link createHealthSupervisor}. */
export interface HealthSupervisorOptions {
  readonly checks: readonly SupervisedCheck[]
  /** Interval between rounds, ms (the seed's health monitor: 30 s). @default 30000 */
  readonly intervalMs?: number
  /** Receives every event. */
  readonly onEvent?: (event: SupervisionEvent) => void
  /** Called once per episode when a check has failed `escalateAfter` times in a row: put the run into reduce-only. */
  readonly onEscalate?: (reason: string) => void | Promise<void>
  /** Clock. @default Date.now */
  readonly now?: () => number
}

/** A running supervisor. */
export interface HealthSupervisor {
  /** Runs one round now (tests and `/ready` refreshes). */
  runOnce(): Promise<void>
  /** Latest result per check, as `/ready` serves it. */
  readiness(): Readiness
  /** Stops the timer. */
  stop(): void
}

/**
 * The seed's Health Monitor and Self-Healing System: every `intervalMs` each check runs; a failure is an
 * event and triggers its `heal` action (each heal is an event with its outcome); `escalateAfter`
 * failures in a row escalate once (the runtime goes reduce-only and alerts) until the check recovers.
 * Rounds never overlap and never throw; the trading loop does not wait on them.
 */
export function createHealthSupervisor(options: HealthSupervisorOptions): HealthSupervisor {
  const now = options.now ?? Date.now
  const latest = new Map<string, CheckResult>()
  const failures = new Map<string, number>()
  const escalated = new Set<string>()
  let running: Promise<void> | undefined
  const emit = (event: SupervisionEvent): void => {
    try {
      options.onEvent?.(event)
    } catch {
      // a failing listener must not stop supervision
    }
  }

  const runCheck = async (check: SupervisedCheck): Promise<void> => {
    let result: CheckResult
    try {
      result = await check.check()
    } catch (error) {
      result = { ok: false, detail: error instanceof Error ? error.message : String(error) }
    }
    latest.set(check.name, result)
    emit({ type: 'health-check', name: check.name, ok: result.ok, detail: result.detail, time: now() })
    if (result.ok) {
      if ((failures.get(check.name) ?? 0) > 0) emit({ type: 'recovered', name: check.name, time: now() })
      failures.set(check.name, 0)
      escalated.delete(check.name)
      return
    }
    const count = (failures.get(check.name) ?? 0) + 1
    failures.set(check.name, count)
    if (check.heal) {
      try {
        await check.heal(result)
        emit({ type: 'self-heal', name: check.name, ok: true, detail: result.detail ?? '', time: now() })
      } catch (error) {
        emit({
          type: 'self-heal',
          name: check.name,
          ok: false,
          detail: error instanceof Error ? error.message : String(error),
          time: now(),
        })
      }
    }
    const limit = check.escalateAfter ?? 3
    if (limit > 0 && count >= limit && !escalated.has(check.name)) {
      escalated.add(check.name)
      const detail = `${check.name} failed ${count} checks in a row: ${result.detail ?? 'no detail'}`
      emit({ type: 'escalation', name: check.name, failures: count, detail, time: now() })
      try {
        await options.onEscalate?.(detail)
      } catch {
        // reported by the event above; the next round tries again only after a recovery
      }
    }
  }

  const runOnce = (): Promise<void> => {
    running ??= Promise.all(options.checks.map(runCheck))
      .then(() => undefined)
      .finally(() => {
        running = undefined
      })
    return running
  }

  const timer = setInterval(() => void runOnce(), options.intervalMs ?? 30_000)
  timer.unref()

  return {
    runOnce,
    readiness: () => {
      const checks: Record<string, { ok: boolean; detail?: string }> = {}
      let ready = true
      for (const check of options.checks) {
        const result = latest.get(check.name) ?? { ok: false, detail: 'not checked yet' }
        checks[check.name] = result.detail === undefined ? { ok: result.ok } : { ok: result.ok, detail: result.detail }
        if (!result.ok && (check.gatesReadiness ?? true)) ready = false
      }
      return { ready, checks }
    },
    stop: () => clearInterval(timer),
  }
}
