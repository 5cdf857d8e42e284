import type { Clock } from '../clock/clock.js'
import type { LockHolder } from '../errors/lock-error.js'
import type { JournalEntry } from './journal.js'
import type { StackState } from './types.js'

/** One saved version of a stack's state. */
export interface HistoryEntry {
  readonly version: number
  readonly at: string
  /** What produced it: `apply`, `destroy`, `refresh`, `import`, `restore v12`, … */
  readonly operation: string
  readonly resources: number
}

export interface LockRequest {
  /** Who asks: shown to whoever finds the stack locked. */
  readonly owner: string
  /** What for: `apply`, `destroy`, … */
  readonly operation: string
  /** How long the lock lasts without renewal. */
  readonly leaseMs: number
  /** How long to wait for a held lock before failing; 0 fails at once. */
  readonly waitMs: number
  readonly clock: Clock
  /** Called once when the lock is held by someone else and we start waiting. */
  onWait?(holder: LockHolder | undefined): void
  /** Called when a stale lock (expired lease, or a dead process on this host) is broken. */
  onStale?(holder: LockHolder): void
}

/** A held lock. Renew it before the lease runs out; release it when done. */
export interface StateLock {
  readonly holder: LockHolder
  renew(): Promise<void>
  release(): Promise<void>
}

/**
 * Where stacks' states live. Backends: memory, file (the embedded default), and later a
 * database. A store keeps, per stack, a snapshot plus an append-only journal, and a history of
 * snapshots for restore.
 */
export interface StateStore {
  /** Where it is: a directory, a URL. Used in messages. */
  readonly location: string
  /** The current state (snapshot plus journal), or undefined for a stack never written. */
  read(stack: string): Promise<StackState | undefined>
  /**
   * Appends entries; resolves once they are durable. The first entry's `v` must be the
   * current version + 1, and `initial` gives the state to start from when the stack is new.
   */
  append(stack: string, entries: readonly JournalEntry[], initial: StackState): Promise<void>
  /**
   * Ends an operation: `state` (everything appended so far) becomes a saved version in the
   * history under `operation`. A store may fold the journal into a new snapshot now or later
   * (the file store does once more of its files is dead than live); `read` gives `state` either way.
   */
  compact(stack: string, state: StackState, operation: string): Promise<void>
  /** Saved versions, newest first. */
  history(stack: string): Promise<HistoryEntry[]>
  /** The state as it was at a saved version. */
  snapshot(stack: string, version: number): Promise<StackState>
  lock(stack: string, request: LockRequest): Promise<StateLock>
  /** Breaks a lock whatever its holder; returns who held it. */
  forceUnlock(stack: string): Promise<LockHolder | undefined>
  /** Names of the stacks this store holds. */
  stacks(): Promise<string[]>
}

/** How many history versions stores keep by default. */
export const DEFAULT_HISTORY_LIMIT = 100
