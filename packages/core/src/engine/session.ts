import { randomBytes } from 'node:crypto'
import type { Clock } from '../clock/clock.js'
import { StateError } from '../errors/state-error.js'
import type { EventBus } from '../events/event-bus.js'
import {
  applyEntry,
  type JournalDraft,
  type JournalEntry,
  type WorkingState,
  workingCopy,
} from '../state/journal.js'
import type { StateLock, StateStore } from '../state/store.js'
import { emptyState, type StackState } from '../state/types.js'
import { Redactor } from './redactor.js'

export interface SessionOptions {
  readonly store: StateStore
  readonly clock: Clock
  readonly events: EventBus
  readonly owner: string
  readonly leaseMs: number
  readonly lockWaitMs: number
}

/**
 * One locked operation on one stack: it holds the lock (renewing its lease), the working
 * state, and the journal writer. Every change is applied to the working state at once (so
 * steps see each other's results) and made durable in group commits: all records of one tick
 * go to the store in one append.
 */
export class Session {
  readonly state: WorkingState
  readonly redactor = new Redactor()
  /** Aborted when the lock is lost or the journal cannot be written: the operation must stop. */
  readonly signal: AbortSignal
  readonly #abort = new AbortController()
  readonly #options: SessionOptions
  readonly #lock: StateLock
  readonly #initial: StackState
  readonly #stopRenewal = new AbortController()
  #queue: Array<{ entries: JournalEntry[]; resolve: () => void; reject: (error: unknown) => void }> = []
  #flushing: Promise<void> | undefined
  #recorded = 0
  #closed = false
  #stampedMs = Number.NaN
  #stamp = ''

  private constructor(options: SessionOptions, lock: StateLock, state: StackState) {
    this.#options = options
    this.#lock = lock
    this.#initial = state
    this.state = workingCopy(state)
    this.signal = this.#abort.signal
    void this.#renewLoop()
  }

  static async open(
    options: SessionOptions,
    stack: string,
    operation: string,
    operationId: string,
  ): Promise<Session> {
    const lock = await options.store.lock(stack, {
      owner: options.owner,
      operation,
      leaseMs: options.leaseMs,
      waitMs: options.lockWaitMs,
      clock: options.clock,
      onWait: (holder) => options.events.emit({ type: 'lock-wait', stack, operationId, holder }),
      onStale: (holder) => options.events.emit({ type: 'lock-broken', stack, operationId, holder }),
    })
    let state: StackState | undefined
    try {
      state = await options.store.read(stack)
    } catch (error) {
      await lock.release()
      throw error
    }
    const fresh = emptyState(
      stack,
      randomBytes(16).toString('base64url'),
      new Date(options.clock.now()).toISOString(),
    )
    return new Session(options, lock, state ?? fresh)
  }

  get stack(): string {
    return this.state.stack
  }

  /** Entries recorded by this session. */
  get recorded(): number {
    return this.#recorded
  }

  /**
   * The clock's time as an ISO string. Calls within one millisecond share one string, so a
   * resource stamped by the engine and the entry recording it carry the same time, which the
   * file store then writes once.
   */
  timestamp(): string {
    const ms = this.#options.clock.now()
    if (ms !== this.#stampedMs) {
      this.#stampedMs = ms
      this.#stamp = new Date(ms).toISOString()
    }
    return this.#stamp
  }

  /** Applies the drafts to the working state now; resolves once they are durable. */
  record(drafts: readonly JournalDraft[]): Promise<void> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason)
    const at = this.timestamp()
    const entries: JournalEntry[] = []
    for (const draft of drafts) {
      const entry = { ...draft, v: this.state.version + 1, at } as JournalEntry
      applyEntry(this.state, entry)
      entries.push(entry)
    }
    this.#recorded += entries.length
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ entries, resolve, reject })
      if (!this.#flushing) this.#flushing = this.#flush()
    })
  }

  async #flush(): Promise<void> {
    await Promise.resolve()
    while (this.#queue.length > 0) {
      const batch = this.#queue
      this.#queue = []
      try {
        await this.#options.store.append(
          this.stack,
          batch.flatMap((item) => item.entries),
          this.#initial,
        )
        for (const item of batch) item.resolve()
      } catch (error) {
        this.#abort.abort(error)
        for (const item of batch) item.reject(error)
      }
    }
    this.#flushing = undefined
  }

  /**
   * Records entries that need not be durable before the caller goes on: the results of cloud
   * calls. The journal is written in order, so any later intent that waits for durability
   * makes these durable first; if the process dies before, the intent they resolve is still
   * open and recovery settles it. A write failure aborts the session (see `signal`).
   */
  note(drafts: readonly JournalDraft[]): void {
    this.record(drafts).catch(() => {})
  }

  /** Writes the snapshot and its history entry. */
  async compact(operation: string): Promise<void> {
    await this.#flushing
    if (this.#recorded === 0) return
    await this.#options.store.compact(this.stack, this.snapshot(), operation)
  }

  /** A frozen copy of the working state. */
  snapshot(): StackState {
    return workingCopy(this.state)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#stopRenewal.abort()
    await this.#flushing?.catch(() => {})
    await this.#lock.release()
  }

  async #renewLoop(): Promise<void> {
    const every = Math.max(1_000, Math.floor(this.#options.leaseMs / 3))
    for (;;) {
      try {
        await this.#options.clock.sleep(every, this.#stopRenewal.signal)
      } catch {
        return
      }
      try {
        await this.#lock.renew()
      } catch (error) {
        this.#abort.abort(
          new StateError(
            `Lost the lock on stack "${this.stack}" (${(error as Error).message}); stopping so two writers never mix.`,
            {
              cause: error,
            },
          ),
        )
        return
      }
    }
  }
}
