import type {
  Clock,
  ErrorClassification,
  PricingV1,
  ProviderLimitsV1,
  ProviderV1,
  ResourceHandlerV1,
} from '@skyloom/core/provider'
import { systemClock, VirtualClock } from '@skyloom/core/provider'
import { createCloudControl, type SimCloudControl } from './cloud-control.js'
import { classifySimError } from './errors.js'
import { asProviderHandler } from './handlers/common.js'
import { firewallHandler } from './handlers/firewall.js'
import { instanceHandler } from './handlers/instance.js'
import { instanceGroupHandler } from './handlers/instance-group.js'
import { networkHandler } from './handlers/network.js'
import { subnetHandler } from './handlers/subnet.js'
import { volumeHandler } from './handlers/volume.js'
import type { SimKind } from './kinds.js'
import { createSimPricing } from './pricing.js'
import { SIM_SCOPES } from './rate-limits.js'
import { type SimRegion, zonesOf } from './regions.js'
import {
  type ResolvedSimSettings,
  resolveSimSettings,
  type SimSettings,
  simSettingsSchema,
} from './settings.js'
import { SIM_PROVIDER_NAME, SimCloud } from './sim-cloud.js'

/** The simulated cloud as a Skyloom provider, plus its clock and its out-of-band API. */
export interface SimProvider extends ProviderV1 {
  readonly name: typeof SIM_PROVIDER_NAME
  readonly key: string
  /** The clock the cloud lives on: give the engine this same clock. */
  readonly clock: Clock
  readonly region: SimRegion
  /** The region's zones: `${region}a`, `b`, `c`. */
  readonly zones: readonly string[]
  /** Look at and tamper with the cloud behind Skyloom's back; count API calls. */
  readonly cloud: SimCloudControl
  /** The settings in force, defaults filled in. */
  readonly settings: ResolvedSimSettings
  readonly kinds: Readonly<Record<SimKind, ResourceHandlerV1>>
  readonly limits: ProviderLimitsV1
  readonly pricing: PricingV1
  classifyError(error: unknown): ErrorClassification
}

/** The limits the sim declares: exactly its cloud-side buckets, instance create and delete in their own scopes. */
function limitsOf(settings: ResolvedSimSettings): ProviderLimitsV1 {
  return {
    scopes: Object.fromEntries(
      SIM_SCOPES.map((scope) => [
        scope,
        {
          capacity: settings.rateLimits[scope].capacity,
          refillPerSecond: settings.rateLimits[scope].refillPerSecond,
        },
      ]),
    ),
    readScope: 'describe',
    mutateScope: 'mutate',
    // Reads right after a create may miss (eventual consistency): the engine trusts no miss
    // within this window.
    consistencyWindowMs: settings.consistencyDelayMs,
  }
}

/**
 * Creates a simulated cloud provider: every neutral kind, with provisioning latency, eventual
 * consistency, quotas, EC2's rate limits, fault injection and prices, in memory or in a file.
 * Creating one does no I/O and starts no timers.
 *
 * @example
 * ```ts
 * const cloud = createSim({ virtualTime: true, seed: 7 })
 * const stack = createStack('web', { provider: cloud })
 * ```
 */
export function createSim(settings: SimSettings = {}): SimProvider {
  const resolved = resolveSimSettings(settings)
  const clock = resolved.clock ?? (resolved.virtualTime ? new VirtualClock() : systemClock)
  const zones = zonesOf(resolved.region)
  const cloud = new SimCloud(resolved, clock, zones)
  const kinds: Record<SimKind, ResourceHandlerV1> = {
    network: asProviderHandler(networkHandler(cloud)),
    subnet: asProviderHandler(subnetHandler(cloud)),
    firewall: asProviderHandler(firewallHandler(cloud)),
    instance: asProviderHandler(instanceHandler(cloud)),
    volume: asProviderHandler(volumeHandler(cloud)),
    'instance-group': asProviderHandler(instanceGroupHandler(cloud)),
  }
  return {
    specificationVersion: 'v1',
    name: SIM_PROVIDER_NAME,
    key: resolved.key,
    configSchema: simSettingsSchema,
    kinds,
    limits: limitsOf(resolved),
    classifyError: classifySimError,
    pricing: createSimPricing(resolved.region),
    clock,
    region: resolved.region,
    zones,
    cloud: createCloudControl(cloud),
    settings: resolved,
  }
}

/** The default sim: region `sim-east-1`, real time, in memory. */
export const sim: SimProvider = createSim()
