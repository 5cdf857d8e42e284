import { isOutputRef } from '../model/reference.js'
import { isPlainObject, isSecret, SECRET_PLACEHOLDER } from '../model/secret.js'

export const KNOWN_AFTER_APPLY = '(known after apply)'

/** A short, single-line rendering of a prop value; secrets never show. */
export function formatValue(value: unknown, max = 60): string {
  const text = render(value)
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function render(value: unknown): string {
  if (value === undefined) return '(none)'
  if (isSecret(value)) return SECRET_PLACEHOLDER
  if (isOutputRef(value)) return KNOWN_AFTER_APPLY
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`
  if (isPlainObject(value)) {
    if (value.$unknown === true) return KNOWN_AFTER_APPLY
    if (value.$secret === true) return SECRET_PLACEHOLDER
    if (typeof value.$ref === 'string') return KNOWN_AFTER_APPLY
    const entries = Object.entries(value).filter(([, inner]) => inner !== undefined)
    if (entries.length === 0) return '{}'
    return `{ ${entries.map(([key, inner]) => `${key}: ${render(inner)}`).join(', ')} }`
  }
  return String(value)
}

export function formatUsd(value: number): string {
  const sign = value < 0 ? '-' : ''
  return `${sign}$${Math.abs(value).toFixed(2)}`
}
