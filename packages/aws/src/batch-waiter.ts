import type { Session } from './session.js'

/** What a waiter learns about one id per round: keep waiting, done, or failed with a message. */
export type WaitVerdict = 'wait' | 'done' | { readonly failed: string }

export interface BatchWaiterOptions<T> {
  /** Describes up to `batchSize` ids in one call; ids missing from the map no longer exist. */
  readonly check: (ids: readonly string[], session: Session) => Promise<ReadonlyMap<string, T>>
  readonly verdict: (observation: T | undefined) => WaitVerdict
  readonly intervalMs: number
  readonly batchSize: number
}

interface Waiter<T> {
  readonly session: Session
  resolve(observation: T | undefined): void
  reject(error: unknown): void
}

/**
 * Waits that happen inside handlers (an instance terminating before its subnet can go, a
 * volume detaching) share one Describe call per round across every concurrent caller, the way
 * the engine batches readiness polls: deleting a hundred instances costs a hundred
 * TerminateInstances but only one DescribeInstances per round.
 */
export class BatchWaiter<T> {
  readonly #options: BatchWaiterOptions<T>
  readonly #waiting = new Map<string, Waiter<T>[]>()
  #running = false

  constructor(options: BatchWaiterOptions<T>) {
    this.#options = options
  }

  /** Resolves with the last observation once `verdict` says done; rejects when it says failed. */
  wait(id: string, session: Session): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve, reject) => {
      const signal = session.ctx.signal
      if (signal.aborted) {
        reject(signal.reason)
        return
      }
      const waiter: Waiter<T> = {
        session,
        resolve: (value) => {
          signal.removeEventListener('abort', onAbort)
          resolve(value)
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort)
          reject(error)
        },
      }
      const onAbort = () => {
        this.#remove(id, waiter)
        reject(signal.reason)
      }
      signal.addEventListener('abort', onAbort, { once: true })
      const list = this.#waiting.get(id) ?? []
      list.push(waiter)
      this.#waiting.set(id, list)
      if (!this.#running) void this.#loop(session)
    })
  }

  #remove(id: string, waiter: Waiter<T>): void {
    const list = this.#waiting.get(id)?.filter((entry) => entry !== waiter) ?? []
    if (list.length === 0) this.#waiting.delete(id)
    else this.#waiting.set(id, list)
  }

  async #loop(first: Session): Promise<void> {
    this.#running = true
    // A short first pause gathers the waits of calls started together into one round.
    let delay = Math.min(this.#options.intervalMs, 25)
    let clockOwner = first
    try {
      while (this.#waiting.size > 0) {
        await clockOwner.ctx.clock.sleep(delay)
        delay = this.#options.intervalMs
        const ids = [...this.#waiting.keys()].slice(0, this.#options.batchSize)
        const session = this.#waiting.get(ids[0] ?? '')?.[0]?.session
        if (!session) continue
        clockOwner = session
        let observed: ReadonlyMap<string, T>
        try {
          observed = await this.#options.check(ids, session)
        } catch (error) {
          for (const id of ids) this.#settle(id, (waiter) => waiter.reject(error))
          continue
        }
        for (const id of ids) {
          const observation = observed.get(id)
          const verdict = this.#options.verdict(observation)
          if (verdict === 'wait') continue
          if (verdict === 'done') this.#settle(id, (waiter) => waiter.resolve(observation))
          else this.#settle(id, (waiter) => waiter.reject(waiter.session.problem('fatal', verdict.failed)))
        }
      }
    } finally {
      this.#running = false
    }
  }

  #settle(id: string, action: (waiter: Waiter<T>) => void): void {
    const list = this.#waiting.get(id) ?? []
    this.#waiting.delete(id)
    for (const waiter of list) action(waiter)
  }
}
