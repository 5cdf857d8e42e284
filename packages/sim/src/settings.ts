import { type Clock, SkyloomError } from '@skyloom/core/provider'
import { z } from 'zod'
import { SIM_KINDS, type SimKind } from './kinds.js'
import {
  DEFAULT_API_LATENCY,
  DEFAULT_DELETION_LATENCY,
  DEFAULT_PROVISION_LATENCY,
  defaultPollIntervalMs,
  type LatencyDistribution,
} from './latency.js'
import { type BucketSettings, EC2_REQUEST_BUCKETS, SIM_SCOPES, type SimScope } from './rate-limits.js'
import { DEFAULT_SIM_REGION, SIM_REGIONS, type SimRegion } from './regions.js'

/** Settings of {@link createSim}. Every field is optional; the defaults behave like a quiet EC2 region. */
export interface SimSettings {
  /** Region: one of `SIM_REGIONS`. Its zones are `${region}a`, `b` and `c`. Default `sim-east-1`. */
  readonly region?: SimRegion
  /**
   * Identity of this provider instance, which the state records and the scheduler prefixes
   * rate-limit scopes with. Default `sim/${region}`, so regions get separate buckets.
   */
  readonly key?: string
  /**
   * The clock the cloud lives on. Give the engine the same clock (it is `provider.clock`).
   * Default the system clock; see also `virtualTime`.
   */
  readonly clock?: Clock
  /** Shorthand for `clock: new VirtualClock()`: simulated time that jumps ahead whenever nothing else can run. */
  readonly virtualTime?: boolean
  /** Seed of every random draw (latencies, faults): the same seed gives the same cloud. Default 1. */
  readonly seed?: number
  /** How long things take. */
  readonly latency?: SimLatencySettings
  /**
   * Window after a create in which reads (`read`, `readMany`, `find`, `list`) do not yet see
   * the resource, as with EC2's eventual consistency. It ends early when the resource becomes
   * ready, so a resource seen ready is never missed afterwards. Scaled by `latency.scale`. Default 500.
   */
  readonly consistencyDelayMs?: number
  /** Account quotas; exceeding one fails with class `quota`. */
  readonly quotas?: SimQuotaSettings
  /**
   * Cloud-side token buckets per scope; a call to an empty bucket fails with class `throttled`
   * and a `retryAfterMs`. Default: the published EC2 buckets (`EC2_REQUEST_BUCKETS`).
   * The provider's declared `limits` always mirror these.
   */
  readonly rateLimits?: Partial<Record<SimScope, BucketSettings>>
  /** Faults to inject. Default none. */
  readonly faults?: SimFaultSettings
  /**
   * Keep the cloud in this JSON file instead of memory, so that it outlives the process
   * (crash tests). Writes are atomic: a temporary file renamed over the old one.
   */
  readonly stateFile?: string
  /** Poll interval the engine uses while a resource provisions, per kind. Default a twentieth of the kind's mean provisioning latency (10 ms to 5 s), scaled. */
  readonly pollIntervalMs?: Partial<Record<SimKind, number>>
}

/** Latency settings of the sim. */
export interface SimLatencySettings {
  /**
   * Multiplies every latency (provisioning, deletion, API round trip, consistency window and
   * default poll intervals): `0.01` makes a demo a hundred times faster. Default 1.
   */
  readonly scale?: number
  /** Round trip of each API call. Default 0 ms. */
  readonly api?: LatencyDistribution
  /** Time from create until ready, per kind. Defaults: network 2 s, subnet 1 s, firewall 1 s, instance 30 s, volume 5 s, instance-group 60 s (±20%). */
  readonly provision?: Partial<Record<SimKind, LatencyDistribution>>
  /**
   * Time from a delete request until the resource is gone, per kind; an instance's also times a
   * stop (`stopping` until `stopped`). Defaults: network 1 s, subnet and firewall 0.5 s,
   * instance 15 s, volume 2 s, instance-group 30 s (±20%).
   */
  readonly deletion?: Partial<Record<SimKind, LatencyDistribution>>
}

/** Account quotas of the sim. */
export interface SimQuotaSettings {
  /** vCPUs of pending, running and stopping instances in the region. Default 4,096. */
  readonly vcpusPerRegion?: number
  /** Instances (in any state but gone) in one subnet. Default 1,000; a subnet also runs out of addresses. */
  readonly instancesPerSubnet?: number
}

/** Fault injection settings of the sim. */
export interface SimFaultSettings {
  /** Probability (0 to 1) that an API call fails with class `transient` before doing anything. Default 0. */
  readonly transientErrorRate?: number
  /**
   * Resources whose provisioning fails for good: matched against the resource's name, its
   * `kind/name` and its URN. The create is accepted; the resource then ends in status `failed`.
   */
  readonly failResources?: readonly string[]
  /** Stragglers: with probability `rate`, a provisioning or deletion takes `multiplier` times longer. */
  readonly latencySpikes?: { readonly rate: number; readonly multiplier?: number }
}

/** Settings with every default filled in. */
export interface ResolvedSimSettings {
  readonly region: SimRegion
  readonly key: string
  /** The configured clock, or undefined when `virtualTime` or the system clock applies. */
  readonly clock: Clock | undefined
  readonly virtualTime: boolean
  readonly seed: number
  readonly latency: {
    readonly scale: number
    readonly api: LatencyDistribution
    readonly provision: Readonly<Record<SimKind, LatencyDistribution>>
    readonly deletion: Readonly<Record<SimKind, LatencyDistribution>>
  }
  readonly consistencyDelayMs: number
  readonly quotas: Required<SimQuotaSettings>
  readonly rateLimits: Readonly<Record<SimScope, BucketSettings>>
  readonly faults: {
    readonly transientErrorRate: number
    readonly failResources: readonly string[]
    readonly latencySpikes: { readonly rate: number; readonly multiplier: number }
  }
  readonly stateFile: string | undefined
  readonly pollIntervalMs: Readonly<Record<SimKind, number>>
}

