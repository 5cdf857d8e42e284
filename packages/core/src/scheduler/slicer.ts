/**
 * Keeps the event loop turning during a big apply: continuations that would run back to back
 * for longer than `budgetMs` wait for the next turn instead, a batch at a time, in the order
 * they arrived. Between turns the loop runs I/O callbacks, so a journal write that completed
 * releases its steps while others still run, and a service embedding the engine keeps
 * answering its requests.
 */
export class Slicer {
  readonly #budgetMs: number
  readonly #batch: number
  #sliceStarted = performance.now()
  readonly #waiting: Array<() => void> = []
  #scheduled = false

  constructor(budgetMs = 4, batch = 64) {
    this.#budgetMs = budgetMs
    this.#batch = batch
  }

  /** Undefined when the caller may go on now; otherwise a promise that resolves on a later turn. */
  turn(): Promise<void> | undefined {
    if (!this.#scheduled && performance.now() - this.#sliceStarted < this.#budgetMs) return undefined
    return new Promise<void>((resolve) => {
      this.#waiting.push(resolve)
      this.#schedule()
    })
  }

  #schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    setImmediate(this.#drain)
  }

  readonly #drain = (): void => {
    this.#scheduled = false
    this.#sliceStarted = performance.now()
    const released = this.#waiting.splice(0, this.#batch)
    if (this.#waiting.length > 0) this.#schedule()
    for (const resolve of released) resolve()
  }
}
