export { type FileStateOptions, fileState } from './file-store.js'
export {
  applyEntry,
  type JournalDraft,
  type JournalEntry,
  type WorkingState,
  workingCopy,
} from './journal.js'
export { memoryState } from './memory-store.js'
export { migrateState, STATE_MIGRATIONS, type StateMigration } from './migrate.js'
export type { EncryptionHeader, StateKeyOptions } from './secret-codec.js'
export {
  DEFAULT_HISTORY_LIMIT,
  type HistoryEntry,
  type LockRequest,
  type StateLock,
  type StateStore,
} from './store.js'
export {
  emptyState,
  type PendingIntent,
  type ResourceState,
  STATE_SCHEMA_VERSION,
  type StackState,
} from './types.js'
