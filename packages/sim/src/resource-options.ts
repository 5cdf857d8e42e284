import { z } from 'zod'

/**
 * Per-resource settings under `providerOptions: { sim: { ... } }`: exact latencies for
 * benchmarks with chosen durations, and failures for tests.
 */
export const simResourceOptionsSchema = z.strictObject({
  /** Provisioning time of this resource in ms, instead of a draw from the kind's distribution (still scaled). */
  provisionMs: z.number().min(0).finite().optional(),
  /** Deletion time of this resource in ms, instead of a draw (still scaled). */
  deletionMs: z.number().min(0).finite().optional(),
  /** Make this resource's provisioning fail, as `faults.failResources` would. */
  fail: z.boolean().optional(),
})

/** What `providerOptions.sim` may hold. */
export type SimResourceOptions = z.output<typeof simResourceOptionsSchema>
