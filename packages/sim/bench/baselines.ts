import { seededRandom } from '@skyloom/core'
import type { WalkerPolicy } from './walker.js'

/** Terraform's default `-parallelism`: one semaphore of 10 over the whole graph walk. */
export const TERRAFORM_PARALLELISM = 10

/**
 * Attempts per call: terraform-provider-aws's `max_retries` default (25) handed to the AWS
 * SDK's standard retryer. The plain SDK default is 3; `--terraform-attempts 3` models that.
 */
export const TERRAFORM_MAX_ATTEMPTS = 25

/** The AWS SDK's largest backoff between attempts (standard mode). */
const SDK_MAX_BACKOFF_MS = 20_000

/**
 * The wait before a resource's n-th readiness poll in Terraform's waiters (the plugin SDK's
 * `StateChangeConf` without a fixed poll interval or delay): the first refresh right after
 * the create, then waits of 100 ms doubled each time, at most 10 s. Polls come at 0, 0.2,
 * 0.6, 1.4, 3, 6.2, 12.6 s, then every 10 s. Pulumi's AWS provider is bridged from
 * Terraform's and waits the same way.
 */
export function stateChangeConfDelay(poll: number): number {
  return poll <= 1 ? 0 : Math.min(10_000, 100 * 2 ** Math.min(poll - 1, 10))
}

/**
 * Modelled on Terraform with the AWS provider: one semaphore of 10, steps in ready order, no
 * client-side rate limiting, a waiter per resource polling on {@link stateChangeConfDelay}.
 * Throttled and transient calls are retried by the SDK's standard
 * retryer: exponential backoff with full jitter, random x 2^attempt seconds, or 20 s once 2^attempt passes 20
 * (EC2 sends no Retry-After, so the SDK never sees one); after `maxAttempts` the error reaches
 * Terraform and the resource fails, which skips everything that depends on it. The SDK's
 * client-side retry quota is left out: it would only make more calls fail sooner.
 */
export function terraformStyle(seed: number, maxAttempts = TERRAFORM_MAX_ATTEMPTS): WalkerPolicy {
  const random = seededRandom(seed)
  return {
    slots: TERRAFORM_PARALLELISM,
    pollDelay: stateChangeConfDelay,
    retryDelay(attempt) {
      if (attempt >= maxAttempts) return undefined
      const ceiling = 2 ** attempt * 1_000
      // As the SDK's ExponentialJitterBackoff: past the cap, the cap itself, no jitter.
      return ceiling > SDK_MAX_BACKOFF_MS ? SDK_MAX_BACKOFF_MS : Math.floor(random() * ceiling)
    },
  }
}

/**
 * Unbounded parallelism with retry-on-throttle, as Pulumi defaults to: every ready step
 * starts at once; a throttled call is retried as soon as the cloud's retry-after says, for
 * as long as it takes (a transient error after a second). Readiness is polled per resource
 * like Terraform's waiters ({@link stateChangeConfDelay}).
 */
export function unboundedRetry(): WalkerPolicy {
  return {
    slots: Number.POSITIVE_INFINITY,
    pollDelay: stateChangeConfDelay,
    retryDelay: (_attempt, error) => error.retryAfterMs ?? 1_000,
  }
}
