import { SkyloomError } from './skyloom-error.js'

const MARKER = 'skyloom.error.provider'
const SYMBOL = Symbol.for(MARKER)

/**
 * How a cloud failure should be treated. The engine retries `throttled` and `transient`
 * (and `conflict` a few times, since clouds report "still in use" as conflicts); the rest fail
 * the step at once.
 */
export type ErrorClass = 'throttled' | 'transient' | 'not-found' | 'conflict' | 'quota' | 'invalid' | 'fatal'

/** What a provider's classifier says about an error it received from its cloud. */
export interface ErrorClassification {
  readonly class: ErrorClass
  /** Milliseconds the cloud asked us to wait (`Retry-After` and friends). */
  readonly retryAfterMs?: number
  /** The cloud's own error code, e.g. `RequestLimitExceeded`. */
  readonly code?: string
  /** A clearer message than the cloud's, when the provider has one. */
  readonly message?: string
}

export interface ProviderErrorOptions extends ErrorClassification {
  readonly provider: string
  readonly operation: string
  readonly urn?: string
  readonly cause?: unknown
}

/**
 * A failure in a provider call, classified. Providers may throw it directly when they know the
 * class; otherwise the engine builds one from the provider's `classifyError`.
 */
export class ProviderError extends SkyloomError {
  /** @internal Brand checked by `isInstance` (works across duplicate installs). */
  readonly [SYMBOL] = true
  readonly provider: string
  readonly operation: string
  readonly urn: string | undefined
  readonly classification: ErrorClass
  readonly retryAfterMs: number | undefined
  readonly cloudCode: string | undefined
  /** The cause in the provider's words, without the "provider operation failed" prefix. */
  readonly detail: string

  constructor(options: ProviderErrorOptions) {
    const where = options.urn ? ` on ${options.urn}` : ''
    const code = options.code ? ` [${options.code}]` : ''
    const text =
      options.message ?? (options.cause instanceof Error ? options.cause.message : String(options.cause))
    super(
      'SKYLOOM_PROVIDER',
      `${options.provider} ${options.operation}${where} failed (${options.class})${code}: ${text}`,
      {
        cause: options.cause,
      },
    )
    this.name = 'ProviderError'
    this.provider = options.provider
    this.operation = options.operation
    this.urn = options.urn
    this.classification = options.class
    this.retryAfterMs = options.retryAfterMs
    this.cloudCode = options.code
    this.detail = text
  }

  /** Whether the engine may retry the call that raised this error. */
  get retryable(): boolean {
    return (
      this.classification === 'throttled' ||
      this.classification === 'transient' ||
      this.classification === 'conflict'
    )
  }

  static override isInstance(error: unknown): error is ProviderError {
    return SkyloomError.hasMarker(error, MARKER)
  }
}
