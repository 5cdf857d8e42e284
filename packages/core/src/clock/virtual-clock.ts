import type { Clock } from './clock.js'

interface Timer {
  readonly at: number
  readonly order: number
  readonly resolve: () => void
  cancelled: boolean
}

/**
 * Simulated time that jumps ahead whenever nothing else can run: once the process has no
 * pending microtasks or immediates, the clock advances to the earliest sleeper and wakes it.
 * An apply that takes an hour of cloud time runs in milliseconds, and because timers fire in
 * (time, registration) order, makespans are exact and repeatable.
 *
 * Work that waits on real I/O (files, sockets) still completes, but virtual time may move on
 * while it does; keep such work out of measurements that must be exact.
 */
export class VirtualClock implements Clock {
  #now: number
  #heap: Timer[] = []
  #order = 0
  #scheduled = false
  #idleTurns: number
  #holds = 0

  /**
   * @param start virtual epoch in milliseconds
   * @param idleTurns event-loop turns with no new activity before time advances; raise it
   * when the code under test does small bits of real I/O between waits
   */
  constructor(start = Date.now(), idleTurns = 2) {
    this.#now = start
    this.#idleTurns = idleTurns
  }

  now(): number {
    return this.#now
  }

  /** Number of sleepers waiting. */
  get pending(): number {
    return this.#heap.filter((timer) => !timer.cancelled).length
  }

  /**
   * Moves time forward to `time` if it is later (a simulation resuming where a saved one
   * stopped). Sleepers whose moment it passes wake in order.
   */
  advanceTo(time: number): void {
    if (time <= this.#now) return
    this.#now = time
    if (this.#heap.length > 0) this.#schedule()
  }

  /** Keeps time still until `work` settles (real I/O the simulation waits for). */
  hold<T>(work: Promise<T>): Promise<T> {
    this.#holds++
    const release = () => {
      this.#holds--
      if (this.#holds === 0 && this.#heap.length > 0) this.#schedule()
    }
    return work.then(
      (value) => {
        release()
        return value
      },
      (error: unknown) => {
        release()
        throw error
      },
    )
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason)
        return
      }
      const timer: Timer = {
        at: this.#now + Math.max(0, ms),
        order: this.#order++,
        cancelled: false,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
      }
      // An aborted sleeper must not pull time forward when its moment comes.
      const onAbort = (): void => {
        timer.cancelled = true
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#push(timer)
      this.#schedule()
    })
  }

  #schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    let quiet = 0
    let seen = this.#order
    const turn = (): void => {
      if (this.#order !== seen) {
        seen = this.#order
        quiet = 0
      } else {
        quiet++
      }
      if (quiet < this.#idleTurns) {
        setImmediate(turn)
        return
      }
      this.#scheduled = false
      // Held: real work is pending; its release schedules the next advance.
      if (this.#holds > 0) return
      this.#fireNext()
    }
    setImmediate(turn)
  }

  #fireNext(): void {
    let first = this.#pop()
    while (first?.cancelled) first = this.#pop()
    if (!first) return
    this.#now = Math.max(this.#now, first.at)
    first.resolve()
    // Wake every sleeper due at the same instant, in registration order.
    while (this.#heap.length > 0 && this.#heap[0]!.at <= this.#now) {
      const next = this.#pop()!
      if (!next.cancelled) next.resolve()
    }
    if (this.#heap.length > 0) this.#schedule()
  }

  #push(timer: Timer): void {
    const heap = this.#heap
    heap.push(timer)
    let index = heap.length - 1
    while (index > 0) {
      const parent = (index - 1) >> 1
      if (!earlier(heap[index]!, heap[parent]!)) break
      ;[heap[index], heap[parent]] = [heap[parent]!, heap[index]!]
      index = parent
    }
  }

  #pop(): Timer | undefined {
    const heap = this.#heap
    if (heap.length === 0) return undefined
    const top = heap[0]!
    const last = heap.pop()!
    if (heap.length > 0) {
      heap[0] = last
      let index = 0
      for (;;) {
        const left = index * 2 + 1
        const right = left + 1
        let smallest = index
        if (left < heap.length && earlier(heap[left]!, heap[smallest]!)) smallest = left
        if (right < heap.length && earlier(heap[right]!, heap[smallest]!)) smallest = right
        if (smallest === index) break
        ;[heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!]
        index = smallest
      }
    }
    return top
  }
}

function earlier(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order)
}
