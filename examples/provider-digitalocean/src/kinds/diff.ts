import { type FieldChange, isUnknown } from '@skyloom/core/provider'

/*
 * Helpers for handlers that plan some changes themselves. A handler's `diff` replaces the core's
 * field-by-field comparison entirely, so it must report every field that differs, not only the
 * ones it treats specially; these compare the way the core's default does.
 */

/**
 * Structural equality of prop values. Keys whose value is undefined count as absent (a prop the
 * state never recorded equals one the user left out), and a value known only after apply (the
 * planner hands it over as UNKNOWN) never equals anything, so that the plan shows it changing.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (isUnknown(a) || isUnknown(b)) return false
  if (a === b) return true
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => sameValue(item, b[index]))
    )
  }
  if (isRecord(a) && isRecord(b)) {
    const keysA = Object.keys(a).filter((key) => a[key] !== undefined)
    const keysB = Object.keys(b).filter((key) => b[key] !== undefined)
    return keysA.length === keysB.length && keysA.every((key) => sameValue(a[key], b[key]))
  }
  return false
}

/** Top-level props whose values differ, sorted so that plans list them in a stable order. */
export function changedFields(current: object, desired: object): string[] {
  const before = current as Readonly<Record<string, unknown>>
  const after = desired as Readonly<Record<string, unknown>>
  const keys = new Set([...Object.keys(before), ...Object.keys(after)])
  return [...keys].filter((key) => !sameValue(before[key], after[key])).sort()
}

/** A field change; a replacement always says why, as the plan prints it after the field name. */
export function fieldChange(path: string, replace: false): FieldChange
export function fieldChange(path: string, replace: true, reason: string): FieldChange
export function fieldChange(path: string, replace: boolean, reason?: string): FieldChange {
  return { path, replace, ...(reason ? { reason } : {}) }
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
