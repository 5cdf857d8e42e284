import type { ProviderLimitsV1 } from '@skyloom/core/provider'
import { REQUESTS_PER_HOUR, REQUESTS_PER_MINUTE } from './api/rate-limit.js'
import { API_SCOPE } from './api/session.js'

/*
 * DigitalOcean counts every request of a token against two windows: 250 a minute and 5,000 an
 * hour. One token bucket can honour both: with capacity C and refill r per second, a minute
 * allows at most C + 60r and an hour at most C + 3600r. Solving C + 60r = 250 and
 * C + 3600r = 5,000 gives C = 169 and r = 1.341/s (rounded down), the fastest bucket that never exceeds
 * either window. Reads and writes share the bucket because DigitalOcean does not separate them.
 */
const CAPACITY = Math.floor((REQUESTS_PER_MINUTE * 3600 - REQUESTS_PER_HOUR * 60) / (3600 - 60))
const REFILL_PER_SECOND =
  Math.floor(Math.min((REQUESTS_PER_MINUTE - CAPACITY) / 60, (REQUESTS_PER_HOUR - CAPACITY) / 3600) * 1000) /
  1000

/** The scheduler's view of DigitalOcean's rate limits (see the comment above for the numbers). */
export const DIGITALOCEAN_LIMITS: ProviderLimitsV1 = {
  scopes: {
    [API_SCOPE]: { capacity: CAPACITY, refillPerSecond: REFILL_PER_SECOND, concurrency: 16 },
  },
  readScope: API_SCOPE,
  mutateScope: API_SCOPE,
  maxConcurrency: 16,
}
