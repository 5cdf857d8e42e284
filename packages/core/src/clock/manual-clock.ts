import type { Clock } from './clock.js'

/**
 * A clock that moves only when a test says so: `advance(ms)` wakes every sleeper whose time
 * has come, in order, letting promise chains settle between wake-ups.
 */
export class ManualClock implements Clock {
  #now: number
  #sleepers: Array<{ at: number; order: number; resolve: () => void }> = []
  #order = 0

  constructor(start = 0) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  get pending(): number {
    return this.#sleepers.length
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason)
        return
      }
      const sleeper = { at: this.#now + Math.max(0, ms), order: this.#order++, resolve }
      this.#sleepers.push(sleeper)
      signal?.addEventListener(
        'abort',
        () => {
          this.#sleepers = this.#sleepers.filter((other) => other !== sleeper)
          reject(signal.reason)
        },
        { once: true },
      )
    })
  }

  /** Moves time forward by `ms`, waking sleepers in time order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms
    for (;;) {
      await settle()
      this.#sleepers.sort((a, b) => a.at - b.at || a.order - b.order)
      const next = this.#sleepers[0]
      if (!next || next.at > target) break
      this.#sleepers.shift()
      this.#now = Math.max(this.#now, next.at)
      next.resolve()
    }
    this.#now = target
    await settle()
  }
}

async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await new Promise<void>((resolve) => setImmediate(resolve))
}
