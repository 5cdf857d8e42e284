import { ProviderError } from '@skyloom/core/provider'
import { DEFAULT_BASE_URL, type TokenSource } from '../settings.js'
import { errorFromResponse, networkError, PROVIDER_NAME, type RequestSite } from './errors.js'
import { type RateLimitSnapshot, readRateLimit } from './rate-limit.js'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** One request to the DigitalOcean API. */
export interface ApiRequest {
  readonly method: HttpMethod
  /** Path below the base URL, such as `/v2/droplets/123`; a full URL (a `links.pages.next`) also works. */
  readonly path: string
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
  readonly signal?: AbortSignal
  /** The resource the call is for, named in errors. */
  readonly urn?: string
}

export interface ApiResponse {
  readonly status: number
  readonly headers: Headers
  /** Parsed JSON, or undefined for an empty body (204, 202 without content). */
  readonly body: unknown
}

export interface ApiClientOptions {
  readonly token?: TokenSource
  readonly baseUrl?: string
  readonly fetch?: typeof globalThis.fetch
  readonly userAgent?: string
  /** Milliseconds since the epoch; `ratelimit-reset` is wall-clock time, so this is real time. */
  readonly now?: () => number
}

/**
 * A thin client over `fetch`: bearer token read per request, JSON in and out, every non-2xx
 * turned into a classified ProviderError, and the rate-limit headers of the last response kept.
 * It never retries: the engine owns retries and backoff (DESIGN.md section 6).
 */
export class ApiClient {
  readonly #options: ApiClientOptions
  #rateLimit: RateLimitSnapshot | undefined

  constructor(options: ApiClientOptions) {
    this.#options = options
  }

  /** The rate-limit headers of the most recent response, if any came. */
  get rateLimit(): RateLimitSnapshot | undefined {
    return this.#rateLimit
  }

  async request(request: ApiRequest): Promise<ApiResponse> {
    const now = this.#options.now ?? Date.now
    const url = this.#url(request)
    const site: RequestSite = {
      method: request.method,
      path: url.pathname,
      ...(request.urn ? { urn: request.urn } : {}),
    }
    const spent = this.#budgetSpent(now())
    if (spent !== undefined) throw spent(site)
    const token = await this.#token(site)
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      'user-agent': this.#options.userAgent ?? 'skyloom-example-provider-digitalocean',
      ...request.headers,
    }
    let payload: string | undefined
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json'
      payload = JSON.stringify(request.body)
    }
    const doFetch = this.#options.fetch ?? globalThis.fetch
    let response: Response
    try {
      response = await doFetch(url, {
        method: request.method,
        headers,
        ...(payload === undefined ? {} : { body: payload }),
        ...(request.signal ? { signal: request.signal } : {}),
      })
    } catch (error) {
      if (request.signal?.aborted) throw error
      throw networkError(site, error)
    }
    const text = await response.text()
    const body = parseJson(text)
    this.#rateLimit = readRateLimit(response.headers, now()) ?? this.#rateLimit
    if (!response.ok) throw errorFromResponse(site, response.status, response.headers, body, now())
    return { status: response.status, headers: response.headers, body }
  }

  /**
   * When the last response said the hourly budget is spent (`ratelimit-remaining: 0`) and its
   * reset is still ahead, DigitalOcean would answer 429: say so without sending the request.
   */
  #budgetSpent(now: number): ((site: RequestSite) => ProviderError) | undefined {
    const last = this.#rateLimit
    if (last?.remaining !== 0 || last.resetAtMs === undefined || last.resetAtMs <= now) return undefined
    const retryAfterMs = last.resetAtMs - now
    return (site) =>
      new ProviderError({
        provider: PROVIDER_NAME,
        operation: `${site.method} ${site.path}`,
        class: 'throttled',
        retryAfterMs,
        code: 'too_many_requests',
        message: `the token's hourly request budget is spent (ratelimit-remaining: 0); not sending, retry after ${retryAfterMs} ms`,
        ...(site.urn ? { urn: site.urn } : {}),
      })
  }

  #url(request: ApiRequest): URL {
    const base = this.#options.baseUrl ?? DEFAULT_BASE_URL
    const url = /^https?:\/\//.test(request.path)
      ? new URL(request.path)
      : // Relative to the base, so that a base URL with a path prefix (a proxy) keeps it.
        new URL(request.path.replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`)
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value))
    }
    return url
  }

  async #token(site: RequestSite): Promise<string> {
    const source = this.#options.token
    const token =
      typeof source === 'function' ? await source() : (source ?? process.env.DIGITALOCEAN_TOKEN ?? undefined)
    if (!token) {
      throw new ProviderError({
        provider: PROVIDER_NAME,
        operation: `${site.method} ${site.path}`,
        class: 'fatal',
        message:
          'no DigitalOcean API token: set DIGITALOCEAN_TOKEN, or pass { token } to createDigitalOcean(). Create a token under API > Tokens in the DigitalOcean control panel.',
        ...(site.urn ? { urn: site.urn } : {}),
      })
    }
    return token
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    // A proxy's HTML error page: keep the text so that the error message shows it.
    return { message: text.slice(0, 200) }
  }
}
