import { describe, expect, it } from 'vitest'
import { GROUP_TAG } from '../src/index.js'
import { failure, groupProps, networkProps, subnetProps, virtualSim } from './helpers.js'

async function twoSubnets(settings: Parameters<typeof virtualSim>[0] = {}) {
  const env = virtualSim(settings)
  const net = await env.handlers.network.create(networkProps(), env.ctx('network', 'net'))
  const a = await env.handlers.subnet.create(subnetProps(net.id, '10.0.1.0/24'), env.ctx('subnet', 'a'))
  const b = await env.handlers.subnet.create(
    subnetProps(net.id, '10.0.2.0/24', { zone: 'sim-east-1b' }),
    env.ctx('subnet', 'b'),
  )
  await env.clock.sleep(3_000)
  return { ...env, network: net.id, subnets: [a.id, b.id] }
}

const fixedLatency = {
  latency: {
    provision: { 'instance-group': { meanMs: 60_000 } },
    deletion: { instance: { meanMs: 10_000 } },
  },
}

describe('instance-group', () => {
  it('launches desired members spread over its subnets and is ready when all run', async () => {
    const { handlers, ctx, clock, subnets, provider } = await twoSubnets(fixedLatency)
    const created = await handlers.group.create(
      groupProps(subnets, { tags: { tier: 'web' } }),
      ctx('instance-group', 'web'),
    )
    expect(created.ready).toBe(false)
    expect(created.outputs.desired).toBe(3)
    const members = created.outputs.instances as string[]
    expect(members).toHaveLength(3)

    const zones = members.map((id) => provider.cloud.get(id)?.outputs.zone)
    expect(zones).toEqual(['sim-east-1a', 'sim-east-1b', 'sim-east-1a'])
    const member = provider.cloud.get(members[0]!)!
    expect(member.tags).toMatchObject({
      tier: 'web',
      [GROUP_TAG]: created.id,
      'skyloom-urn': 'web/instance-group/web',
    })

    await clock.sleep(59_000)
    expect((await handlers.group.read(created.id, ctx('instance-group', 'web')))?.status).toBe('pending')
    await clock.sleep(1_000)
    const ready = await handlers.group.read(created.id, ctx('instance-group', 'web'))
    expect(ready?.status).toBe('ready')
    expect(ready?.outputs.instances).toEqual(members)
    expect(provider.cloud.vcpusInUse()).toBe(3)
  })

  it('scales out and in through update, waiting for new members and for terminations', async () => {
    const { handlers, ctx, clock, subnets, provider } = await twoSubnets(fixedLatency)
    const group = await handlers.group.create(groupProps(subnets), ctx('instance-group', 'web'))
    await clock.sleep(60_000)
    const current = { props: groupProps(subnets), outputs: group.outputs }

    const out = await handlers.group.update(
      group.id,
      { current, desired: groupProps(subnets, { desired: 5 }), changed: ['desired'] },
      ctx('instance-group', 'web'),
    )
    expect(out.ready).toBe(false)
    expect(out.outputs.instances).toHaveLength(5)
    await clock.sleep(60_000)
    expect((await handlers.group.read(group.id, ctx('instance-group', 'web')))?.status).toBe('ready')

    const members = out.outputs.instances as string[]
    const inward = await handlers.group.update(
      group.id,
      { current, desired: groupProps(subnets, { desired: 2 }), changed: ['desired'] },
      ctx('instance-group', 'web'),
    )
    // Newest members go first; the group waits until they are terminated.
    expect(inward.outputs.instances).toEqual(members.slice(0, 2))
    expect(inward.ready).toBe(false)
    await clock.sleep(10_000)
    const settled = await handlers.group.read(group.id, ctx('instance-group', 'web'))
    expect(settled?.status).toBe('ready')
    expect(provider.cloud.resources({ kind: 'instance' })).toHaveLength(2)
  })

  it('rolls members over to a new template in batches of surge + unavailable', async () => {
    const { handlers, ctx, clock, subnets, provider } = await twoSubnets(fixedLatency)
    const props = groupProps(subnets, { desired: 4, rolling: { maxSurge: 2, maxUnavailable: 0 } })
    const group = await handlers.group.create(props, ctx('instance-group', 'web'))
    await clock.sleep(60_000)
    const old = group.outputs.instances as string[]
    const at = clock.now()
    await handlers.group.update(
      group.id,
      {
        current: { props, outputs: group.outputs },
        desired: { ...props, size: 'medium' },
        changed: ['size'],
      },
      ctx('instance-group', 'web'),
    )
    // Two batches of two: the first old pair retires when its replacements run at +60 s.
    await clock.sleep(60_000)
    const midway = provider.cloud.resources({ kind: 'instance' })
    expect(midway.filter((vm) => old.includes(vm.id) && vm.status === 'deleting')).toHaveLength(2)
    expect(
      midway.filter((vm) => vm.outputs.machineType === 'g1.medium' && vm.outputs.state === 'running'),
    ).toHaveLength(2)
    expect((await handlers.group.read(group.id, ctx('instance-group', 'web')))?.status).toBe('pending')

    await clock.sleep(70_000)
    const done = await handlers.group.read(group.id, ctx('instance-group', 'web'))
    expect(done?.status).toBe('ready')
    const members = done?.outputs.instances as string[]
    expect(members).toHaveLength(4)
    expect(members.some((id) => old.includes(id))).toBe(false)
    expect(members.every((id) => provider.cloud.get(id)?.outputs.machineType === 'g1.medium')).toBe(true)
    expect(clock.now() - at).toBe(130_000)
  })

  it('refuses a scale-out past the vCPU quota without touching the group', async () => {
    const { handlers, ctx, clock, subnets, provider } = await twoSubnets({ quotas: { vcpusPerRegion: 4 } })
    const group = await handlers.group.create(groupProps(subnets), ctx('instance-group', 'web'))
    await clock.sleep(80_000)
    const error = await failure(() =>
      handlers.group.update(
        group.id,
        {
          current: { props: groupProps(subnets), outputs: group.outputs },
          desired: groupProps(subnets, { desired: 6 }),
          changed: ['desired'],
        },
        ctx('instance-group', 'web'),
      ),
    )
    expect([error.classification, error.cloudCode]).toEqual(['quota', 'VcpuLimitExceeded'])
    const read = await handlers.group.read(group.id, ctx('instance-group', 'web'))
    expect(read?.props.desired).toBe(3)
    expect(read?.outputs.instances).toHaveLength(3)
    expect(provider.cloud.resources({ kind: 'instance' })).toHaveLength(3)
  })

  it('deletes its members with it, and blocks deleting its subnets while it exists', async () => {
    const { handlers, ctx, clock, subnets, network, provider } = await twoSubnets(fixedLatency)
    const group = await handlers.group.create(groupProps(subnets), ctx('instance-group', 'web'))
    await clock.sleep(60_000)
    const blocked = await failure(() =>
      handlers.subnet.delete(subnets[0]!, { props: subnetProps(network), outputs: {} }, ctx('subnet', 'a')),
    )
    expect(blocked.classification).toBe('conflict')
    await handlers.group.delete(
      group.id,
      { props: groupProps(subnets), outputs: group.outputs },
      ctx('instance-group', 'web'),
    )
    expect(provider.cloud.resources({ kind: 'instance-group' })).toEqual([])
    expect(provider.cloud.resources({ kind: 'instance' })).toEqual([])
    await handlers.subnet.delete(
      subnets[0]!,
      { props: subnetProps(network), outputs: {} },
      ctx('subnet', 'a'),
    )
  })

  it('refuses subnets from different networks', async () => {
    const { handlers, ctx, clock, subnets } = await twoSubnets()
    const other = await handlers.network.create(networkProps('10.1.0.0/16'), ctx('network', 'other'))
    const stray = await handlers.subnet.create(subnetProps(other.id, '10.1.1.0/24'), ctx('subnet', 'stray'))
    await clock.sleep(3_000)
    const error = await failure(() =>
      handlers.group.create(groupProps([subnets[0]!, stray.id]), ctx('instance-group', 'web')),
    )
    expect(error.classification).toBe('invalid')
    expect(error.message).toMatch(/must share a network/)
  })
})
