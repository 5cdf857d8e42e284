import type { ProviderLimitsV1, RateLimitScopeV1 } from '@skyloom/core/provider'

/**
 * Rate-limit scopes mirroring EC2's published token buckets (per account and region; capacity
 * and refill per second, see the EC2 API throttling documentation). The scheduler keeps one
 * bucket per scope and provider key, so two regions or accounts never share a bucket.
 *
 * `instances-started` and `instances-stopped` are EC2's *resource* buckets: they count
 * instances, not requests, so RunInstances and StartInstances take a token from both their
 * request bucket and `instances-started`.
 *
 * Auto Scaling publishes no buckets; its two scopes are conservative guesses.
 */
export const AWS_SCOPES = {
  /** Non-mutating calls (Describe*): 100 burst, 20 per second. */
  describe: { capacity: 100, refillPerSecond: 20, concurrency: 20 },
  /** Unfiltered, unpaginated describes (DescribeAvailabilityZones): 50 burst, 10 per second. */
  'describe-unfiltered': { capacity: 50, refillPerSecond: 10, concurrency: 10 },
  /** Mutating calls (Create*, Delete*, Modify*, Attach*…): 50 burst, 5 per second. */
  mutate: { capacity: 50, refillPerSecond: 5, concurrency: 10 },
  /** RunInstances requests: 5 burst, 2 per second. */
  'run-instances': { capacity: 5, refillPerSecond: 2, concurrency: 5 },
  /** TerminateInstances requests: 100 burst, 5 per second. */
  'terminate-instances': { capacity: 100, refillPerSecond: 5, concurrency: 10 },
  /** CreateTags requests: 100 burst, 10 per second. */
  'create-tags': { capacity: 100, refillPerSecond: 10, concurrency: 10 },
  /** Instances launched by RunInstances / StartInstances: 1,000 burst, 2 per second. */
  'instances-started': { capacity: 1000, refillPerSecond: 2 },
  /** Instances stopped by TerminateInstances / StopInstances: 1,000 burst, 20 per second. */
  'instances-stopped': { capacity: 1000, refillPerSecond: 20 },
  /** Auto Scaling Describe* calls (unpublished; conservative). */
  'autoscaling-describe': { capacity: 40, refillPerSecond: 10, concurrency: 10 },
  /** Auto Scaling mutating calls (unpublished; conservative). */
  'autoscaling-mutate': { capacity: 20, refillPerSecond: 2, concurrency: 5 },
} as const satisfies Record<string, RateLimitScopeV1>

export type AwsScope = keyof typeof AWS_SCOPES

/** What the provider declares as its `limits`. */
export const AWS_LIMITS: ProviderLimitsV1 = {
  scopes: AWS_SCOPES,
  readScope: 'describe',
  mutateScope: 'mutate',
  maxConcurrency: 64,
  // EC2 is eventually consistent: a Describe right after a create can miss the new resource
  // (InvalidInstanceID.NotFound and friends). Within this window a miss is looked at again
  // before refresh or crash recovery believes it. Settings may change it.
  consistencyWindowMs: 10_000,
}

/** Most instance ids DescribeInstances accepts in one call. */
export const DESCRIBE_INSTANCES_BATCH = 1000
/** Volume ids per DescribeVolumes call (no published maximum; kept well inside the request size). */
export const DESCRIBE_VOLUMES_BATCH = 500
/** Group names per DescribeAutoScalingGroups call (the API's maximum page is 100). */
export const DESCRIBE_GROUPS_BATCH = 100
/** Ids per DescribeVpcs / DescribeSubnets / DescribeSecurityGroups call. */
export const DESCRIBE_NETWORK_BATCH = 200

const EC2_REQUEST_SCOPES: Readonly<Record<string, AwsScope>> = {
  RunInstances: 'run-instances',
  TerminateInstances: 'terminate-instances',
  CreateTags: 'create-tags',
  DescribeAvailabilityZones: 'describe-unfiltered',
}

/** The request bucket an EC2 API call is counted in. */
export function ec2ScopeOf(api: string): AwsScope {
  const named = EC2_REQUEST_SCOPES[api]
  if (named) return named
  return /^(Describe|Get|List)/.test(api) ? 'describe' : 'mutate'
}

/** The request bucket an Auto Scaling API call is counted in. */
export function autoScalingScopeOf(api: string): AwsScope {
  return /^(Describe|Get|List)/.test(api) ? 'autoscaling-describe' : 'autoscaling-mutate'
}

/** Resource-bucket tokens an EC2 call takes besides its request token (one per instance). */
export function resourceTokensOf(
  api: string,
  instances: number,
): { scope: AwsScope; tokens: number } | undefined {
  if (api === 'RunInstances' || api === 'StartInstances')
    return { scope: 'instances-started', tokens: instances }
  if (api === 'TerminateInstances' || api === 'StopInstances')
    return { scope: 'instances-stopped', tokens: instances }
  return undefined
}