const ms = z.number().min(0).finite()
const distributionSchema = z.strictObject({ meanMs: ms, jitterMs: ms.optional() })
const perKind = <T extends z.ZodType>(schema: T) =>
  z.strictObject(
    Object.fromEntries(SIM_KINDS.map((kind) => [kind, schema.optional()])) as Record<
      SimKind,
      z.ZodOptional<T>
    >,
  )
const bucketSchema = z.strictObject({
  capacity: z.number().int().min(1),
  refillPerSecond: z.number().positive().finite(),
})
const clockSchema = z.custom<Clock>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Clock).now === 'function' &&
    typeof (value as Clock).sleep === 'function',
  {
    message:
      'clock must be an object with now() and sleep(ms, signal), such as systemClock or a VirtualClock',
  },
)
const regionNames = Object.keys(SIM_REGIONS) as [SimRegion, ...SimRegion[]]

/** Schema of {@link SimSettings}; unknown fields are refused so that typos surface. */
export const simSettingsSchema = z
  .strictObject({
    region: z.enum(regionNames, { error: `region must be one of ${regionNames.join(', ')}` }).optional(),
    key: z.string().min(1).optional(),
    clock: clockSchema.optional(),
    virtualTime: z.boolean().optional(),
    seed: z.number().int().optional(),
    latency: z
      .strictObject({
        scale: z.number().min(0).finite().optional(),
        api: distributionSchema.optional(),
        provision: perKind(distributionSchema).optional(),
        deletion: perKind(distributionSchema).optional(),
      })
      .optional(),
    consistencyDelayMs: ms.optional(),
    quotas: z
      .strictObject({
        vcpusPerRegion: z.number().int().min(0).optional(),
        instancesPerSubnet: z.number().int().min(0).optional(),
      })
      .optional(),
    rateLimits: z
      .strictObject(
        Object.fromEntries(SIM_SCOPES.map((scope) => [scope, bucketSchema.optional()])) as Record<
          SimScope,
          z.ZodOptional<typeof bucketSchema>
        >,
      )
      .optional(),
    faults: z
      .strictObject({
        transientErrorRate: z.number().min(0).max(1).optional(),
        failResources: z.array(z.string().min(1)).optional(),
        latencySpikes: z
          .strictObject({ rate: z.number().min(0).max(1), multiplier: z.number().min(1).finite().optional() })
          .optional(),
      })
      .optional(),
    stateFile: z.string().min(1).optional(),
    pollIntervalMs: perKind(z.number().int().min(1)).optional(),
  })
  .superRefine((settings, ctx) => {
    if (settings.clock !== undefined && settings.virtualTime) {
      ctx.addIssue({
        code: 'custom',
        path: ['virtualTime'],
        message:
          'give either clock or virtualTime: true, not both (virtualTime creates its own VirtualClock)',
      })
    }
  })

/** Validates settings and fills in every default. Throws a `SkyloomError` listing all problems. */
export function resolveSimSettings(settings: SimSettings = {}): ResolvedSimSettings {
  const parsed = simSettingsSchema.safeParse(settings)
  if (!parsed.success) {
    throw new SkyloomError(
      'SKYLOOM_SIM_SETTINGS',
      `Invalid @skyloom/sim settings:\n${z.prettifyError(parsed.error)}\nFix these fields in createSim({ ... }).`,
    )
  }
  const input = parsed.data
  const region = input.region ?? DEFAULT_SIM_REGION
  const scale = input.latency?.scale ?? 1
  const provision = fill(DEFAULT_PROVISION_LATENCY, input.latency?.provision)
  const pollIntervalMs = Object.fromEntries(
    SIM_KINDS.map((kind) => [
      kind,
      input.pollIntervalMs?.[kind] ?? defaultPollIntervalMs(provision[kind].meanMs * scale),
    ]),
  ) as Record<SimKind, number>
  return {
    region,
    key: input.key ?? `sim/${region}`,
    clock: input.clock,
    virtualTime: input.virtualTime ?? false,
    seed: input.seed ?? 1,
    latency: {
      scale,
      api: input.latency?.api ?? DEFAULT_API_LATENCY,
      provision,
      deletion: fill(DEFAULT_DELETION_LATENCY, input.latency?.deletion),
    },
    consistencyDelayMs: input.consistencyDelayMs ?? 500,
    quotas: {
      vcpusPerRegion: input.quotas?.vcpusPerRegion ?? 4_096,
      instancesPerSubnet: input.quotas?.instancesPerSubnet ?? 1_000,
    },
    rateLimits: fill(EC2_REQUEST_BUCKETS, input.rateLimits),
    faults: {
      transientErrorRate: input.faults?.transientErrorRate ?? 0,
      failResources: input.faults?.failResources ?? [],
      latencySpikes: {
        rate: input.faults?.latencySpikes?.rate ?? 0,
        multiplier: input.faults?.latencySpikes?.multiplier ?? 10,
      },
    },
    stateFile: input.stateFile,
    pollIntervalMs,
  }
}

function fill<K extends string, V>(
  defaults: Readonly<Record<K, V>>,
  given: Partial<Record<K, V>> | undefined,
) {
  const result: Record<K, V> = { ...defaults }
  for (const [key, value] of Object.entries(given ?? {}) as [K, V | undefined][]) {
    if (value !== undefined) result[key] = value
  }
  return result as Readonly<Record<K, V>>
}
