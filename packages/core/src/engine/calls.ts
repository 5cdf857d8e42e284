import type { Clock } from '../clock/clock.js'
import { CancelledError } from '../errors/cancelled-error.js'
import { type ErrorClassification, ProviderError } from '../errors/provider-error.js'
import { SkyloomError } from '../errors/skyloom-error.js'
import type { EventDraft } from '../events/types.js'
import type { RateLimitScopeV1 } from '../provider/contract.js'
import type { NormalizedProvider } from '../provider/normalize.js'
import { backoffDelay, type RetryPolicy } from '../scheduler/backoff.js'
import { ScopeLimiter, type ScopeStats } from '../scheduler/scope-limiter.js'
import type { Semaphore } from '../scheduler/semaphore.js'
import type { Redactor } from './redactor.js'

/** The step a call belongs to: for events, retry budget and cancellation. */
export interface StepCallContext {
  readonly stack: string
  readonly operationId: string
  readonly stepId: string
  readonly urn: string
  readonly operation: 'create' | 'update' | 'delete' | 'forget' | 'record'
  readonly correlationId: string
  retriesLeft: number
}

export interface CallSite {
  readonly provider: NormalizedProvider
  readonly scope: string
  /** `create`, `read`, `delete`, … for messages. */
  readonly operation: string
  readonly urn?: string
  readonly priority: number
  readonly signal: AbortSignal
  readonly step?: StepCallContext
  /** Scrubs known secrets from error messages. */
  readonly redactor?: Redactor
}

/**
 * Every provider call goes through here: the scope's gate (tokens, concurrency, priority), then
 * the call, then classification and retry. The engine is the one retry authority: exponential
 * backoff with full jitter, Retry-After honoured, AIMD on the scope's rate when throttled.
 */
export class CallRunner {
  readonly #limiters = new Map<string, ScopeLimiter>()

  constructor(
    readonly clock: Clock,
    readonly global: Semaphore,
    readonly policy: RetryPolicy,
    readonly random: () => number,
    readonly emit: (event: EventDraft) => void,
  ) {}

  /** The limiter for a provider's scope, made on first use and shared by every stack. */
  limiter(provider: NormalizedProvider, scope: string): ScopeLimiter {
    const key = `${provider.key}/${scope}`
    let limiter = this.#limiters.get(key)
    if (!limiter) {
      const limits: RateLimitScopeV1 = provider.scopes[scope] ?? {
        capacity: Number.POSITIVE_INFINITY,
        refillPerSecond: Number.POSITIVE_INFINITY,
      }
      limiter = new ScopeLimiter(key, limits, this.global, this.clock)
      this.#limiters.set(key, limiter)
    }
    return limiter
  }

  /** Calls and throttles per scope key, for results and benchmarks. */
  stats(): Record<string, ScopeStats> {
    const out: Record<string, ScopeStats> = {}
    for (const [key, limiter] of this.#limiters) out[key] = { ...limiter.stats }
    return out
  }

  async call<T>(site: CallSite, fn: () => Promise<T>): Promise<T> {
    const limiter = this.limiter(site.provider, site.scope)
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await limiter.run(site.priority, fn, site.signal)
        limiter.succeeded()
        return result
      } catch (error) {
        if (site.signal.aborted) throw abortReason(site.signal)
        const classification = classify(site.provider, error)
        if (classification.class === 'throttled') limiter.throttled(classification.retryAfterMs)
        const limit =
          classification.class === 'conflict' ? this.policy.conflictAttempts : this.policy.maxAttempts
        const retryable = ['throttled', 'transient', 'conflict'].includes(classification.class)
        const budget = site.step ? site.step.retriesLeft : Number.POSITIVE_INFINITY
        const failure = this.#asProviderError(site, error, classification)
        if (!retryable || attempt >= limit || budget <= 0) throw failure
        if (site.step) site.step.retriesLeft--
        const delayMs = backoffDelay(attempt, this.policy, this.random, classification.retryAfterMs)
        if (site.step) {
          this.emit({
            type: 'step-retry',
            stack: site.step.stack,
            operationId: site.step.operationId,
            stepId: site.step.stepId,
            urn: site.step.urn,
            operation: site.step.operation,
            correlationId: site.step.correlationId,
            attempt,
            delayMs,
            errorClass: classification.class,
            message: failure.message,
            scope: limiter.key,
          })
        }
        await this.clock.sleep(delayMs, site.signal).catch(() => {
          throw abortReason(site.signal)
        })
      }
    }
  }

  #asProviderError(site: CallSite, error: unknown, classification: ErrorClassification): ProviderError {
    const redact = (text: string) => site.redactor?.redact(text) ?? text
    const message = redact(classification.message ?? (error instanceof Error ? error.message : String(error)))
    return new ProviderError({
      provider: site.provider.key,
      operation: site.operation,
      ...(site.urn ? { urn: site.urn } : {}),
      class: classification.class,
      ...(classification.retryAfterMs === undefined ? {} : { retryAfterMs: classification.retryAfterMs }),
      ...(classification.code === undefined ? {} : { code: classification.code }),
      message,
      cause: error,
    })
  }
}

function classify(provider: NormalizedProvider, error: unknown): ErrorClassification {
  if (ProviderError.isInstance(error)) {
    return {
      class: error.classification,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      ...(error.cloudCode === undefined ? {} : { code: error.cloudCode }),
      message: error.detail,
    }
  }
  if (SkyloomError.isInstance(error)) return { class: 'fatal', message: error.message }
  return provider.classify(error)
}

export function abortReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason
  if (SkyloomError.isInstance(reason)) return reason
  return new CancelledError('The operation was cancelled.', { cause: reason })
}
