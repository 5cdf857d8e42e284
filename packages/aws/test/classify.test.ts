import { ProviderError } from '@skyloom/core/provider'
import { describe, expect, it } from 'vitest'
import { classifyAwsError } from '../src/index.js'

/** An error shaped like the AWS SDK's ServiceException. */
function serviceError(code: string, status: number, options: { message?: string; retryAfter?: string } = {}) {
  return Object.assign(new Error(options.message ?? code), {
    name: code,
    Code: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    $response: {
      statusCode: status,
      headers: options.retryAfter ? { 'retry-after': options.retryAfter } : {},
    },
  })
}

describe('classifyAwsError', () => {
  it.each([
    ['RequestLimitExceeded', 503, 'throttled'],
    ['Throttling', 400, 'throttled'],
    ['ThrottlingException', 400, 'throttled'],
    ['InvalidInstanceID.NotFound', 400, 'not-found'],
    ['InvalidVpcID.NotFound', 400, 'not-found'],
    ['InvalidLaunchTemplateName.NotFoundException', 400, 'not-found'],
    ['DependencyViolation', 400, 'conflict'],
    ['IncorrectState', 400, 'conflict'],
    ['IncorrectInstanceState', 400, 'conflict'],
    ['ScalingActivityInProgress', 400, 'conflict'],
    ['InstanceLimitExceeded', 400, 'quota'],
    ['VcpuLimitExceeded', 400, 'quota'],
    ['VpcLimitExceeded', 400, 'quota'],
    ['LimitExceeded', 400, 'quota'],
    ['InvalidParameterValue', 400, 'invalid'],
    ['InvalidParameterCombination', 400, 'invalid'],
    ['Unsupported', 400, 'invalid'],
    ['InvalidAMIID.NotFound', 400, 'invalid'],
    ['InvalidAMIID.Malformed', 400, 'invalid'],
    ['InvalidInstanceType', 400, 'invalid'],
    ['InvalidKeyPair.NotFound', 400, 'invalid'],
    ['ValidationError', 400, 'invalid'],
    ['InternalError', 500, 'transient'],
    ['Unavailable', 503, 'transient'],
    ['InsufficientInstanceCapacity', 500, 'transient'],
    ['AuthFailure', 401, 'fatal'],
    ['UnauthorizedOperation', 403, 'fatal'],
    ['ExpiredToken', 400, 'fatal'],
  ])('%s (HTTP %d) is %s', (code, status, expected) => {
    expect(classifyAwsError(serviceError(code, status))).toMatchObject({ class: expected, code })
  })

  it('honours Retry-After on throttling', () => {
    expect(classifyAwsError(serviceError('Throttling', 429, { retryAfter: '3' }))).toEqual({
      class: 'throttled',
      code: 'Throttling',
      retryAfterMs: 3000,
    })
  })

  it('treats a missing Auto Scaling group as not found', () => {
    const error = serviceError('ValidationError', 400, { message: 'AutoScalingGroup name not found - null' })
    expect(classifyAwsError(error).class).toBe('not-found')
  })

  it('says how to fix authorization failures', () => {
    const result = classifyAwsError(serviceError('UnauthorizedOperation', 403), { region: 'eu-west-1' })
    expect(result.message).toContain('allowed to call EC2 and Auto Scaling in eu-west-1')
    expect(result.message).toContain('AWS_PROFILE')
  })

  it('classifies dropped connections and timeouts as transient', () => {
    const reset = Object.assign(new Error('socket hang up'), {
      name: 'TimeoutError',
      code: 'ECONNRESET',
      $metadata: {},
    })
    expect(classifyAwsError(reset)).toEqual({ class: 'transient', code: 'ECONNRESET' })
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    expect(classifyAwsError(refused).class).toBe('transient')
  })

  it('classifies an unresolvable endpoint as fatal and points at the region', () => {
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND ec2.us-east-9.amazonaws.com'), {
      code: 'ENOTFOUND',
      hostname: 'ec2.us-east-9.amazonaws.com',
    })
    const result = classifyAwsError(dns, { region: 'us-east-9' })
    expect(result.class).toBe('fatal')
    expect(result.message).toContain('is "us-east-9" a region your account can use?')
  })

  it('classifies missing credentials as fatal with instructions', () => {
    const error = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    })
    const result = classifyAwsError(error)
    expect(result).toMatchObject({ class: 'fatal', code: 'CredentialsProviderError' })
    expect(result.message).toContain('AWS_ACCESS_KEY_ID')
  })

  it('treats an unparsable 5xx answer as transient and keeps ProviderError classes', () => {
    const html = Object.assign(new Error('Deserialization error: to see the raw response…'), {
      $metadata: { httpStatusCode: 500 },
    })
    expect(classifyAwsError(html).class).toBe('transient')
    const own = new ProviderError({
      provider: 'aws',
      operation: 'create',
      class: 'quota',
      code: 'X',
      message: 'm',
    })
    expect(classifyAwsError(own)).toEqual({ class: 'quota', code: 'X' })
  })
})
