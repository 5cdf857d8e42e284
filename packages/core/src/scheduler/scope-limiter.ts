import PQueue from 'p-queue'
import type { Clock } from '../clock/clock.js'
import type { RateLimitScopeV1 } from '../provider/contract.js'
import { Semaphore } from './semaphore.js'
import { TokenBucket } from './token-bucket.js'

/** Calls and throttles counted per scope. */
export interface ScopeStats {
  calls: number
  throttled: number
}

/**
 * The gate in front of one rate-limit scope (provider key + scope name). Waiting calls pass
 * one at a time in priority order (a p-queue of concurrency 1): each takes a concurrency slot,
 * honours any Retry-After pause, takes a token and a slot of the engine's global cap, then runs.
 * The most critical call waiting gets the next token; a call waiting here never holds up
 * another scope.
 */
export class ScopeLimiter {
  readonly key: string
  readonly bucket: TokenBucket
  readonly stats: ScopeStats = { calls: 0, throttled: 0 }
  readonly #gate = new PQueue({ concurrency: 1 })
  readonly #slots: Semaphore
  readonly #global: Semaphore
  readonly #clock: Clock
  #pausedUntil = 0

  constructor(key: string, limits: RateLimitScopeV1, global: Semaphore, clock: Clock) {
    this.key = key
    this.bucket = new TokenBucket(limits.capacity, limits.refillPerSecond, clock)
    this.#slots = new Semaphore(limits.concurrency ?? Number.MAX_SAFE_INTEGER)
    this.#global = global
    this.#clock = clock
  }

  /** Calls waiting at the gate. */
  get waiting(): number {
    return this.#gate.size
  }

  /** Runs `call` once the scope allows it. Higher `priority` goes first. */
  async run<T>(priority: number, call: () => Promise<T>, signal?: AbortSignal, tokens = 1): Promise<T> {
    // The signal is checked when the call reaches the front rather than registered with the
    // queue: a listener per queued call costs more than skipping a dead one.
    await this.#gate.add(
      async () => {
        if (signal?.aborted) throw signal.reason
        await this.#slots.acquire(signal)
        try {
          const pause = this.#pausedUntil - this.#clock.now()
          if (pause > 0) await this.#clock.sleep(pause, signal)
          await this.bucket.take(tokens, signal)
          await this.#global.acquire(signal)
        } catch (error) {
          this.#slots.release()
          throw error
        }
      },
      { priority },
    )
    this.stats.calls++
    try {
      return await call()
    } finally {
      this.#global.release()
      this.#slots.release()
    }
  }

  /**
   * Takes extra tokens for further API calls inside one operation (`ctx.acquire`). It bypasses
   * the gate: the caller already holds a global slot, and queueing behind calls that wait for
   * one could deadlock.
   */
  async acquire(tokens: number, signal?: AbortSignal): Promise<void> {
    await this.bucket.take(tokens, signal)
    this.stats.calls += tokens
  }

  /** The cloud throttled a call of this scope; `retryAfterMs` pauses the whole scope. */
  throttled(retryAfterMs: number | undefined): void {
    this.stats.throttled++
    this.bucket.throttled()
    if (retryAfterMs !== undefined)
      this.#pausedUntil = Math.max(this.#pausedUntil, this.#clock.now() + retryAfterMs)
  }

  succeeded(): void {
    this.bucket.succeeded()
  }
}
