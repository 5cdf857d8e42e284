import { type ErrorClassification, ProviderError } from '../errors/provider-error.js'

const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
])

/**
 * The classification used when a provider's own classifier has nothing to say: errors thrown
 * as `ProviderError` keep their class, dropped connections are transient, the rest fatal.
 */
export function defaultClassify(error: unknown): ErrorClassification {
  if (ProviderError.isInstance(error)) {
    return {
      class: error.classification,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      ...(error.cloudCode === undefined ? {} : { code: error.cloudCode }),
    }
  }
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) return { class: 'transient', code }
  const causeCode = (
    (error as { cause?: { code?: unknown } } | null)?.cause as { code?: unknown } | undefined
  )?.code
  if (typeof causeCode === 'string' && TRANSIENT_NETWORK_CODES.has(causeCode))
    return { class: 'transient', code: causeCode }
  return { class: 'fatal' }
}

/** Parses an HTTP `Retry-After` header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
