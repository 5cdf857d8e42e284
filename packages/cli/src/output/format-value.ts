import { isOutputRef, isSecret } from '@skyloom/core'

/** Shown in place of a secret, as everywhere else in Skyloom. */
export const SECRET_TEXT = '(secret)'

/** A short one-line rendering of a state or drift value; secrets never show. */
export function formatValue(value: unknown, max = 80): string {
  const text = render(value)
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function render(value: unknown): string {
  if (value === undefined) return '(none)'
  if (value === null) return 'null'
  if (isSecret(value)) return SECRET_TEXT
  if (isOutputRef(value)) return '(known after apply)'
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>
    // Secrets read back from JSON (a saved plan, a state file) are `{ "$secret": … }` markers.
    if ('$secret' in record) return SECRET_TEXT
    const entries = Object.entries(record).filter(([, inner]) => inner !== undefined)
    if (entries.length === 0) return '{}'
    return `{ ${entries.map(([key, inner]) => `${key}: ${render(inner)}`).join(', ')} }`
  }
  return String(value)
}
