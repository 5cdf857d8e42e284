import { Stack } from '@skyloom/core'

/** What a value is, in a few words, for error messages: `a Stack`, `a function`, `undefined`. */
export function describeValue(value: unknown): string {
  if (Stack.isInstance(value)) return `a Stack ("${value.name}")`
  if (value === undefined) return 'undefined'
  if (value === null) return 'null'
  if (typeof value === 'function') return 'a function'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') {
    if ('then' in value && typeof value.then === 'function') return 'a promise'
    const name: unknown = Object.getPrototypeOf(value)?.constructor?.name
    return typeof name === 'string' && name !== 'Object' ? `a ${name} object` : 'an object'
  }
  return `a ${typeof value} (${JSON.stringify(value)})`
}

/** True for something that looks like an Engine rather than engine options. */
export function looksLikeEngine(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    'plan' in value &&
    typeof value.plan === 'function' &&
    'apply' in value &&
    typeof value.apply === 'function'
  )
}
