import type { Clock } from '../clock/clock.js'
import { ProviderError } from '../errors/provider-error.js'
import type { OperationContext, ReadResult } from '../provider/contract.js'
import type { NormalizedHandler, NormalizedProvider } from '../provider/normalize.js'
import { abortReason, type CallRunner } from './calls.js'

type Read = ReadResult<Record<string, unknown>, Record<string, unknown>>

interface Waiter {
  readonly id: string
  readonly urn: string
  readonly priority: number
  readonly signal: AbortSignal
  readonly resolve: (result: Read) => void
  readonly reject: (error: unknown) => void
  misses: number
}

/** Reads in a row that may miss a just-created resource before it counts as gone (eventual consistency). */
const MAX_MISSES = 10

/**
 * Waits for resources to become ready, batching the polls: every poll round issues one
 * `readMany` per `readBatchSize` ids for everything waiting on this provider and kind (one
 * DescribeInstances for all instances starting, not one each).
 */
export class ReadBatcher {
  readonly #waiting = new Map<string, Waiter>()
  #running = false

  constructor(
    readonly provider: NormalizedProvider,
    readonly handler: NormalizedHandler,
    readonly calls: CallRunner,
    readonly clock: Clock,
    readonly context: (urn: string, signal: AbortSignal) => OperationContext,
  ) {}

  /** Resolves with the resource's read once its status is `ready`; rejects if it fails or vanishes. */
  wait(id: string, urn: string, priority: number, signal: AbortSignal): Promise<Read> {
    return new Promise<Read>((resolve, reject) => {
      if (signal.aborted) {
        reject(abortReason(signal))
        return
      }
      const waiter: Waiter = { id, urn, priority, signal, resolve, reject, misses: 0 }
      this.#waiting.set(id, waiter)
      signal.addEventListener(
        'abort',
        () => {
          if (this.#waiting.get(id) === waiter) {
            this.#waiting.delete(id)
            reject(abortReason(signal))
          }
        },
        { once: true },
      )
      if (!this.#running) void this.#loop()
    })
  }

  async #loop(): Promise<void> {
    this.#running = true
    try {
      while (this.#waiting.size > 0) {
        await this.clock.sleep(this.handler.pollIntervalMs)
        const round = [...this.#waiting.values()].sort((a, b) => b.priority - a.priority)
        const size = this.handler.readBatchSize
        const chunks: Waiter[][] = []
        for (let index = 0; index < round.length; index += size) chunks.push(round.slice(index, index + size))
        await Promise.all(chunks.map((chunk) => this.#poll(chunk)))
      }
    } finally {
      this.#running = false
    }
  }

  async #poll(chunk: Waiter[]): Promise<void> {
    const live = chunk.filter((waiter) => this.#waiting.get(waiter.id) === waiter)
    if (live.length === 0) return
    const { scope } = this.handler.traits('read')
    const signal = new AbortController().signal
    let found: ReadonlyMap<string, Read>
    try {
      found = await this.calls.call(
        { provider: this.provider, scope, operation: 'read', priority: live[0]!.priority, signal },
        () =>
          this.handler.readMany(
            live.map((waiter) => waiter.id),
            this.context(live[0]!.urn, signal),
          ),
      )
    } catch (error) {
      for (const waiter of live) this.#settle(waiter, () => waiter.reject(error))
      return
    }
    for (const waiter of live) {
      const result = found.get(waiter.id)
      if (!result) {
        waiter.misses++
        if (waiter.misses >= MAX_MISSES) {
          this.#settle(waiter, () =>
            waiter.reject(
              new ProviderError({
                provider: this.provider.key,
                operation: 'wait',
                urn: waiter.urn,
                class: 'not-found',
                message: `${waiter.id} was created but is no longer found after ${MAX_MISSES} reads; it may have been deleted outside Skyloom`,
              }),
            ),
          )
        }
        continue
      }
      waiter.misses = 0
      if (result.status === 'failed') {
        this.#settle(waiter, () =>
          waiter.reject(
            new ProviderError({
              provider: this.provider.key,
              operation: 'wait',
              urn: waiter.urn,
              class: 'fatal',
              message: `${waiter.id} failed to become ready: ${result.message ?? 'the cloud reported a failure'}`,
            }),
          ),
        )
      } else if (result.status === undefined || result.status === 'ready') {
        this.#settle(waiter, () => waiter.resolve(result))
      }
    }
  }

  #settle(waiter: Waiter, action: () => void): void {
    if (this.#waiting.get(waiter.id) !== waiter) return
    this.#waiting.delete(waiter.id)
    action()
  }
}
