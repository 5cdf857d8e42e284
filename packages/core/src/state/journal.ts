import type { PendingIntent, ResourceState, StackState } from './types.js'

interface EntryBase {
  /** The state version this entry produces (previous version + 1). */
  readonly v: number
  /** ISO time the entry was written. */
  readonly at: string
}

/**
 * One line of a stack's journal. Every cloud mutation is bracketed: an `intent` before the
 * call, then the `put`, `delete` or `release` that records its result and resolves the intent
 * (or a bare `resolve` when nothing changed).
 */
export type JournalEntry =
  | (EntryBase & { readonly type: 'begin'; readonly operation: string; readonly operationId: string })
  | (EntryBase & { readonly type: 'intent'; readonly intent: PendingIntent })
  | (EntryBase & { readonly type: 'put'; readonly resource: ResourceState; readonly resolves?: string })
  | (EntryBase & { readonly type: 'delete'; readonly urn: string; readonly resolves?: string })
  /** The current resource of a URN becomes condemned: replaced, awaiting deletion. */
  | (EntryBase & { readonly type: 'condemn'; readonly urn: string })
  /** A condemned resource was deleted. */
  | (EntryBase & {
      readonly type: 'release'
      readonly urn: string
      readonly id: string
      readonly resolves?: string
    })
  | (EntryBase & { readonly type: 'resolve'; readonly key: string })
  | (EntryBase & { readonly type: 'restore'; readonly from: number; readonly state: StackState })

/** A journal entry before the store gives it its version and time. */
export type JournalDraft = JournalEntry extends infer E
  ? E extends JournalEntry
    ? Omit<E, 'v' | 'at'>
    : never
  : never

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** The state as the engine updates it in place while an operation runs. */
export type WorkingState = Mutable<Omit<StackState, 'resources' | 'pending' | 'condemned'>> & {
  resources: Record<string, ResourceState>
  pending: Record<string, PendingIntent>
  condemned: ResourceState[]
}

/** A private, mutable copy of a state (resource objects are shared: they are never mutated). */
export function workingCopy(state: StackState): WorkingState {
  return {
    ...state,
    resources: { ...state.resources },
    pending: { ...state.pending },
    condemned: [...state.condemned],
  }
}

/**
 * Applies one entry to a working state. The same reducer serves the engine (live state) and
 * the stores (replaying a journal), so both always agree.
 */
export function applyEntry(state: WorkingState, entry: JournalEntry): void {
  switch (entry.type) {
    case 'begin':
      break
    case 'intent':
      state.pending[entry.intent.key] = entry.intent
      break
    case 'put':
      state.resources[entry.resource.urn] = entry.resource
      if (entry.resolves) delete state.pending[entry.resolves]
      break
    case 'delete':
      delete state.resources[entry.urn]
      if (entry.resolves) delete state.pending[entry.resolves]
      break
    case 'condemn': {
      const current = state.resources[entry.urn]
      if (current) {
        state.condemned.push(current)
        delete state.resources[entry.urn]
      }
      break
    }
    case 'release':
      state.condemned = state.condemned.filter((old) => !(old.urn === entry.urn && old.id === entry.id))
      if (entry.resolves) delete state.pending[entry.resolves]
      break
    case 'resolve':
      delete state.pending[entry.key]
      break
    case 'restore':
      state.resources = { ...entry.state.resources }
      state.condemned = [...entry.state.condemned]
      state.pending = {}
      break
  }
  state.version = entry.v
  state.updatedAt = entry.at
}
