import { definePlugin } from '@quantum/core'
import type {
  AccountView,
  Decision,
  EngineEvent,
  Fill,
  ObserverPlugin,
  Order,
  PluginContext,
  Position,
} from '@quantum/core'
import { z } from 'zod'
import { SseHub } from '../http/sse-hub.js'

/** One point of the live equity curve. */
export interface EquityPoint {
  readonly time: number
  readonly equity: number
  readonly drawdown: number
}

/** An open position with the orders that protect and exit it. */
export interface PositionView {
  readonly position: Position
  /** Reduce-only stop orders (the protective stop, trailing included). */
  readonly stops: readonly Pick<Order, 'id' | 'type' | 'triggerPrice' | 'quantity'>[]
  /** Reduce-only targets: take-profit legs (limit or market-on-trigger). */
  readonly targets: readonly Pick<Order, 'id' | 'type' | 'price' | 'triggerPrice' | 'quantity'>[]
}

/** A failure shown on the dashboard. */
export interface ErrorView {
  readonly time: number
  readonly kind:
    'plugin-error' | 'order-rejected' | 'cancel-rejected' | 'unprotected' | 'protection' | 'reconnect' | 'execution'
  readonly source: string
  readonly message: string
}

/** Risk component states, latest first per source. */
export interface RiskView {
  readonly tradingState: string
  readonly components: Readonly<Record<string, { state: string; reason: string; time: number }>>
}

/** Everything the dashboard page shows, as `/api/snapshot` returns it. */
export interface DashboardSnapshot {
  readonly run: Readonly<Record<string, string | number>>
  readonly equity: readonly EquityPoint[]
  readonly positions: readonly PositionView[]
  readonly decisions: readonly Decision[]
  readonly fills: readonly Fill[]
  readonly errors: readonly ErrorView[]
  readonly risk: RiskView
  readonly findings: readonly unknown[]
  readonly health: unknown
  readonly runs: readonly unknown[]
}

/** A live update pushed to the page over server-sent events. */
export type DashboardEvent =
  | { readonly type: 'equity'; readonly point: EquityPoint }
  | { readonly type: 'fill'; readonly fill: Fill }
  | { readonly type: 'decision'; readonly decision: Decision }
  | { readonly type: 'positions'; readonly positions: readonly PositionView[] }
  | { readonly type: 'risk'; readonly risk: RiskView }
  | { readonly type: 'error'; readonly error: ErrorView }

/** Optional sources the runtime plugs in: health, model findings, past runs. */
export interface DashboardSources {
  readonly run?: Readonly<Record<string, string | number>>
  readonly health?: () => unknown
  readonly findings?: () => readonly unknown[]
  readonly runs?: () => readonly unknown[]
}

const push = <T>(list: T[], item: T, max: number): void => {
  list.push(item)
  if (list.length > max) list.splice(0, list.length - max)
}

/**
 * The live state behind the dashboard: fed by the `ops:dashboard` observer, read by `/api/snapshot`,
 * and pushed to pages through its {@link SseHub}. Bounded everywhere (ring buffers), cheap per event.
 */
export class DashboardState {
  /** The hub that streams {@link DashboardEvent}s to pages. */
  readonly hub: SseHub<unknown>
  private readonly equity: EquityPoint[] = []
  private readonly decisions: Decision[] = []
  private readonly fills: Fill[] = []
  private readonly errors: ErrorView[] = []
  private risk: RiskView = { tradingState: 'active', components: {} }
  private account: AccountView | undefined
  private peak = Number.NEGATIVE_INFINITY
  private sampler: NodeJS.Timeout | undefined

  constructor(
    private readonly sources: DashboardSources = {},
    private readonly limits = { equity: 5000, decisions: 50, fills: 100, errors: 50 },
    hub: SseHub<unknown> = new SseHub(),
  ) {
    this.hub = hub
  }

  /** The state as the page loads it. */
  snapshot(): DashboardSnapshot {
    return {
      run: this.sources.run ?? {},
      equity: this.equity,
      positions: this.positions(),
      decisions: this.decisions,
      fills: this.fills,
      errors: this.errors,
      risk: this.risk,
      findings: this.sources.findings?.() ?? [],
      health: this.sources.health?.() ?? null,
      runs: this.sources.runs?.() ?? [],
    }
  }

