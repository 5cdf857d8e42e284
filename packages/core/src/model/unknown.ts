const UNKNOWN_MARK = Symbol.for('skyloom.unknown')

/** Stands for a value only known after apply, when the planner hands props to a provider's diff. */
export const UNKNOWN: Readonly<{ $unknown: true }> = Object.freeze({
  $unknown: true as const,
  [UNKNOWN_MARK]: true,
})

export function isUnknown(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[UNKNOWN_MARK] === true
  )
}

/** True if `value` contains an unknown anywhere. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true
  if (Array.isArray(value)) return value.some(containsUnknown)
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).some(containsUnknown)
  }
  return false
}
