import { z } from 'zod'
import type { DropletSize } from './catalog/sizes.js'

/** A token, or a function that returns one when a request is made (for rotation or a vault). */
export type TokenSource = string | (() => string | undefined | Promise<string | undefined>)

/** Settings of {@link createDigitalOcean}. Every field is optional. */
export interface DigitalOceanSettings {
  /**
   * API token. Read when each request is made, never at import or creation: a string, a
   * function, or (when omitted) the `DIGITALOCEAN_TOKEN` environment variable.
   */
  readonly token?: TokenSource
  /** API base URL; default `https://api.digitalocean.com`. Point it at a local server in tests. */
  readonly baseUrl?: string
  /** The `fetch` to use; default the global one. Inject a recorder, a proxy or a mock. */
  readonly fetch?: typeof globalThis.fetch
  /** Region for resources whose props name none; default `nyc3`. */
  readonly region?: string
  /**
   * Names the account (or token) this instance talks to. It keys the scheduler's rate-limit
   * buckets, which DigitalOcean counts per token: two instances with one token should share it.
   * Default: none, so the provider key is `digitalocean`.
   */
  readonly account?: string
  /** Interval between polls of DigitalOcean actions and readiness, in ms; default 2,000. */
  readonly pollIntervalMs?: number
  /** Droplet size catalog for size resolution and prices; default the offline catalog. */
  readonly sizes?: readonly DropletSize[]
  /** `User-Agent` sent with each request; default `skyloom-example-provider-digitalocean`. */
  readonly userAgent?: string
}

/** Zod schema of the serializable part of {@link DigitalOceanSettings} (for docs and tools). */
export const digitalOceanSettingsSchema = z.object({
  token: z.union([z.string(), z.function()]).optional(),
  baseUrl: z.url().optional(),
  fetch: z.function().optional(),
  region: z.string().min(1).optional(),
  account: z.string().min(1).optional(),
  pollIntervalMs: z.number().int().positive().optional(),
  sizes: z.array(z.unknown()).optional(),
  userAgent: z.string().optional(),
})

export const DEFAULT_BASE_URL = 'https://api.digitalocean.com'
export const DEFAULT_REGION = 'nyc3'
export const DEFAULT_POLL_INTERVAL_MS = 2_000
