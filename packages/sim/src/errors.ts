import {
  defaultClassify,
  type ErrorClass,
  type ErrorClassification,
  ProviderError,
} from '@skyloom/core/provider'

const MARKER = 'skyloom.sim.api-error'
const SYMBOL = Symbol.for(MARKER)

/**
 * The sim's API error codes (EC2's where EC2 has one) and how Skyloom should treat each.
 * Tests and demos can match on `ProviderError.cloudCode`.
 */
export const SIM_ERROR_CODES = {
  RequestLimitExceeded: 'throttled',
  InternalError: 'transient',
  ServiceUnavailable: 'transient',
  'InvalidResourceID.NotFound': 'not-found',
  DependencyViolation: 'conflict',
  IncorrectInstanceState: 'conflict',
  IncorrectState: 'conflict',
  VolumeInUse: 'conflict',
  VcpuLimitExceeded: 'quota',
  SubnetInstanceLimitExceeded: 'quota',
  InsufficientFreeAddressesInSubnet: 'quota',
  RulesPerSecurityGroupLimitExceeded: 'quota',
  InvalidParameterValue: 'invalid',
  IdempotentParameterMismatch: 'invalid',
  'InvalidNetworkID.NotFound': 'invalid',
  'InvalidSubnetID.NotFound': 'invalid',
  'InvalidFirewallID.NotFound': 'invalid',
  'InvalidInstanceID.NotFound': 'invalid',
  'InvalidImageID.NotFound': 'invalid',
  'InvalidSubnet.Range': 'invalid',
  'InvalidSubnet.Conflict': 'invalid',
  'InvalidNetwork.Range': 'invalid',
  InvalidZone: 'invalid',
  UnsupportedOperation: 'invalid',
  ProvisioningFailed: 'fatal',
} as const satisfies Record<string, ErrorClass>

/** An error code the sim's API answers with. */
export type SimErrorCode = keyof typeof SIM_ERROR_CODES

/**
 * An error as the sim's API returns it, before a handler turns it into a `ProviderError`:
 * the equivalent of an SDK's service exception.
 */
export class SimApiError extends Error {
  /** @internal Brand checked by `isInstance` (works across duplicate installs). */
  readonly [SYMBOL] = true
  readonly code: SimErrorCode
  /** Milliseconds the cloud asks the caller to wait before retrying, when it says. */
  readonly retryAfterMs: number | undefined

  constructor(code: SimErrorCode, message: string, retryAfterMs?: number) {
    super(message)
    this.name = 'SimApiError'
    this.code = code
    this.retryAfterMs = retryAfterMs
  }

  /** The class Skyloom gives this error. */
  get classification(): ErrorClass {
    return SIM_ERROR_CODES[this.code]
  }

  /** True for a `SimApiError`, even one built by another copy of this package. */
  static isInstance(error: unknown): error is SimApiError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[SYMBOL] === true
  }
}

/**
 * Classifies an error raised by the sim: its API errors by code, everything else as the core
 * would (a `ProviderError` keeps its class, dropped connections are transient, the rest fatal).
 */
export function classifySimError(error: unknown): ErrorClassification {
  if (SimApiError.isInstance(error)) {
    return {
      class: error.classification,
      code: error.code,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    }
  }
  return defaultClassify(error)
}

/** Where a failed call came from, for the `ProviderError` message. */
export interface CallSite {
  readonly provider: string
  readonly operation: string
  readonly urn?: string
}

/** Wraps anything a sim call threw as a classified `ProviderError` (unchanged if it already is one). */
export function toProviderError(error: unknown, site: CallSite): ProviderError {
  if (ProviderError.isInstance(error)) return error
  const classification = classifySimError(error)
  return new ProviderError({
    provider: site.provider,
    operation: site.operation,
    ...(site.urn === undefined ? {} : { urn: site.urn }),
    class: classification.class,
    ...(classification.code === undefined ? {} : { code: classification.code }),
    ...(classification.retryAfterMs === undefined ? {} : { retryAfterMs: classification.retryAfterMs }),
    message: error instanceof Error ? error.message : String(error),
    cause: error,
  })
}
