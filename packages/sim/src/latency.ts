import type { SimKind } from './kinds.js'
import type { SeededRandom } from './random.js'

/**
 * How long something takes: uniform between `meanMs - jitterMs` and `meanMs + jitterMs`
 * (never below zero). Small on purpose: enough spread to make schedules interesting,
 * few enough knobs to reason about makespans.
 */
export interface LatencyDistribution {
  /** Average duration in milliseconds. */
  readonly meanMs: number
  /** Largest deviation from the mean in milliseconds; 0 makes the duration exact. Default 0. */
  readonly jitterMs?: number
}

/** Time from create until ready (an instance: `pending` until `running`), per kind. */
export const DEFAULT_PROVISION_LATENCY: Readonly<Record<SimKind, LatencyDistribution>> = {
  network: { meanMs: 2_000, jitterMs: 400 },
  subnet: { meanMs: 1_000, jitterMs: 200 },
  firewall: { meanMs: 1_000, jitterMs: 200 },
  instance: { meanMs: 30_000, jitterMs: 6_000 },
  volume: { meanMs: 5_000, jitterMs: 1_000 },
  'instance-group': { meanMs: 60_000, jitterMs: 10_000 },
}

/** Time from a delete request until the resource is gone (an instance: until `terminated`), per kind. */
export const DEFAULT_DELETION_LATENCY: Readonly<Record<SimKind, LatencyDistribution>> = {
  network: { meanMs: 1_000, jitterMs: 200 },
  subnet: { meanMs: 500, jitterMs: 100 },
  firewall: { meanMs: 500, jitterMs: 100 },
  instance: { meanMs: 15_000, jitterMs: 3_000 },
  volume: { meanMs: 2_000, jitterMs: 400 },
  'instance-group': { meanMs: 30_000, jitterMs: 6_000 },
}

/** Round trip of one API call. Zero by default: provisioning latency dominates, and makespans stay easy to check. */
export const DEFAULT_API_LATENCY: LatencyDistribution = { meanMs: 0, jitterMs: 0 }

/** Draws a duration in whole milliseconds from `distribution`, before scaling. */
export function sampleLatency(
  distribution: LatencyDistribution,
  random: SeededRandom,
  stream: string,
  key: string,
): number {
  const jitter = distribution.jitterMs ?? 0
  if (jitter === 0) return Math.max(0, Math.round(distribution.meanMs))
  const unit = random.next(stream, key) * 2 - 1
  return Math.max(0, Math.round(distribution.meanMs + unit * jitter))
}

/**
 * Poll interval the engine should use while a resource of this kind provisions: a twentieth
 * of its mean latency, so that waiting overshoots readiness by at most about 5%, within
 * 10 ms and 5 s.
 */
export function defaultPollIntervalMs(provisionMeanMs: number): number {
  return Math.min(5_000, Math.max(10, Math.round(provisionMeanMs / 20)))
}
