import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import {
  CancelledError,
  CycleError,
  isSecret,
  LockError,
  ProviderError,
  parseUrn,
  SkyloomError,
  StalePlanError,
  StateError,
  secret,
  urnOf,
  ValidationError,
} from '../src/index.js'
import { cidrContains, cidrOverlaps, parseCidr } from '../src/model/cidr.js'
import { parseDuration } from '../src/model/duration.js'
import { cheapestOffer } from '../src/model/size.js'

describe('cidr', () => {
  it('parses blocks and refuses bad ones with a reason', () => {
    expect(parseCidr('10.0.0.0/16')).toMatchObject({ ok: true, block: { prefix: 16 } })
    expect(parseCidr('10.0.0.0')).toMatchObject({
      ok: false,
      error: expect.stringContaining('not an IPv4 CIDR'),
    })
    expect(parseCidr('10.0.300.0/24')).toMatchObject({
      ok: false,
      error: expect.stringContaining('above 255'),
    })
    expect(parseCidr('10.0.0.0/33')).toMatchObject({ ok: false, error: expect.stringContaining('above /32') })
    expect(parseCidr('10.0.1.7/24')).toMatchObject({
      ok: false,
      error: expect.stringContaining('did you mean 10.0.1.0/24'),
    })
  })

  it('answers containment and overlap', () => {
    const block = (text: string) => {
      const parsed = parseCidr(text)
      if (!parsed.ok) throw new Error(parsed.error)
      return parsed.block
    }
    expect(cidrContains(block('10.0.0.0/16'), block('10.0.255.0/24'))).toBe(true)
    expect(cidrContains(block('10.0.0.0/16'), block('10.1.0.0/24'))).toBe(false)
    expect(cidrOverlaps(block('10.0.0.0/23'), block('10.0.1.0/24'))).toBe(true)
    expect(cidrOverlaps(block('10.0.0.0/24'), block('10.0.1.0/24'))).toBe(false)
    expect(cidrContains(block('0.0.0.0/0'), block('255.255.255.255/32'))).toBe(true)
  })
})

describe('durations', () => {
  it('reads numbers and unit strings', () => {
    expect(parseDuration(1500)).toBe(1500)
    expect(parseDuration('90s')).toBe(90_000)
    expect(parseDuration('1h30m')).toBe(5_400_000)
    expect(parseDuration('250ms')).toBe(250)
    expect(parseDuration('soon')).toBeUndefined()
    expect(parseDuration(-1)).toBeUndefined()
  })
})

describe('urns', () => {
  it('round-trips', () => {
    expect(parseUrn(urnOf('web', 'aws:launch-template', 'lt'))).toEqual({
      stack: 'web',
      kind: 'aws:launch-template',
      name: 'lt',
    })
    expect(parseUrn('web/instance')).toBeUndefined()
  })
})

describe('sizes', () => {
  it('picks the cheapest offer that satisfies the size, stably', () => {
    const offers = [
      { name: 'b', cpus: 2, memoryGiB: 4, hourlyUsd: 0.04 },
      { name: 'a', cpus: 2, memoryGiB: 8, hourlyUsd: 0.04 },
      { name: 'c', cpus: 1, memoryGiB: 2, hourlyUsd: 0.01 },
      { name: 'd', cpus: 4, memoryGiB: 16, hourlyUsd: 0.2 },
    ]
    expect(cheapestOffer(offers, 'medium')?.name).toBe('b')
    expect(cheapestOffer(offers, 'small')?.name).toBe('c')
    expect(cheapestOffer(offers, { cpus: 3, memoryGiB: 1 })?.name).toBe('d')
    expect(cheapestOffer(offers, 'xlarge')).toBeUndefined()
  })
})

describe('secrets', () => {
  it('never print their value', () => {
    const value = secret('hunter2')
    expect(String(value)).toBe('(secret)')
    expect(JSON.stringify({ value })).toBe('{"value":{"$secret":true}}')
    expect(inspect({ value })).not.toContain('hunter2')
    expect(`${value}`).toBe('(secret)')
    expect(value.reveal()).toBe('hunter2')
    expect(isSecret(value)).toBe(true)
    expect(isSecret({ $secret: true })).toBe(false)
  })
})

describe('errors', () => {
  it('carry stable codes and markers that survive duplicate installs', () => {
    const errors: Array<[SkyloomError, string]> = [
      [new ValidationError([{ path: 'a', rule: 'r', message: 'm' }]), 'SKYLOOM_VALIDATION'],
      [new CycleError(['a', 'b', 'a']), 'SKYLOOM_CYCLE'],
      [new LockError('web', undefined), 'SKYLOOM_LOCKED'],
      [new StalePlanError('web', 1, 2), 'SKYLOOM_STALE_PLAN'],
      [new StateError('bad'), 'SKYLOOM_STATE'],
      [new CancelledError(), 'SKYLOOM_CANCELLED'],
      [new ProviderError({ provider: 'aws', operation: 'create', class: 'throttled' }), 'SKYLOOM_PROVIDER'],
    ]
    for (const [error, code] of errors) {
      expect(error.code).toBe(code)
      expect(SkyloomError.isInstance(error)).toBe(true)
    }
    expect(ValidationError.isInstance(errors[1]![0])).toBe(true)
    expect(CycleError.isInstance(errors[0]![0])).toBe(false)
    // A structurally identical object from "another copy" of the package is recognised.
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('skyloom.error')]: true,
      [Symbol.for('skyloom.error.lock')]: true,
    })
    expect(LockError.isInstance(foreign)).toBe(true)
    expect(StateError.isInstance(foreign)).toBe(false)
  })

  it('say what, where and what to do', () => {
    expect(new StalePlanError('web', 3, 5).message).toContain('Plan again')
    const provider = new ProviderError({
      provider: 'aws',
      operation: 'create',
      urn: 'web/instance/a',
      class: 'throttled',
      code: 'RequestLimitExceeded',
      message: 'slow down',
      retryAfterMs: 2000,
    })
    expect(provider.message).toBe(
      'aws create on web/instance/a failed (throttled) [RequestLimitExceeded]: slow down',
    )
    expect(provider.retryable).toBe(true)
  })
})
