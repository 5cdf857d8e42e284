/** The sim's rate-limit scopes, one per EC2 API class whose bucket it mirrors. */
export const SIM_SCOPES = ['describe', 'mutate', 'run-instances', 'terminate-instances'] as const

/** A rate-limit scope of the sim. */
export type SimScope = (typeof SIM_SCOPES)[number]

/** A token bucket: burst size and tokens added per second. */
export interface BucketSettings {
  /** Tokens the bucket holds when full: the largest burst of calls. */
  readonly capacity: number
  /** Tokens added per second: the sustained call rate. */
  readonly refillPerSecond: number
}

/**
 * The published EC2 request buckets per account and region (notes/cloud-apis.md): the sim's
 * cloud-side limits, and the limits it declares to the scheduler.
 */
export const EC2_REQUEST_BUCKETS: Readonly<Record<SimScope, BucketSettings>> = {
  /** Non-mutating calls: Describe*, List*. */
  describe: { capacity: 100, refillPerSecond: 20 },
  /** Mutating calls other than the two below: Create*, Delete*, Modify*, Start/StopInstances. */
  mutate: { capacity: 50, refillPerSecond: 5 },
  /** RunInstances requests. */
  'run-instances': { capacity: 5, refillPerSecond: 2 },
  /** TerminateInstances requests. */
  'terminate-instances': { capacity: 100, refillPerSecond: 5 },
}
