import type { Clock } from '../clock/clock.js'

/**
 * A token bucket like the clouds' own: `capacity` tokens when full, refilled continuously at a
 * rate. The rate adapts (AIMD): it halves when the cloud throttles us anyway (someone else
 * shares the account) and creeps back to the declared rate as calls succeed.
 */
export class TokenBucket {
  readonly capacity: number
  readonly maxRate: number
  #rate: number
  #tokens: number
  #last: number
  readonly #clock: Clock

  constructor(capacity: number, refillPerSecond: number, clock: Clock) {
    this.capacity = capacity
    this.maxRate = refillPerSecond
    this.#rate = refillPerSecond
    this.#tokens = capacity
    this.#clock = clock
    this.#last = clock.now()
  }

  /** Current refill rate per second (below `maxRate` after throttling). */
  get rate(): number {
    return this.#rate
  }

  get unlimited(): boolean {
    return !Number.isFinite(this.maxRate) || !Number.isFinite(this.capacity)
  }

  /** Tokens available now. */
  get tokens(): number {
    this.#refill()
    return this.#tokens
  }

  /** Takes `count` tokens, waiting on the clock until they are there. Callers take turns. */
  async take(count = 1, signal?: AbortSignal): Promise<void> {
    if (this.unlimited) return
    for (;;) {
      this.#refill()
      if (this.#tokens >= count) {
        this.#tokens -= count
        return
      }
      const waitMs = Math.ceil(((count - this.#tokens) / this.#rate) * 1000)
      await this.#clock.sleep(Math.max(1, waitMs), signal)
    }
  }

  /** The cloud throttled a call: empty the bucket and halve the rate (multiplicative decrease). */
  throttled(): void {
    if (this.unlimited) return
    this.#refill()
    this.#tokens = Math.min(this.#tokens, 0)
    this.#rate = Math.max(this.maxRate * 0.05, this.#rate / 2)
  }

  /** A call succeeded: grow the rate back by a small step (additive increase). */
  succeeded(): void {
    if (this.#rate < this.maxRate) this.#rate = Math.min(this.maxRate, this.#rate + this.maxRate * 0.02)
  }

  #refill(): void {
    const now = this.#clock.now()
    const elapsed = now - this.#last
    if (elapsed > 0) {
      this.#tokens = Math.min(this.capacity, this.#tokens + (elapsed / 1000) * this.#rate)
      this.#last = now
    }
  }
}
