import { StateError } from '../errors/state-error.js'
import { applyEntry, type WorkingState, workingCopy } from './journal.js'
import {
  acquireWithWait,
  isStale,
  type LockRecord,
  newLockRecord,
  publicHolder,
  renewedRecord,
} from './lock.js'
import {
  DEFAULT_HISTORY_LIMIT,
  type HistoryEntry,
  type LockRequest,
  type StateLock,
  type StateStore,
} from './store.js'
import type { StackState } from './types.js'

interface StackRecord {
  /** The live state: appended entries are applied to it at once (memory needs no journal). */
  state: WorkingState | undefined
  history: Array<{ entry: HistoryEntry; state: StackState }>
  lock: LockRecord | undefined
}

/**
 * A state store in process memory: for tests, for short-lived scripts, and for services that
 * keep state elsewhere. Resource objects are shared, never copied: the engine never mutates a
 * ResourceState once written.
 */
export function memoryState(options: { historyLimit?: number } = {}): StateStore {
  const stacks = new Map<string, StackRecord>()
  const historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT
  const location = 'memory'

  const recordOf = (stack: string): StackRecord => {
    let record = stacks.get(stack)
    if (!record) {
      record = { state: undefined, history: [], lock: undefined }
      stacks.set(stack, record)
    }
    return record
  }

  return {
    location,
    async read(stack) {
      const state = stacks.get(stack)?.state
      return state ? workingCopy(state) : undefined
    },
    async append(stack, entries, initial) {
      const record = recordOf(stack)
      record.state ??= workingCopy(initial)
      const expected = record.state.version + 1
      if (entries[0] && entries[0].v !== expected) {
        throw new StateError(
          `Journal entries for stack "${stack}" must continue at version ${expected}, got ${entries[0].v}; another writer changed the state.`,
          { location },
        )
      }
      for (const entry of entries) applyEntry(record.state, entry)
    },
    async compact(stack, state, operation) {
      const record = recordOf(stack)
      record.state = workingCopy(state)
      record.history.unshift({
        entry: {
          version: state.version,
          at: state.updatedAt,
          operation,
          resources: Object.keys(state.resources).length,
        },
        state,
      })
      record.history.length = Math.min(record.history.length, historyLimit)
    },
    async history(stack) {
      return stacks.get(stack)?.history.map((item) => item.entry) ?? []
    },
    async snapshot(stack, version) {
      const found = stacks.get(stack)?.history.find((item) => item.entry.version === version)
      if (!found) {
        throw new StateError(
          `Stack "${stack}" has no saved version ${version}; list versions with history().`,
          { location },
        )
      }
      return found.state
    },
    async lock(stack, request: LockRequest): Promise<StateLock> {
      const record = (): StackRecord => recordOf(stack)
      const held = await acquireWithWait(stack, request, async () => {
        const entry = record()
        if (entry.lock && !isStale(entry.lock, request.clock.now())) {
          return { acquired: false, holder: publicHolder(entry.lock) }
        }
        if (entry.lock) request.onStale?.(publicHolder(entry.lock))
        entry.lock = newLockRecord(request)
        return { acquired: true, lock: entry.lock }
      })
      let mine = held
      return {
        holder: publicHolder(held),
        async renew() {
          const entry = record()
          if (entry.lock?.token !== mine.token) {
            throw new StateError(`The lock on stack "${stack}" was taken by someone else (forceUnlock?).`, {
              location,
            })
          }
          mine = renewedRecord(mine, request)
          entry.lock = mine
        },
        async release() {
          const entry = record()
          if (entry.lock?.token === mine.token) entry.lock = undefined
        },
      }
    },
    async forceUnlock(stack) {
      const record = stacks.get(stack)
      const holder = record?.lock ? publicHolder(record.lock) : undefined
      if (record) record.lock = undefined
      return holder
    },
    async stacks() {
      return [...stacks.entries()].filter(([, record]) => record.state !== undefined).map(([name]) => name)
    },
  }
}
