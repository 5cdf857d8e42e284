import { type ErrorClassification, ProviderError, parseRetryAfter } from '@skyloom/core/provider'
import { AwsProblem } from './problem.js'

const THROTTLING = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'EC2ThrottledException',
  'SlowDown',
  'PriorRequestNotComplete',
  'BandwidthLimitExceeded',
])

const AUTH = new Set([
  'AuthFailure',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'AccessDenied',
  'AccessDeniedException',
  'OptInRequired',
  'Blocked',
  'PendingVerification',
  'AuthFailure.ServiceLinkedRoleCreationNotPermitted',
])

const CONFLICT = new Set([
  'DependencyViolation',
  'IncorrectState',
  'IncorrectInstanceState',
  'InvalidState',
  'VolumeInUse',
  'ResourceInUse',
  'ResourceInUseFault',
  'ResourceContention',
  'ResourceContentionFault',
  'ScalingActivityInProgress',
  'ScalingActivityInProgressFault',
  'InvalidGroup.InUse',
  'Resource.AlreadyAssociated',
  'ConcurrentTagAccess',
  'InstanceRefreshInProgress',
  'InstanceRefreshInProgressFault',
])

const TRANSIENT = new Set([
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'Unavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'InsufficientInstanceCapacity',
  'InsufficientCapacity',
  'InsufficientAddressCapacity',
  'InsufficientVolumeCapacity',
  'InsufficientFreeAddressesInSubnet',
  'ServerInternal',
])

/** Not-found codes that describe a bad *input* (an image or type that does not exist), not a gone resource. */
const INVALID_NOT_FOUND =
  /^(InvalidAMIID|InvalidInstanceType|InvalidKeyPair|InvalidSnapshot|InvalidKmsKey|InvalidIamInstanceProfile|InvalidPlacementGroup)\b/

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
])

/** How to provide credentials: part of every credentials-related message. */
export const CREDENTIALS_HELP =
  'Provide AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), ' +
  'or AWS_PROFILE for a profile in ~/.aws/config (run `aws sso login` for SSO profiles), ' +
  'or pass createAws({ credentials }) or a prebuilt ec2Client.'

interface SdkErrorShape {
  name?: unknown
  code?: unknown
  Code?: unknown
  message?: unknown
  hostname?: unknown
  $fault?: unknown
  $metadata?: { httpStatusCode?: number }
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> }
  cause?: unknown
}

/** The AWS error code of an SDK error (`InvalidInstanceID.NotFound`), or undefined. */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const shape = error as SdkErrorShape
  if (typeof shape.Code === 'string') return shape.Code
  // Service errors carry $fault; transport errors (timeouts, resets) only $metadata.
  if (
    typeof shape.name === 'string' &&
    shape.name !== 'Error' &&
    (shape.$fault === 'client' || shape.$fault === 'server')
  )
    return shape.name
  return undefined
}

function networkCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 4) return undefined
  const shape = error as SdkErrorShape
  if (typeof shape.code === 'string' && (NETWORK_CODES.has(shape.code) || shape.code === 'ENOTFOUND'))
    return shape.code
  if (shape.name === 'TimeoutError') return 'TimeoutError'
  if (typeof shape.message === 'string' && /socket hang up/i.test(shape.message)) return 'ECONNRESET'
  return networkCode(shape.cause, depth + 1)
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}

/**
 * Classifies an error thrown by the AWS SDK (or by the network under it) for the engine's retry
 * logic. `region` makes DNS and credential messages specific.
 */
export function classifyAwsError(error: unknown, context: { region?: string } = {}): ErrorClassification {
  if (ProviderError.isInstance(error)) {
    return {
      class: error.classification,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      ...(error.cloudCode === undefined ? {} : { code: error.cloudCode }),
    }
  }
  if (error instanceof AwsProblem) {
    return {
      class: error.classification,
      message: error.message,
      ...(error.code ? { code: error.code } : {}),
    }
  }
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape
  const name = typeof shape.name === 'string' ? shape.name : undefined

  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(messageOf(error))) {
    return {
      class: 'fatal',
      code: 'CredentialsProviderError',
      message: `no AWS credentials found${context.region ? ` for ${context.region}` : ''}. ${CREDENTIALS_HELP}`,
    }
  }
  if (name === 'AbortError')
    return { class: 'transient', code: 'AbortError', message: 'the call was aborted' }

  // A dropped connection or timeout says nothing about the request: it may or may not have run.
  const network = networkCode(error)
  if (network && network !== 'ENOTFOUND') return { class: 'transient', code: network }

  const code = awsErrorCode(error)
  const status = shape.$metadata?.httpStatusCode ?? shape.$response?.statusCode
  if (code !== undefined) {
    const retryAfterMs = parseRetryAfter(shape.$response?.headers?.['retry-after'])
    const withRetry = retryAfterMs === undefined ? {} : { retryAfterMs }
    if (THROTTLING.has(code) || status === 429) return { class: 'throttled', code, ...withRetry }
    if (AUTH.has(code)) {
      return {
        class: 'fatal',
        code,
        message: `${messageOf(error)} (${code}). Check that the credentials are valid, not expired, and allowed to call EC2 and Auto Scaling${context.region ? ` in ${context.region}` : ''}. ${CREDENTIALS_HELP}`,
      }
    }
    if (INVALID_NOT_FOUND.test(code)) return { class: 'invalid', code }
    if (/NotFound(Exception)?$/.test(code) || code === 'InvalidInstanceID.Malformed.NotFound')
      return { class: 'not-found', code }
    // Auto Scaling answers a missing group with a ValidationError rather than a NotFound code.
    if (code === 'ValidationError' && /not found/i.test(messageOf(error))) return { class: 'not-found', code }
    if (CONFLICT.has(code)) return { class: 'conflict', code }
    if (/LimitExceeded(Fault)?$/.test(code) || code === 'MaxSpotInstanceCountExceeded')
      return { class: 'quota', code }
    if (TRANSIENT.has(code) || (status !== undefined && status >= 500) || shape.$fault === 'server')
      return { class: 'transient', code, ...withRetry }
    if (
      /^(Invalid|Unsupported|Missing|Malformed)/.test(code) ||
      code === 'ValidationError' ||
      code === 'InvalidParameterCombination' ||
      code === 'AlreadyExists' ||
      code === 'AlreadyExistsFault' ||
      /Duplicate|AlreadyExists/.test(code)
    ) {
      return { class: 'invalid', code }
    }
    return status !== undefined && status >= 400 && status < 500
      ? { class: 'invalid', code }
      : { class: 'fatal', code }
  }

  if (network === 'ENOTFOUND') {
    const host = typeof shape.hostname === 'string' ? shape.hostname : undefined
    return {
      class: 'fatal',
      code: 'ENOTFOUND',
      message: `cannot resolve ${host ?? 'the AWS endpoint'}${context.region ? `: is "${context.region}" a region your account can use?` : ''} Check the region setting (or AWS_REGION) and, for a custom endpoint, its host name.`,
    }
  }
  // Responses that are not AWS XML (an emulator's HTML error page, a proxy's 502) cannot be parsed.
  if (status !== undefined && status >= 500) return { class: 'transient', code: `HTTP ${status}` }
  if (/Deserialization error|XML parse error|Unexpected token/i.test(messageOf(error))) {
    return {
      class: 'transient',
      code: 'UnparsableResponse',
      message: `the endpoint answered with something that is not an AWS response (${messageOf(error).split('\n')[0]})`,
    }
  }
  return { class: 'fatal' }
}
