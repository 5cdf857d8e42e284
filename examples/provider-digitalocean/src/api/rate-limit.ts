import { parseRetryAfter } from '@skyloom/core/provider'

/** DigitalOcean's published limits per token: 5,000 requests an hour and 250 a minute. */
export const REQUESTS_PER_HOUR = 5_000
export const REQUESTS_PER_MINUTE = 250

/** The rate-limit headers of the last response: `ratelimit-limit`, `-remaining`, `-reset`. */
export interface RateLimitSnapshot {
  readonly limit: number | undefined
  readonly remaining: number | undefined
  /** When the oldest counted request expires, in ms since the epoch (`ratelimit-reset` is seconds). */
  readonly resetAtMs: number | undefined
  /** When this snapshot was taken, in ms since the epoch. */
  readonly observedAtMs: number
}

export function readRateLimit(headers: Headers, now: number): RateLimitSnapshot | undefined {
  const limit = intHeader(headers, 'ratelimit-limit')
  const remaining = intHeader(headers, 'ratelimit-remaining')
  const reset = intHeader(headers, 'ratelimit-reset')
  if (limit === undefined && remaining === undefined && reset === undefined) return undefined
  return { limit, remaining, resetAtMs: reset === undefined ? undefined : reset * 1000, observedAtMs: now }
}

/** Used when a 429 carries neither `Retry-After` nor a usable `ratelimit-reset`. */
export const DEFAULT_THROTTLE_WAIT_MS = 1_000
/** A reset further away than this is the hourly window; waiting that long is the scheduler's call. */
const MAX_WAIT_MS = 60 * 60 * 1000

/**
 * How long to wait after a 429. `Retry-After` (seconds or an HTTP date) wins when present; else
 * the time until `ratelimit-reset`, when the oldest request of the window expires and frees a
 * slot; else a second.
 */
export function throttleWaitMs(headers: Headers, now: number): number {
  const retryAfter = parseRetryAfter(headers.get('retry-after'), now)
  if (retryAfter !== undefined) return Math.min(retryAfter, MAX_WAIT_MS)
  const reset = intHeader(headers, 'ratelimit-reset')
  if (reset !== undefined) {
    const wait = reset * 1000 - now
    if (wait > 0) return Math.min(wait, MAX_WAIT_MS)
  }
  return DEFAULT_THROTTLE_WAIT_MS
}

function intHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name)
  if (value === null || value.trim() === '') return undefined
  const parsed = Number(value)
  return Number.isFinite(parsed) ? parsed : undefined
}
