/** A duration in milliseconds, or a string such as `'90s'`, `'10m'`, `'1h30m'`. */
export type Duration = number | string

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }

/** Parses a {@link Duration}; returns undefined for text that is not one. */
export function parseDuration(value: Duration): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined
  const text = value.trim()
  if (!/^(\d+(?:\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined
  let total = 0
  for (const match of text.matchAll(PART)) total += Number(match[1]) * UNIT_MS[match[2]!]!
  return total
}
