import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, startHarness } from './support/harness.js'

describe('subnet → logical subnet of a VPC', () => {
  let h: Harness
  let vpcId: string
  beforeAll(async () => {
    h = await startHarness()
    const network = await h
      .handler('network')
      .create(h.props('network', { cidr: '10.40.0.0/16' }), h.ctx('network', 'net'))
    vpcId = network.id
  })
  afterAll(() => h.close())

  it('records a subnet inside the VPC range; its id carries the VPC; nothing is created in the cloud', async () => {
    const handler = h.handler('subnet')
    const ctx = h.ctx('subnet', 'a')
    const before = h.fake.exchanges.length
    const created = await handler.create(h.props('subnet', { network: vpcId, cidr: '10.40.1.0/24' }), ctx)
    expect(created).toEqual({
      id: `${vpcId}:10.40.1.0/24`,
      outputs: { id: `${vpcId}:10.40.1.0/24`, cidr: '10.40.1.0/24', zone: 'nyc3' },
      ready: true,
    })
    expect(h.fake.exchanges.slice(before).map((exchange) => exchange.method)).toEqual(['GET'])
    expect((await handler.read?.(created.id, ctx))?.props).toEqual({ network: vpcId, cidr: '10.40.1.0/24' })
    await handler.delete?.(created.id, { props: {}, outputs: created.outputs }, ctx)
  })

  it('refuses a CIDR outside the VPC, a zone in another region, and a missing VPC', async () => {
    const handler = h.handler('subnet')
    await expect(
      handler.create(h.props('subnet', { network: vpcId, cidr: '10.41.0.0/24' }), h.ctx('subnet', 'b')),
    ).rejects.toMatchObject({
      classification: 'invalid',
      message: expect.stringContaining('outside the VPC'),
    })
    await expect(
      handler.create(
        h.props('subnet', { network: vpcId, cidr: '10.40.2.0/24', zone: 'fra1' }),
        h.ctx('subnet', 'c'),
      ),
    ).rejects.toMatchObject({ classification: 'invalid', message: expect.stringContaining('region nyc3') })
    await expect(
      handler.create(
        h.props('subnet', { network: '00000000-0000-4000-8000-000000000000', cidr: '10.40.3.0/24' }),
        h.ctx('subnet', 'd'),
      ),
    ).rejects.toMatchObject({
      classification: 'invalid',
      message: expect.stringContaining('create the network first'),
    })
  })

  it('is idempotent by its id, has nothing to find, and reads until its VPC is gone', async () => {
    // What the conformance kit cannot check on a logical kind (K4, K7, K9, I1 are skipped there).
    const handler = h.handler('subnet')
    const network = await h
      .handler('network')
      .create(h.props('network', { cidr: '10.43.0.0/16' }), h.ctx('network', 'short-lived'))
    const ctx = h.ctx('subnet', 'twice')
    const props = h.props('subnet', { network: network.id, cidr: '10.43.1.0/24' })
    const first = await handler.create(props, ctx)
    const second = await handler.create(props, ctx)
    expect(second.id).toBe(first.id)
    // Recovery after an interrupted create: nothing in the cloud to adopt, so it creates again.
    expect(
      await handler.find?.({ idempotencyKey: ctx.idempotencyKey, ownership: ctx.ownership }, ctx),
    ).toEqual([])
    await handler.delete?.(first.id, { props: {}, outputs: first.outputs }, ctx)
    // Nothing was removed in DigitalOcean: the subnet is derived from its VPC, and reads...
    expect((await handler.read?.(first.id, ctx))?.id).toBe(first.id)
    // ...until the VPC goes.
    await h
      .handler('network')
      .delete?.(network.id, { props: {}, outputs: {} }, h.ctx('network', 'short-lived'))
    expect(await handler.read?.(first.id, ctx)).toBeUndefined()
  })

  it('reads as gone when its VPC is gone, and warns in plans that subnets are logical', async () => {
    const handler = h.handler('subnet')
    expect(
      await handler.read?.('00000000-0000-4000-8000-000000000000:10.0.0.0/24', h.ctx('subnet', 'e')),
    ).toBeUndefined()
    const issues = await handler.check?.(
      h.props('subnet', { network: vpcId, cidr: '10.40.1.0/24', public: true }),
      {
        urn: 'test/subnet/a',
        stack: 'test',
        kind: 'subnet',
        name: 'a',
        providerOptions: undefined,
      },
    )
    expect(issues?.map((issue) => `${issue.severity} ${issue.path}`)).toEqual([
      'warning cidr',
      'warning public',
    ])
  })
})
