/**
 * The one source of time for the engine, the scheduler and providers. Every wait (backoff,
 * polling, token-bucket refill, timeouts, lease renewal) goes through `sleep`, so a test or the
 * simulated cloud can drive a whole apply on virtual time.
 */
export interface Clock {
  /** Milliseconds since the epoch (virtual clocks start wherever they like). */
  now(): number
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /**
   * Optional: keeps time still until `work` settles. A virtual clock advances when the
   * process looks idle, and a pending disk write looks idle; the engine holds the clock around
   * its state I/O so simulated time never jumps during it. Real clocks need not implement it.
   */
  hold?<T>(work: Promise<T>): Promise<T>
}

/** Real time. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason)
        return
      }
      const onAbort = (): void => {
        clearTimeout(timer)
        reject(signal?.reason)
      }
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
        Math.max(0, ms),
      )
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  },
}
