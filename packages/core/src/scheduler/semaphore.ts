/** A counting semaphore; waiters are served first come, first served. */
export class Semaphore {
  #available: number
  readonly #waiters: Array<{ resolve: () => void; reject: (reason: unknown) => void; signal?: AbortSignal }> =
    []

  constructor(readonly size: number) {
    this.#available = size
  }

  get inUse(): number {
    return this.size - this.#available
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    if (this.#available > 0 && this.#waiters.length === 0) {
      this.#available--
      return Promise.resolve()
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = { resolve, reject, ...(signal ? { signal } : {}) }
      this.#waiters.push(waiter)
      signal?.addEventListener(
        'abort',
        () => {
          const index = this.#waiters.indexOf(waiter)
          if (index !== -1) {
            this.#waiters.splice(index, 1)
            reject(signal.reason)
          }
        },
        { once: true },
      )
    })
  }

  release(): void {
    const next = this.#waiters.shift()
    if (next) next.resolve()
    else this.#available = Math.min(this.size, this.#available + 1)
  }
}
