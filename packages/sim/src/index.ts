/**
 * `@skyloom/sim`: a simulated cloud, Skyloom's embedded default provider. Every neutral kind,
 * with provisioning latency, eventual consistency, quotas, EC2's published rate limits, fault
 * injection, prices, persistence to a file, and a virtual clock for instant, repeatable runs.
 * @packageDocumentation
 */

export {
  resolveImage,
  resolveMachineType,
  SIM_IMAGES,
  SIM_MACHINE_TYPES,
  SIM_VOLUME_PRICES,
  type SimImage,
  type SimVolumeType,
} from './catalog.js'
export type {
  SimCloudControl,
  SimDrift,
  SimResourceFilter,
  SimResourceView,
} from './cloud-control.js'
export { classifySimError, SIM_ERROR_CODES, SimApiError, type SimErrorCode } from './errors.js'
export { GROUP_TAG } from './handlers/instance-group.js'
export { SIM_KINDS, type SimKind } from './kinds.js'
export {
  DEFAULT_DELETION_LATENCY,
  DEFAULT_PROVISION_LATENCY,
  type LatencyDistribution,
} from './latency.js'
export { createSimPricing, instanceMonthlyUsd } from './pricing.js'
export { createSim, type SimProvider, sim } from './provider.js'
export { type BucketSettings, EC2_REQUEST_BUCKETS, SIM_SCOPES, type SimScope } from './rate-limits.js'
export { DEFAULT_SIM_REGION, SIM_REGIONS, type SimRegion, zonesOf } from './regions.js'
export { type SimResourceOptions, simResourceOptionsSchema } from './resource-options.js'
export {
  type ResolvedSimSettings,
  type SimFaultSettings,
  type SimLatencySettings,
  type SimQuotaSettings,
  type SimSettings,
  simSettingsSchema,
} from './settings.js'
export type { SimScopeStats, SimStats } from './sim-cloud.js'
