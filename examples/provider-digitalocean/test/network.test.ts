import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, startHarness } from './support/harness.js'

describe('network → VPC', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
  })
  afterAll(() => h.close())

  it('creates, reads, updates and deletes a VPC', async () => {
    const network = h.handler('network')
    const ctx = h.ctx('network', 'main')
    const created = await network.create(h.props('network', { cidr: '10.10.0.0/16' }), ctx)
    expect(created.ready).toBe(true)
    expect(created.outputs).toEqual({ id: created.id, cidr: '10.10.0.0/16' })
    const vpc = h.fake.account.vpcs.get(created.id)
    expect(vpc?.description).toBe('[skyloom-urn=test/network/main]')
    expect(vpc?.name).toMatch(/^main-[0-9a-f]{8}$/)

    const read = await network.read?.(created.id, ctx)
    expect(read?.props).toEqual({ cidr: '10.10.0.0/16' })

    const updated = await network.update?.(
      created.id,
      {
        current: { props: {}, outputs: created.outputs },
        desired: h.props('network', { cidr: '10.10.0.0/16', tags: { env: 'dev' } }),
        changed: ['tags'],
      },
      h.ctx('network', 'main', { providerOptions: { description: 'main network' } }),
    )
    expect(updated?.outputs).toEqual(created.outputs)
    expect(h.fake.account.vpcs.get(created.id)?.description).toBe(
      'main network [skyloom-urn=test/network/main]',
    )

    await network.delete?.(created.id, { props: {}, outputs: created.outputs }, ctx)
    expect(await network.read?.(created.id, ctx)).toBeUndefined()
    // Deleting what is gone is not an error.
    await network.delete?.(created.id, { props: {}, outputs: created.outputs }, ctx)
  })

  it('checks the CIDR against what DigitalOcean accepts', async () => {
    const network = h.handler('network')
    const check = (cidr: string) =>
      network.check?.(h.props('network', { cidr }), {
        urn: 'test/network/x',
        stack: 'test',
        kind: 'network',
        name: 'x',
        providerOptions: undefined,
      })
    expect(await check('10.0.0.0/16')).toEqual([])
    expect((await check('10.0.0.0/8'))?.[0]?.message).toMatch(/\/16 to \/28/)
    expect((await check('8.8.0.0/16'))?.[0]?.message).toMatch(/not private/)
  })

  it('finds a VPC by ownership and by idempotency key', async () => {
    const network = h.handler('network')
    const ctx = h.ctx('network', 'findme')
    const created = await network.create(h.props('network', { cidr: '10.20.0.0/16' }), ctx)
    const byOwner = await network.find?.({ ownership: ctx.ownership }, ctx)
    expect(byOwner?.map((found) => found.id)).toEqual([created.id])
    expect(byOwner?.[0]?.ownership).toEqual({ stack: 'test', urn: 'test/network/findme' })
    const byKey = await network.find?.(
      { idempotencyKey: ctx.idempotencyKey, ownership: { stack: 'x', urn: 'x/network/y', tags: {} } },
      ctx,
    )
    expect(byKey?.map((found) => found.id)).toEqual([created.id])
  })
})
