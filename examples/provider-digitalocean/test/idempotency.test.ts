import type { NeutralKind } from '@skyloom/core'
import { ProviderError } from '@skyloom/core/provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, startHarness } from './support/harness.js'
import { createInstance, createNetwork, freshCidr } from './support/scenario.js'

/*
 * DigitalOcean has no idempotency header. The key lives in the name (`<name>-<sha256(key)[0:8]>`)
 * and each create looks the name up first, so a retry with the same key adopts what the first
 * attempt made, even when the first attempt's answer was lost after DigitalOcean acted.
 */
describe('idempotent creates', () => {
  let h: Harness
  let vpcId: string
  let subnetId: string
  beforeAll(async () => {
    h = await startHarness()
    ;({ vpcId, subnetId } = await createNetwork(h))
  })
  afterAll(() => h.close())

  it('the same key twice yields one Droplet', async () => {
    const handler = h.handler('instance')
    const ctx = h.ctx('instance', 'once')
    const props = h.props('instance', { size: 'small', image: 'ubuntu-24.04', subnet: subnetId })
    const first = await handler.create(props, ctx)
    const second = await handler.create(props, ctx)
    expect(second.id).toBe(first.id)
    const named = [...h.fake.account.droplets.values()].filter((droplet) => droplet.name.startsWith('once-'))
    expect(named).toHaveLength(1)
    expect(h.fake.requests('POST', '/v2/droplets')).toHaveLength(1)
  })

  it('a retry after a lost answer (DigitalOcean created, the client saw a 500) adopts the Droplet', async () => {
    const handler = h.handler('instance')
    const ctx = h.ctx('instance', 'lost-answer')
    const props = h.props('instance', { size: 'small', image: 'ubuntu-24.04', subnet: subnetId })
    h.fake.inject({ status: 500, method: 'POST', path: '/v2/droplets', afterHandling: true })
    const failure = await handler.create(props, ctx).catch((error: unknown) => error)
    expect(ProviderError.isInstance(failure) && failure.classification).toBe('transient')
    const retry = await handler.create(props, ctx)
    const named = [...h.fake.account.droplets.values()].filter((droplet) =>
      droplet.name.startsWith('lost-answer-'),
    )
    expect(named.map((droplet) => String(droplet.id))).toEqual([retry.id])
  })

  it('a different key (a replacement) makes a second Droplet', async () => {
    const handler = h.handler('instance')
    const props = h.props('instance', { size: 'small', image: 'ubuntu-24.04', subnet: subnetId })
    const a = await handler.create(props, h.ctx('instance', 'replaced'))
    const b = await handler.create(props, h.ctx('instance', 'replaced'))
    expect(a.id).not.toBe(b.id)
  })

  const retried: [NeutralKind, () => Record<string, unknown>, string][] = [
    ['network', () => h.props('network', { cidr: freshCidr() }), '/v2/vpcs'],
    [
      'firewall',
      () => h.props('firewall', { network: vpcId, ingress: [{ ports: 80, from: '0.0.0.0/0' }] }),
      '/v2/firewalls',
    ],
    ['volume', () => h.props('volume', { sizeGiB: 1 }), '/v2/volumes'],
    [
      'instance-group',
      () =>
        h.props('instance-group', {
          size: 'small',
          image: 'ubuntu-24.04',
          subnets: [subnetId],
          min: 1,
          max: 2,
        }),
      '/v2/droplets/autoscale',
    ],
  ]
  for (const [kind, props, path] of retried) {
    it(`a ${kind} create retried after a lost answer makes one resource`, async () => {
      const handler = h.handler(kind)
      const ctx = h.ctx(kind, `retry-${kind}`)
      const input = props()
      const creates = () => h.fake.requests('POST', path).filter((exchange) => exchange.status < 300).length
      const before = creates()
      h.fake.inject({ status: 503, method: 'POST', path, afterHandling: true })
      await expect(handler.create(input, ctx)).rejects.toMatchObject({ classification: 'transient' })
      const retry = await handler.create(input, ctx)
      expect(creates() - before).toBe(0)
      expect(h.fake.requests('POST', path).length).toBeGreaterThan(0)
      const again = await handler.create(input, ctx)
      expect(again.id).toBe(retry.id)
    })
  }

  it('crash recovery: find by idempotency key locates a Droplet whose create was never journaled as done', async () => {
    const { id, ctx } = await createInstance(h, 'crashed', { subnet: subnetId })
    const found = await h.handler('instance').find?.(
      {
        idempotencyKey: ctx.idempotencyKey,
        ownership: { stack: 'elsewhere', urn: 'elsewhere/instance/x', tags: {} },
      },
      ctx,
    )
    expect(found?.map((item) => item.id)).toEqual([id])
  })
})
