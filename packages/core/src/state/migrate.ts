import { StateError } from '../errors/state-error.js'
import { STATE_SCHEMA_VERSION } from './types.js'

/** Turns a stored state of schema N into schema N + 1. */
export type StateMigration = (state: Record<string, unknown>) => Record<string, unknown>

/**
 * Migrations by the schema version they upgrade from. Schema 1 is the first published one;
 * when the format changes, add `1: (state) => ({ ...state, schemaVersion: 2, … })` here.
 */
export const STATE_MIGRATIONS: Readonly<Record<number, StateMigration>> = {}

/**
 * Brings a stored state to the current schema. A state written by a newer Skyloom is refused
 * (reading it could lose fields it relies on); an older one is migrated step by step.
 */
export function migrateState(
  stored: Record<string, unknown>,
  location: string,
  migrations: Readonly<Record<number, StateMigration>> = STATE_MIGRATIONS,
  current = STATE_SCHEMA_VERSION,
): Record<string, unknown> {
  let state = stored
  let version = typeof state.schemaVersion === 'number' ? state.schemaVersion : Number.NaN
  if (!Number.isInteger(version)) {
    throw new StateError(
      `The state at ${location} has no schemaVersion; it is not a Skyloom state. It was left untouched.`,
      {
        location,
      },
    )
  }
  if (version > current) {
    throw new StateError(
      `The state at ${location} was written by a newer Skyloom (state schema ${version}; this version reads up to ${current}). Upgrade @skyloom/core to read it; the state was left untouched.`,
      { location },
    )
  }
  while (version < current) {
    const migration = migrations[version]
    if (!migration) {
      throw new StateError(`No migration from state schema ${version} to ${version + 1} (at ${location}).`, {
        location,
      })
    }
    state = migration(state)
    version++
    if (state.schemaVersion !== version) {
      throw new StateError(
        `The migration from state schema ${version - 1} did not produce schema ${version}.`,
        { location },
      )
    }
  }
  return state
}
