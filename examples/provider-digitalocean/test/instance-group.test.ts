import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, startHarness, waitReady } from './support/harness.js'
import { createNetwork } from './support/scenario.js'

describe('instance-group → Droplet autoscale pool', () => {
  let h: Harness
  let subnetId: string
  beforeAll(async () => {
    // Members boot in 250 ms rather than 40: the first test asserts that a create returns before
    // they are up, and on a loaded machine 40 ms can pass between the POST and the members' GET.
    h = await startHarness({ fake: { bootMs: 250 } })
    ;({ subnetId } = await createNetwork(h))
  })
  afterAll(() => h.close())

  const group = (input: Record<string, unknown> = {}) =>
    h.props('instance-group', {
      size: 'small',
      image: 'ubuntu-24.04',
      subnets: [subnetId],
      min: 1,
      max: 5,
      desired: 2,
      ...input,
    })

  it('creates a static pool, waits for its members, scales up and down, and deletes it with its Droplets', async () => {
    const handler = h.handler('instance-group')
    const ctx = h.ctx('instance-group', 'workers')
    const created = await handler.create(group({ tags: { role: 'worker' } }), ctx)
    expect(created.ready).toBe(false)
    const ready = await waitReady(handler, created.id, ctx)
    expect(ready).toMatchObject({ id: created.id, desired: 2 })
    expect(ready.instances).toHaveLength(2)

    const pool = h.fake.account.pools.get(created.id)!
    expect(pool.config).toEqual({ target_number_instances: 2 })
    expect(pool.template).toMatchObject({
      name: 'workers',
      size: 's-1vcpu-2gb',
      image: 'ubuntu-24-04-x64',
      ssh_keys: [],
    })
    expect(pool.template.tags).toEqual([
      'skyloom-stack:test',
      'skyloom-urn:test_2finstance-group_2fworkers',
      'role:worker',
    ])

    const current = { props: {}, outputs: ready }
    const up = await handler.update?.(
      created.id,
      { current, desired: group({ desired: 4, tags: { role: 'worker' } }), changed: ['desired'] },
      ctx,
    )
    expect(up?.ready).toBe(false)
    expect((await waitReady(handler, created.id, ctx)).instances).toHaveLength(4)
    await handler.update?.(
      created.id,
      { current, desired: group({ desired: 1, tags: { role: 'worker' } }), changed: ['desired'] },
      ctx,
    )
    const down = await waitReady(handler, created.id, ctx)
    expect(down).toMatchObject({ desired: 1 })
    expect(down.instances).toHaveLength(1)
    expect((await handler.read?.(created.id, ctx))?.props).toEqual({
      desired: 1,
      publicIp: false,
      tags: { role: 'worker' },
    })

    const members = [...h.fake.account.droplets.values()].filter((droplet) => droplet.poolId === created.id)
    await handler.delete?.(created.id, { props: {}, outputs: down }, ctx)
    expect(h.fake.account.pools.has(created.id)).toBe(false)
    for (const member of members) expect(h.fake.account.droplets.has(member.id)).toBe(false)
    const sent = h.fake.requests('DELETE', `/v2/droplets/autoscale/${created.id}/dangerous`)[0]
    expect(sent?.requestHeaders['x-dangerous']).toBe('true')
  })

  it('makes a dynamic pool when a utilization target is set', async () => {
    const handler = h.handler('instance-group')
    const ctx = h.ctx('instance-group', 'auto', {
      providerOptions: { targetCpuUtilization: 0.6, cooldownMinutes: 5 },
    })
    const created = await handler.create(group({ min: 2, max: 6, desired: 2 }), ctx)
    expect(h.fake.account.pools.get(created.id)?.config).toEqual({
      min_instances: 2,
      max_instances: 6,
      target_cpu_utilization: 0.6,
      cooldown_minutes: 5,
    })
    expect(h.fake.account.pools.get(created.id)?.template.with_droplet_agent).toBe(true)
    await waitReady(handler, created.id, ctx)
    expect((await handler.read?.(created.id, ctx))?.props).toEqual({
      min: 2,
      max: 6,
      publicIp: false,
      tags: {},
    })
  })

  it('finds by ownership and refuses what a pool cannot be', async () => {
    const handler = h.handler('instance-group')
    const ctx = h.ctx('instance-group', 'findable')
    const created = await handler.create(group({ desired: 1 }), ctx)
    expect((await handler.find?.({ ownership: ctx.ownership }, ctx))?.map((item) => item.id)).toEqual([
      created.id,
    ])
    const checkContext = {
      urn: 'test/instance-group/x',
      stack: 'test',
      kind: 'instance-group',
      name: 'x',
      providerOptions: undefined,
    }
    const issues = await handler.check?.(
      group({ min: 0, desired: 0, rolling: { maxSurge: 2 } }),
      checkContext,
    )
    expect(issues?.map((issue) => `${issue.severity} ${issue.path}`)).toEqual([
      'error desired',
      'warning rolling',
    ])
  })
})
