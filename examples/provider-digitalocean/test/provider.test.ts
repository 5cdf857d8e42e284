import { describe, expect, it } from 'vitest'
import { createDigitalOcean, DIGITALOCEAN_LIMITS, digitalocean } from '../src/index.js'

describe('the provider object', () => {
  it('is a v1 provider for every neutral kind, created without reading a token', () => {
    const provider = createDigitalOcean({
      token: () => {
        throw new Error('read too early')
      },
    })
    expect(provider.specificationVersion).toBe('v1')
    expect(provider.name).toBe('digitalocean')
    expect(Object.keys(provider.kinds).sort()).toEqual(
      ['firewall', 'instance', 'instance-group', 'network', 'subnet', 'volume'].sort(),
    )
    expect(provider.kinds.instance?.actions && Object.keys(provider.kinds.instance.actions)).toEqual([
      'start',
      'stop',
      'reboot',
    ])
    expect(digitalocean.key).toBe('digitalocean')
    expect(createDigitalOcean({ account: 'team-a' }).key).toBe('digitalocean/team-a')
  })

  it('declares limits that honour both of DigitalOcean’s windows (250 a minute, 5,000 an hour)', () => {
    const bucket = DIGITALOCEAN_LIMITS.scopes.api!
    expect(bucket.capacity + 60 * bucket.refillPerSecond).toBeLessThanOrEqual(250)
    expect(bucket.capacity + 3600 * bucket.refillPerSecond).toBeLessThanOrEqual(5_000)
    expect(bucket.refillPerSecond).toBeGreaterThan(1.3)
    expect(DIGITALOCEAN_LIMITS.readScope).toBe('api')
    expect(DIGITALOCEAN_LIMITS.mutateScope).toBe('api')
  })

  it('validates providerOptions per kind with strict schemas', () => {
    const provider = createDigitalOcean()
    expect(
      provider.kinds.instance?.providerOptions?.safeParse({ sshKeys: [123, 'aa:bb'], monitoring: true })
        .success,
    ).toBe(true)
    expect(provider.kinds.instance?.providerOptions?.safeParse({ sshkeys: [] }).success).toBe(false)
    expect(
      provider.kinds['instance-group']?.providerOptions?.safeParse({ targetCpuUtilization: 2 }).success,
    ).toBe(false)
    expect(provider.kinds.network?.providerOptions?.safeParse({ region: 'fra1' }).success).toBe(true)
  })
})
