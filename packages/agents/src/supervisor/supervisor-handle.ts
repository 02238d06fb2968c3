/**
 * The shared board between the Model Supervisor and its readers: findings and the mute list.
 * @packageDocumentation
 */

/** What the supervisor found wrong with an agent. */
export type FindingKind = 'stuck-class' | 'calibration-drift' | 'accuracy-decay'

/** One detected problem with an agent, as recorded by the Model Supervisor. */
export interface SupervisorFinding {
  /** The agent concerned, e.g. `agents:xgboost`. */
  readonly agent: string
  /** The kind of problem. */
  readonly kind: FindingKind
  /** Time of the signal that raised it (epoch ms). */
  readonly time: number
  /** The measured value (a share, a gap, a drop). */
  readonly value: number
  /** The limit it crossed. */
  readonly limit: number
  /** Human-readable explanation. */
  readonly message: string
}

/** What the ensemble needs from a supervisor: whether an agent is muted now. */
export interface MuteList {
  /** True when `agent` must be left out of decisions. */
  isMuted(agent: string): boolean
}

/** The supervisor's shared state: the mute list plus the findings (read API for reports and metrics). */
export interface SupervisorHandle extends MuteList {
  /** Agents muted now (empty in `observe` mode). */
  muted(): ReadonlySet<string>
  /** Every finding raised so far, oldest first. */
  findings(): readonly SupervisorFinding[]
  /** Findings active now (raised and not cleared), optionally of one agent. */
  active(agent?: string): readonly SupervisorFinding[]
  /** Records a finding as active. Called by the supervisor plugin. */
  raise(finding: SupervisorFinding, mute: boolean): void
  /** Clears the active finding `kind` of `agent` and unmutes it when nothing else is active. */
  clear(agent: string, kind: FindingKind): void
}

/**
 * Creates the board a Model Supervisor writes and an Ensemble Manager reads (pass the same handle to
 * both `modelSupervisor({ handle })` and `ensembleManager({ supervisor: handle })`).
 * @example
 * const handle = createSupervisorHandle()
 * const plugins = [modelSupervisor({ handle, mode: 'enforce' }), ensembleManager({ supervisor: handle })]
 */
export function createSupervisorHandle(): SupervisorHandle {
  const history: SupervisorFinding[] = []
  const current = new Map<string, Map<FindingKind, SupervisorFinding>>()
  const mutedSet = new Set<string>()
  return {
    isMuted: (agent) => mutedSet.has(agent),
    muted: () => mutedSet,
    findings: () => history,
    active: (agent) => {
      const lists: Map<FindingKind, SupervisorFinding>[] =
        agent === undefined ? [...current.values()] : [current.get(agent) ?? new Map<FindingKind, SupervisorFinding>()]
      return lists.flatMap((m) => [...m.values()])
    },
    raise: (finding, mute) => {
      history.push(finding)
      let byKind = current.get(finding.agent)
      if (byKind === undefined) current.set(finding.agent, (byKind = new Map<FindingKind, SupervisorFinding>()))
      byKind.set(finding.kind, finding)
      if (mute) mutedSet.add(finding.agent)
    },
    clear: (agent, kind) => {
      const byKind = current.get(agent)
      byKind?.delete(kind)
      if (byKind === undefined || byKind.size === 0) mutedSet.delete(agent)
    },
  }
}

/** True when `value` looks like a {@link MuteList} (used by option schemas). */
export function isMuteList(value: unknown): value is MuteList {
  return typeof value === 'object' && value !== null && typeof (value as MuteList).isMuted === 'function'
}
