import { describe, expect, it } from 'vitest'
import { baseNetwork, failure, groupProps, instanceProps, networkProps, virtualSim } from './helpers.js'

describe('out-of-band API (provider.cloud)', () => {
  it('shows drift: props, tags and state changed behind Skyloom’s back come back in reads', async () => {
    const env = virtualSim()
    const { handlers, ctx, clock, provider } = env
    const { subnet } = await baseNetwork(env)
    const vm = await handlers.instance.create(
      instanceProps(subnet, { tags: { owner: 'ann' } }),
      ctx('instance', 'vm'),
    )
    await clock.sleep(40_000)

    const changed = provider.cloud.mutate(vm.id, {
      props: { size: 'large' },
      tags: { owner: 'bob', extra: 'x' },
      state: 'stopped',
    })
    expect(changed.outputs).toMatchObject({ machineType: 'g1.xlarge', state: 'stopped' })
    const read = await handlers.instance.read(vm.id, ctx('instance', 'vm'))
    expect(read?.props.size).toBe('large')
    expect(read?.props.tags).toEqual({ owner: 'bob', extra: 'x' })
    expect(read?.outputs).toMatchObject({ state: 'stopped', machineType: 'g1.xlarge' })
    // Ownership tags are untouched, so Skyloom still finds what it owns.
    expect(changed.tags['skyloom-urn']).toBe('web/instance/vm')

    provider.cloud.mutate(vm.id, { removeTags: ['extra'] })
    expect((await handlers.instance.read(vm.id, ctx('instance', 'vm')))?.props.tags).toEqual({ owner: 'bob' })
  })

  it('refuses unknown ids and props with a message that says what to do', () => {
    const { provider } = virtualSim()
    expect(() => provider.cloud.mutate('net-00000001', { tags: {} })).toThrow(
      /no resource "net-00000001".*cloud.resources\(\)/,
    )
    expect(() => provider.cloud.resources({ kind: 'bucket' as never })).toThrow(/no kind "bucket"/)
  })

  it('rejects an unknown prop in mutate', async () => {
    const { handlers, ctx, provider } = virtualSim()
    const net = await handlers.network.create(networkProps(), ctx('network', 'net'))
    expect(() => provider.cloud.mutate(net.id, { props: { color: 'red' } })).toThrow(/no prop "color".*cidr/)
  })

  it('deletes a resource out of band: reads miss it and deleting it through the handler is not-found', async () => {
    const { handlers, ctx, clock, provider } = virtualSim()
    const net = await handlers.network.create(networkProps(), ctx('network', 'net'))
    await clock.sleep(3_000)
    expect(provider.cloud.delete(net.id)).toBe(true)
    expect(provider.cloud.delete(net.id)).toBe(false)
    expect(await handlers.network.read(net.id, ctx('network', 'net'))).toBeUndefined()
    const gone = await failure(() =>
      handlers.network.delete(net.id, { props: networkProps(), outputs: net.outputs }, ctx('network', 'net')),
    )
    expect(gone.classification).toBe('not-found')
  })

  it('deletes a group with its members out of band', async () => {
    const env = virtualSim()
    const { subnet } = await baseNetwork(env)
    const group = await env.handlers.group.create(groupProps([subnet]), env.ctx('instance-group', 'web'))
    expect(env.provider.cloud.resources({ kind: 'instance' })).toHaveLength(3)
    env.provider.cloud.delete(group.id)
    expect(env.provider.cloud.resources()).toHaveLength(2)
  })

  it('lists resources by kind and tags, with status, and counts calls per scope and action', async () => {
    const env = virtualSim()
    const { handlers, ctx, provider } = env
    const { subnet } = await baseNetwork(env)
    await handlers.instance.create(instanceProps(subnet), ctx('instance', 'vm'))
    await handlers.instance.readMany(['i-1', 'i-2'], ctx('instance', 'vm'))

    const instances = provider.cloud.resources({ kind: 'instance', tags: { 'skyloom-stack': 'web' } })
    expect(instances).toHaveLength(1)
    expect(instances[0]?.status).toBe('pending')
    expect(provider.cloud.resources({ tags: { 'skyloom-stack': 'other' } })).toEqual([])

    const stats = provider.cloud.stats()
    expect(stats.scopes).toEqual({
      describe: { calls: 1, throttled: 0 },
      mutate: { calls: 2, throttled: 0 },
      'run-instances': { calls: 1, throttled: 0 },
      'terminate-instances': { calls: 0, throttled: 0 },
    })
    expect(stats.actions).toEqual({
      CreateNetwork: 1,
      CreateSubnet: 1,
      RunInstances: 1,
      DescribeInstances: 1,
    })
    expect(stats.calls).toBe(4)

    provider.cloud.resetStats()
    expect(provider.cloud.stats().calls).toBe(0)
    expect(provider.cloud.resources()).toHaveLength(3)
  })

  it('resets to an empty cloud with full buckets and rewound dice', async () => {
    const env = virtualSim()
    const { handlers, ctx, provider } = env
    const { subnet } = await baseNetwork(env)
    const first = await handlers.instance.create(instanceProps(subnet), ctx('instance', 'vm'))
    const firstLatency = provider.cloud.get(first.id)!.readyAt - provider.cloud.get(first.id)!.createdAt
    for (let index = 0; index < 4; index++)
      await handlers.instance.create(instanceProps(subnet), ctx('instance', `x${index}`))

    provider.cloud.reset()
    expect(provider.cloud.resources()).toEqual([])
    expect(provider.cloud.stats().calls).toBe(0)
    const again = await baseNetwork(env)
    const second = await handlers.instance.create(instanceProps(again.subnet), ctx('instance', 'vm'))
    const secondLatency = provider.cloud.get(second.id)!.readyAt - provider.cloud.get(second.id)!.createdAt
    expect(secondLatency).toBe(firstLatency)
    expect(provider.cloud.stats().throttled).toBe(0)
  })
})
