import { type ErrorClass, type ErrorClassification, ProviderError } from '@skyloom/core/provider'
import { throttleWaitMs } from './rate-limit.js'

export const PROVIDER_NAME = 'digitalocean'

/**
 * DigitalOcean's error body: `{ id: 'not_found', message: '…', request_id? }`, or for a few
 * endpoints (tags) `{ error: '…', root_causes: [] }`.
 */
interface ErrorBody {
  readonly id?: string
  readonly message?: string
  readonly request_id?: string
}

/** Where a failed request came from, for the error message. */
export interface RequestSite {
  readonly method: string
  readonly path: string
  readonly urn?: string
}

/**
 * Turns a non-2xx response into a classified {@link ProviderError}: 404 not-found, 409 conflict,
 * 422 invalid (or quota when DigitalOcean says a limit would be exceeded), 429 throttled with the
 * wait DigitalOcean asked for, 5xx transient, 401/403 fatal with what to do about the token.
 */
export function errorFromResponse(
  site: RequestSite,
  status: number,
  headers: Headers,
  body: unknown,
  now: number,
): ProviderError {
  const error = asErrorBody(body)
  const said = error.message ?? `HTTP ${status}`
  const requestId = error.request_id ?? headers.get('x-request-id') ?? undefined
  const suffix = requestId ? ` (request id ${requestId})` : ''
  let cls: ErrorClass
  let message = `${said}${suffix}`
  let retryAfterMs: number | undefined
  if (status === 401 || status === 403) {
    cls = 'fatal'
    message =
      status === 401
        ? `DigitalOcean rejected the API token: ${said}. Set DIGITALOCEAN_TOKEN to a valid personal access token (dop_v1_…), or pass { token } to createDigitalOcean().${suffix}`
        : `the API token may not do this: ${said}. Give the token (DIGITALOCEAN_TOKEN) the scope this call needs, or use a full-access token.${suffix}`
  } else if (status === 404) {
    cls = 'not-found'
  } else if (status === 409) {
    cls = 'conflict'
  } else if (status === 429) {
    cls = 'throttled'
    retryAfterMs = throttleWaitMs(headers, now)
    message = `${said}: DigitalOcean allows 250 requests a minute and 5,000 an hour per token; retry after ${retryAfterMs} ms${suffix}`
  } else if (status === 422 || status === 400) {
    cls = /\blimit\b/i.test(said) && /exceed/i.test(said) ? 'quota' : 'invalid'
    if (cls === 'quota')
      message = `${said}: ask DigitalOcean support to raise the limit, or delete unused resources${suffix}`
  } else if (status >= 500) {
    cls = 'transient'
  } else {
    cls = 'fatal'
  }
  return new ProviderError({
    provider: PROVIDER_NAME,
    operation: `${site.method} ${site.path}`,
    class: cls,
    message,
    ...(error.id ? { code: error.id } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(site.urn ? { urn: site.urn } : {}),
  })
}

function asErrorBody(body: unknown): ErrorBody {
  if (typeof body !== 'object' || body === null) return {}
  const record = body as Record<string, unknown>
  return {
    ...(typeof record.id === 'string' ? { id: record.id } : {}),
    ...(typeof record.message === 'string'
      ? { message: record.message }
      : typeof record.error === 'string'
        ? { message: record.error }
        : {}),
    ...(typeof record.request_id === 'string' ? { request_id: record.request_id } : {}),
  }
}

/** A request that never got a response (connection refused, reset, DNS): worth retrying. */
export function networkError(site: RequestSite, cause: unknown): ProviderError {
  const detail = cause instanceof Error ? describeCause(cause) : String(cause)
  return new ProviderError({
    provider: PROVIDER_NAME,
    operation: `${site.method} ${site.path}`,
    class: 'transient',
    message: `could not reach the DigitalOcean API: ${detail}`,
    cause,
    ...(site.urn ? { urn: site.urn } : {}),
  })
}

function describeCause(error: Error): string {
  const inner = error.cause instanceof Error ? `: ${error.cause.message}` : ''
  return `${error.message}${inner}`
}

/** A 2xx response whose body is not what the API description promises. */
export function unexpectedResponse(site: RequestSite, detail: string): ProviderError {
  return new ProviderError({
    provider: PROVIDER_NAME,
    operation: `${site.method} ${site.path}`,
    class: 'fatal',
    message: `DigitalOcean returned an unexpected response: ${detail}. If api.digitalocean.com changed, update this provider; if baseUrl points elsewhere, check that server.`,
    ...(site.urn ? { urn: site.urn } : {}),
  })
}

/**
 * The provider's `classifyError`: errors this provider threw keep their class; an aborted
 * request is transient (the engine decides whether to go on); anything else is left to core's
 * default classifier (which treats dropped connections as transient).
 */
export function classifyDigitalOceanError(error: unknown): ErrorClassification | undefined {
  if (ProviderError.isInstance(error)) {
    return {
      class: error.classification,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      ...(error.cloudCode === undefined ? {} : { code: error.cloudCode }),
    }
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return { class: 'transient', code: error.name }
  }
  return undefined
}
