import type { Clock } from '../clock/clock.js'

interface Entry {
  readonly at: number
  readonly onExpire: () => void
  live: boolean
}

const REARM = { reason: 'deadline watcher re-armed' }

/**
 * Many deadlines, one sleeper: every step of an apply has a time limit, but arming a timer per
 * step costs a promise, a timer and a listener each. The watcher keeps deadlines in a heap and
 * sleeps (on the injected clock) only until the earliest live one.
 */
export class DeadlineWatcher {
  readonly #clock: Clock
  readonly #heap: Entry[] = []
  #armedFor = Number.POSITIVE_INFINITY
  #sleep: AbortController | undefined
  #live = 0

  constructor(clock: Clock) {
    this.#clock = clock
  }

  /** Calls `onExpire` at `at` unless the returned function is called first. */
  watch(at: number, onExpire: () => void): () => void {
    const entry: Entry = { at, onExpire, live: true }
    this.#live++
    this.#push(entry)
    if (at < this.#armedFor) this.#arm()
    return () => {
      if (!entry.live) return
      entry.live = false
      this.#live--
      // Stop sleeping when nothing is left to watch, so a virtual clock is not held back.
      if (this.#live === 0) {
        this.#heap.length = 0
        this.#sleep?.abort(REARM)
        this.#sleep = undefined
        this.#armedFor = Number.POSITIVE_INFINITY
      }
    }
  }

  #arm(): void {
    this.#sleep?.abort(REARM)
    while (this.#heap.length > 0 && !this.#heap[0]!.live) this.#pop()
    const next = this.#heap[0]
    if (!next) {
      this.#armedFor = Number.POSITIVE_INFINITY
      this.#sleep = undefined
      return
    }
    const controller = new AbortController()
    this.#sleep = controller
    this.#armedFor = next.at
    this.#clock.sleep(Math.max(0, next.at - this.#clock.now()), controller.signal).then(
      () => {
        if (this.#sleep !== controller) return
        const now = this.#clock.now()
        while (this.#heap.length > 0 && (this.#heap[0]!.at <= now || !this.#heap[0]!.live)) {
          const entry = this.#pop()!
          if (entry.live) {
            entry.live = false
            this.#live--
            entry.onExpire()
          }
        }
        this.#arm()
      },
      () => {},
    )
  }

  #push(entry: Entry): void {
    const heap = this.#heap
    heap.push(entry)
    let index = heap.length - 1
    while (index > 0) {
      const parent = (index - 1) >> 1
      if (heap[parent]!.at <= entry.at) break
      heap[index] = heap[parent]!
      index = parent
    }
    heap[index] = entry
  }

  #pop(): Entry | undefined {
    const heap = this.#heap
    const top = heap[0]
    const last = heap.pop()
    if (heap.length === 0 || !last) return top
    let index = 0
    for (;;) {
      const left = index * 2 + 1
      const right = left + 1
      let smallest = left < heap.length && heap[left]!.at < last.at ? left : -1
      if (right < heap.length && heap[right]!.at < (smallest === -1 ? last.at : heap[left]!.at))
        smallest = right
      if (smallest === -1) break
      heap[index] = heap[smallest]!
      index = smallest
    }
    heap[index] = last
    return top
  }
}