  /** Records one engine event and pushes what changed. */
  record(event: EngineEvent, time: number): void {
    switch (event.type) {
      case 'decision':
        push(this.decisions, event.decision, this.limits.decisions)
        this.hub.publish({ type: 'decision', decision: event.decision } satisfies DashboardEvent)
        return
      case 'fill':
      case 'liquidation':
        push(this.fills, event.fill, this.limits.fills)
        this.hub.publish({ type: 'fill', fill: event.fill } satisfies DashboardEvent)
        this.sample(time)
        this.hub.publish({ type: 'positions', positions: this.positions() } satisfies DashboardEvent)
        return
      case 'order':
        if (event.order.reduceOnly)
          this.hub.publish({ type: 'positions', positions: this.positions() } satisfies DashboardEvent)
        return
      case 'risk-state':
        this.risk = {
          tradingState: event.tradingState,
          components: {
            ...this.risk.components,
            [event.source]: { state: event.state, reason: event.reason, time: event.time },
          },
        }
        this.hub.publish({ type: 'risk', risk: this.risk } satisfies DashboardEvent)
        return
      case 'plugin-error':
        return this.error({
          time,
          kind: 'plugin-error',
          source: `${event.plugin}.${event.hook}`,
          message: event.error.message,
        })
      case 'order-rejected':
        return this.error({
          time,
          kind: 'order-rejected',
          source: `${event.request.symbol} ${event.request.side} ${event.request.type}`,
          message: event.error.message,
        })
      case 'cancel-rejected':
        return this.error({
          time,
          kind: 'cancel-rejected',
          source: `${event.symbol} ${event.orderId}`,
          message: event.error.message,
        })
      case 'unprotected':
        return this.error({
          time: event.time,
          kind: 'unprotected',
          source: event.symbol,
          message: `${event.side} ${event.quantity} without a stop since ${new Date(event.since).toISOString()}`,
        })
      case 'protection':
        // The kernel's protection ladder: an engine stop, a close, a halt (or the stop restored).
        if (event.step === 'retired') return // its own stop handed over to the policy's: not an error
        return this.error({
          time: event.time,
          kind: 'protection',
          source: event.symbol,
          message: `${event.step} (attempt ${event.attempt}): ${event.reason}`,
        })
      case 'reconnect':
        return this.error({ time: event.time, kind: 'reconnect', source: event.stream, message: event.reason })
      case 'funding':
        this.sample(time)
        return
      case 'arbitration':
        // The latest AI-HFOS arbitration shows in the risk panel as the `hfos` component.
        this.risk = {
          ...this.risk,
          components: {
            ...this.risk.components,
            hfos: {
              state: `${event.winner.kind} (${event.winner.source})`,
              reason: `${event.subject}: ${event.outcome}; overruled ${event.overruled.map((d) => `${d.kind} (${d.source})`).join(', ')}`,
              time: event.time,
            },
          },
        }
        this.hub.publish({ type: 'risk', risk: this.risk } satisfies DashboardEvent)
        return
      case 'execution':
        // The execution manager's fallbacks are listed with the errors; its routine steps are not.
        if (event.step === 'book-stale' || event.step === 'failed') {
          this.error({
            time: event.time,
            kind: 'execution',
            source: event.symbol,
            message: `${event.step}: ${event.reason}`,
          })
        }
        return
      case 'policy-switch':
        // The policy in force shows in the risk panel as the `orchestrator` component.
        this.risk = {
          ...this.risk,
          components: {
            ...this.risk.components,
            orchestrator: {
              state: event.to,
              reason: `${event.from} -> ${event.to}, rule ${event.rule}: ${event.reason}`,
              time: event.time,
            },
          },
        }
        this.hub.publish({ type: 'risk', risk: this.risk } satisfies DashboardEvent)
        return
      case 'signal':
      case 'intent':
      case 'risk':
      case 'progress':
      case 'directive':
      case 'plugin-isolated':
        return
    }
  }

  /** Adds an equity point from the bound account (at most one per millisecond of `time`). */
  sample(time: number): void {
    const equity = this.account?.getEquity()
    if (equity === undefined || !Number.isFinite(equity)) return
    const last = this.equity.at(-1)
    if (last !== undefined && last.time === time && last.equity === equity) return
    this.peak = Math.max(this.peak, equity)
    const point = { time, equity, drawdown: this.peak > 0 ? (this.peak - equity) / this.peak : 0 }
    if (last !== undefined && last.time === time) this.equity[this.equity.length - 1] = point
    else push(this.equity, point, this.limits.equity)
    this.hub.publish({ type: 'equity', point } satisfies DashboardEvent)
  }

  /**
   * The observer that feeds this state. In live modes it also samples equity every `sampleMs` of wall
   * time, so the curve moves with the market between fills.
   */
  observer(options: { sampleMs?: number } = {}): ObserverPlugin {
    return definePlugin({
      name: 'ops:dashboard',
      kind: 'observer',
      options: z.strictObject({ sampleMs: z.number().int().min(100).default(1000) }),
      create: ({ sampleMs }) => ({
        setup: (ctx: PluginContext): void => {
          this.account = ctx.account
          this.sample(ctx.clock.now())
          if (ctx.mode !== 'backtest') {
            this.sampler = setInterval(() => this.sample(ctx.clock.now()), sampleMs)
            this.sampler.unref()
          }
        },
        onEvent: (event: EngineEvent, ctx: PluginContext): void => this.record(event, ctx.clock.now()),
        dispose: (): void => {
          if (this.sampler) clearInterval(this.sampler)
        },
      }),
    })(options)
  }

  private error(error: ErrorView): void {
    push(this.errors, error, this.limits.errors)
    this.hub.publish({ type: 'error', error } satisfies DashboardEvent)
  }

  private positions(): PositionView[] {
    const account = this.account
    if (account === undefined) return []
    return account.getPositions().map((position) => {
      const orders = account.getOpenOrders(position.symbol).filter((o) => o.reduceOnly)
      return {
        position,
        stops: orders
          .filter((o) => o.type === 'STOP_MARKET')
          .map(({ id, type, triggerPrice, quantity }) => ({ id, type, triggerPrice, quantity })),
        targets: orders
          .filter((o) => o.type !== 'STOP_MARKET')
          .map(({ id, type, price, triggerPrice, quantity }) => ({ id, type, price, triggerPrice, quantity })),
      }
    })
  }
}
