import { ConfigError, zodIssues } from '@quantum/core'
import { z } from 'zod'

/** One take-profit leg: a distance from the entry and a share of the position, both in percent. */
export interface ExitLeg {
  /** Distance of the target from the entry price, in percent of the entry (0.5 = 0.5 %). */
  readonly distancePct: number
  /** Share of the position closed by this leg, in percent (all legs sum to 100). */
  readonly sizePct: number
}

/** A complete exit profile: 1-6 take-profit legs (the last is the runner) and a stop-loss distance. */
export interface ExitProfile {
  /** Name shown in logs and reports, e.g. `balanced`. */
  readonly name: string
  /** Take-profit legs, nearest first; the last one is the runner. */
  readonly legs: readonly ExitLeg[]
  /** Stop-loss distance from the entry, in percent of the entry (before volatility scaling). */
  readonly stopPct: number
}

/** Names of the three built-in profiles, from the least to the most ambitious. */
export type ProfileName = 'conservative' | 'balanced' | 'aggressive'

/** The built-in profiles in escalation order (index 0 = most defensive). */
export const PROFILE_ORDER: readonly ProfileName[] = Object.freeze(['conservative', 'balanced', 'aggressive'])

const freezeProfile = (profile: ExitProfile): ExitProfile =>
  Object.freeze({ ...profile, legs: Object.freeze(profile.legs.map((leg) => Object.freeze({ ...leg }))) })

/**
 * Seed's Conservative profile: TP 0.5/1.0/1.5/2.5 % sized 30/30/25/15 %; stop 1.0 % (our default:
 * the tightest legs get the tightest stop, half the seed's old 2 % floor).
 */
export const CONSERVATIVE: ExitProfile = freezeProfile({
  name: 'conservative',
  legs: [
    { distancePct: 0.5, sizePct: 30 },
    { distancePct: 1.0, sizePct: 30 },
    { distancePct: 1.5, sizePct: 25 },
    { distancePct: 2.5, sizePct: 15 },
  ],
  stopPct: 1.0,
})

/** Seed's Balanced profile: TP 0.8/1.5/2.5/4.0 % sized 25/30/30/15 %; stop 1.5 % (our default). */
export const BALANCED: ExitProfile = freezeProfile({
  name: 'balanced',
  legs: [
    { distancePct: 0.8, sizePct: 25 },
    { distancePct: 1.5, sizePct: 30 },
    { distancePct: 2.5, sizePct: 30 },
    { distancePct: 4.0, sizePct: 15 },
  ],
  stopPct: 1.5,
})

/** Seed's Aggressive profile: TP 1.0/2.0/3.5/6.0 % sized 20/25/30/25 %; stop 2.0 % (the seed's SL floor). */
export const AGGRESSIVE: ExitProfile = freezeProfile({
  name: 'aggressive',
  legs: [
    { distancePct: 1.0, sizePct: 20 },
    { distancePct: 2.0, sizePct: 25 },
    { distancePct: 3.5, sizePct: 30 },
    { distancePct: 6.0, sizePct: 25 },
  ],
  stopPct: 2.0,
})

/** The built-in profiles by name (frozen). */
export const EXIT_PROFILES: Readonly<Record<ProfileName, ExitProfile>> = Object.freeze({
  conservative: CONSERVATIVE,
  balanced: BALANCED,
  aggressive: AGGRESSIVE,
})

/** Tolerance on the sum of the leg sizes (100 ± 1e-9). */
const SIZE_SUM_TOLERANCE = 1e-9

/**
 * zod schema of a custom exit profile: 1-6 legs, positive and strictly increasing distances, positive
 * sizes summing to 100 % (± 1e-9), a positive stop distance.
 */
export const ExitProfileSchema = z
  .strictObject({
    /** Profile name. @default 'custom' */
    name: z.string().min(1).default('custom'),
    /** Take-profit legs, nearest first (1-6). */
    legs: z
      .array(z.strictObject({ distancePct: z.number().positive().finite(), sizePct: z.number().positive().finite() }))
      .min(1)
      .max(6),
    /** Stop-loss distance in percent of the entry. */
    stopPct: z.number().positive().finite(),
  })
  .superRefine((p, ctx) => {
    const sum = p.legs.reduce((acc, leg) => acc + leg.sizePct, 0)
    if (Math.abs(sum - 100) > SIZE_SUM_TOLERANCE) {
      ctx.addIssue({ code: 'custom', path: ['legs'], message: `leg sizes must sum to 100 %, got ${sum}` })
    }
    for (let i = 1; i < p.legs.length; i++) {
      const prev = p.legs[i - 1]
      const leg = p.legs[i]
      if (prev !== undefined && leg !== undefined && leg.distancePct <= prev.distancePct) {
        ctx.addIssue({ code: 'custom', path: ['legs', i, 'distancePct'], message: 'distances must increase' })
      }
    }
  })

/** Input of {@link defineExitProfile} (the name is optional). */
export type ExitProfileInput = z.input<typeof ExitProfileSchema>

/**
 * Validates a custom exit profile and returns it frozen.
 * @throws {ConfigError} naming every bad field (e.g. `legs`, `legs.1.distancePct`).
 * @example defineExitProfile({ legs: [{ distancePct: 1, sizePct: 60 }, { distancePct: 3, sizePct: 40 }], stopPct: 1 })
 */
export function defineExitProfile(input: ExitProfileInput): ExitProfile {
  const parsed = ExitProfileSchema.safeParse(input)
  if (!parsed.success) throw new ConfigError('invalid exit profile', zodIssues(parsed.error))
  return freezeProfile(parsed.data)
}

/**
 * zod schema of a profile choice: `adaptive` (selected from the rolling win rate), one of the built-in
 * names, or a custom profile (validated by {@link ExitProfileSchema}).
 */
export const ProfileChoiceSchema = z.union([
  z.enum(['adaptive', 'conservative', 'balanced', 'aggressive']),
  ExitProfileSchema,
])

/** A profile choice as given in options (see {@link ProfileChoiceSchema}). */
export type ProfileChoice = z.input<typeof ProfileChoiceSchema>
