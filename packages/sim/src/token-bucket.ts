/** The outcome of asking a bucket for tokens. */
export type TakeResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number }

/** Tolerance for float drift, so that a caller who waits exactly `retryAfterMs` is admitted. */
const EPSILON = 1e-9

/**
 * A cloud-side token bucket, refilled lazily from the clock's time (no timers): it holds at
 * most `capacity` tokens and gains `refillPerSecond` per second. It starts full.
 */
export class TokenBucket {
  readonly capacity: number
  readonly refillPerSecond: number
  #tokens: number
  #updatedAt: number | undefined

  constructor(capacity: number, refillPerSecond: number) {
    this.capacity = capacity
    this.refillPerSecond = refillPerSecond
    this.#tokens = capacity
  }

  /** Tokens available at `now`. */
  available(now: number): number {
    this.#refill(now)
    return this.#tokens
  }

  /** Takes `count` tokens at `now`, or says how long until they would be there. */
  take(now: number, count = 1): TakeResult {
    this.#refill(now)
    if (this.#tokens + EPSILON >= count) {
      this.#tokens = Math.max(0, this.#tokens - count)
      return { ok: true }
    }
    const missing = count - this.#tokens
    // Subtract a hair before rounding up, so float noise (1.0000000000000009 ms) does not add a whole ms.
    const waitMs = Math.ceil((missing / this.refillPerSecond) * 1000 - 1e-6)
    return { ok: false, retryAfterMs: Math.max(1, waitMs) }
  }

  /** Fills the bucket again. */
  reset(): void {
    this.#tokens = this.capacity
    this.#updatedAt = undefined
  }

  #refill(now: number): void {
    if (this.#updatedAt !== undefined && now > this.#updatedAt) {
      const gained = ((now - this.#updatedAt) / 1000) * this.refillPerSecond
      this.#tokens = Math.min(this.capacity, this.#tokens + gained)
    }
    this.#updatedAt = Math.max(now, this.#updatedAt ?? now)
  }
}
