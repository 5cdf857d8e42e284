/** How the engine retries failed calls. It is the one retry authority: provider SDK retries are off. */
export interface RetryPolicy {
  /** Attempts per call, the first included. Default 8. */
  readonly maxAttempts: number
  /** First backoff ceiling in ms; doubles each retry. Default 250. */
  readonly baseDelayMs: number
  /** Largest backoff ceiling in ms. Default 30,000. */
  readonly maxDelayMs: number
  /** Retries allowed across all calls of one step. Default 30. */
  readonly stepBudget: number
  /** Retries of `conflict` errors per call (resources still in use, eventually consistent). Default 5. */
  readonly conflictAttempts: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 250,
  maxDelayMs: 30_000,
  stepBudget: 30,
  conflictAttempts: 5,
}

/**
 * Exponential backoff with full jitter (a uniform draw below the exponential ceiling), never
 * shorter than what the cloud asked for with Retry-After.
 */
export function backoffDelay(
  retry: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1))
  const jittered = Math.floor(random() * ceiling)
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered)
}

/** A small seedable PRNG (mulberry32) so simulated runs repeat exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
