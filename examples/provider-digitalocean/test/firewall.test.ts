import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeTag } from '../src/tags.js'
import { type Harness, startHarness, waitReady } from './support/harness.js'
import { createNetwork } from './support/scenario.js'

describe('firewall → Cloud Firewall', () => {
  let h: Harness
  let vpcId: string
  beforeAll(async () => {
    h = await startHarness()
    ;({ vpcId } = await createNetwork(h))
  })
  afterAll(() => h.close())

  const rules = {
    ingress: [
      { ports: 443, from: '0.0.0.0/0' },
      { ports: [8000, 8100], from: ['10.0.0.0/8', '192.168.0.0/16'] },
      { protocol: 'all', from: '10.1.0.0/16' },
    ],
  }

  it('creates a firewall that targets its own tag and reads back the same normalized rules', async () => {
    const handler = h.handler('firewall')
    const ctx = h.ctx('firewall', 'web')
    const props = h.props('firewall', { network: vpcId, ...rules })
    const created = await handler.create(props, ctx)
    expect(created.ready).toBe(false)
    await waitReady(handler, created.id, ctx)

    const stored = h.fake.account.firewalls.get(created.id)!
    expect(stored.tags).toEqual([encodeTag('skyloom-fw', 'test/firewall/web')])
    expect(h.fake.account.tags.has(stored.tags[0]!)).toBe(true)
    // `all` is three DigitalOcean rules (core sorts it first); an omitted egress is written out as allow-all.
    expect(stored.inbound.map((rule) => `${rule.protocol}/${rule.ports}`)).toEqual([
      'tcp/0',
      'udp/0',
      'icmp/0',
      'tcp/443',
      'tcp/8000-8100',
    ])
    expect(stored.outbound.map((rule) => rule.protocol)).toEqual(['tcp', 'udp', 'icmp'])

    const read = await handler.read?.(created.id, ctx)
    expect(read?.props).toEqual({ ingress: props.ingress })
    expect(read?.status).toBeUndefined()
  })

  it('updates rules in place and keeps the name and assigned Droplets', async () => {
    const handler = h.handler('firewall')
    const ctx = h.ctx('firewall', 'api')
    const created = await handler.create(h.props('firewall', { network: vpcId, ...rules }), ctx)
    const name = h.fake.account.firewalls.get(created.id)!.name
    const desired = h.props('firewall', {
      network: vpcId,
      ingress: [{ ports: 22, from: '10.0.0.0/8' }],
      egress: [{ ports: 443, to: '0.0.0.0/0' }],
    })
    await handler.update?.(
      created.id,
      { current: { props: {}, outputs: created.outputs }, desired, changed: ['ingress', 'egress'] },
      ctx,
    )
    const read = await handler.read?.(created.id, ctx)
    expect(read?.props).toEqual({ ingress: desired.ingress, egress: desired.egress })
    expect(h.fake.account.firewalls.get(created.id)?.name).toBe(name)
  })

  it('finds by ownership (its target tag) and lists by stack; deletes', async () => {
    const handler = h.handler('firewall')
    const ctx = h.ctx('firewall', 'found', { stack: 'fwstack' })
    const created = await handler.create(h.props('firewall', { network: vpcId, ...rules }), ctx)
    const found = await handler.find?.({ ownership: ctx.ownership }, ctx)
    expect(found?.map((item) => item.id)).toEqual([created.id])
    expect(found?.[0]?.ownership).toEqual({ stack: 'fwstack', urn: 'fwstack/firewall/found' })
    const listed = []
    for await (const item of handler.list?.({ stack: 'fwstack' }, ctx) ?? []) listed.push(item.id)
    expect(listed).toEqual([created.id])
    await handler.delete?.(created.id, { props: {}, outputs: created.outputs }, ctx)
    expect(await handler.read?.(created.id, ctx)).toBeUndefined()
  })

  it('warns that rule descriptions are not stored', async () => {
    const handler = h.handler('firewall')
    const issues = await handler.check?.(
      h.props('firewall', {
        network: vpcId,
        ingress: [{ ports: 22, from: '10.0.0.0/8', description: 'ssh' }],
      }),
      { urn: 'test/firewall/x', stack: 'test', kind: 'firewall', name: 'x', providerOptions: undefined },
    )
    expect(issues).toEqual([expect.objectContaining({ severity: 'warning', path: 'ingress' })])
  })
})
