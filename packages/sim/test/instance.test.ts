import { describe, expect, it } from 'vitest'
import {
  baseNetwork,
  failure,
  firewallProps,
  instanceProps,
  networkProps,
  subnetProps,
  virtualSim,
} from './helpers.js'

/** RunInstances allows a burst of 5; tests that launch more without waiting raise it. */
const LAVISH = { 'run-instances': { capacity: 100, refillPerSecond: 100 } }

describe('instance', () => {
  it('goes pending → running after its drawn latency, with an address from the subnet and the cheapest type', async () => {
    const env = virtualSim()
    const { handlers, ctx, clock, provider } = env
    const { subnet } = await baseNetwork(env)
    const start = clock.now()
    const created = await handlers.instance.create(
      instanceProps(subnet, { publicIp: true, size: 'medium' }),
      ctx('instance', 'web-1'),
    )
    expect(created.ready).toBe(false)
    expect(created.outputs).toMatchObject({
      id: created.id,
      privateAddress: '10.0.1.4',
      zone: 'sim-east-1a',
      state: 'pending',
      machineType: 'g1.medium',
    })
    expect(created.outputs.publicAddress).toMatch(/^198\.1[89]\.\d+\.\d+$/)

    const readyAt = provider.cloud.get(created.id)!.readyAt
    expect(readyAt - start).toBeGreaterThanOrEqual(24_000)
    expect(readyAt - start).toBeLessThanOrEqual(36_000)

    await clock.sleep(readyAt - clock.now() - 1)
    const before = await handlers.instance.read(created.id, ctx('instance', 'web-1'))
    expect([before?.status, before?.outputs.state]).toEqual(['pending', 'pending'])
    await clock.sleep(1)
    const after = await handlers.instance.read(created.id, ctx('instance', 'web-1'))
    expect([after?.status, after?.outputs.state]).toEqual(['ready', 'running'])
    expect(after?.props).toEqual({
      size: 'medium',
      image: 'ubuntu-24.04',
      subnet,
      firewalls: [],
      publicIp: true,
      tags: {},
    })

    const second = await handlers.instance.create(instanceProps(subnet), ctx('instance', 'web-2'))
    expect(second.outputs.privateAddress).toBe('10.0.1.5')
    expect(second.outputs.machineType).toBe('g1.small')
    expect(second.outputs.publicAddress).toBeUndefined()
  })

  it('draws the same latencies from the same seed, and different ones from another seed', async () => {
    const readyTimes = async (seed: number) => {
      const env = virtualSim({ seed })
      const { subnet } = await baseNetwork(env)
      const times: number[] = []
      for (const name of ['a', 'b', 'c']) {
        const created = await env.handlers.instance.create(instanceProps(subnet), env.ctx('instance', name))
        times.push(env.provider.cloud.get(created.id)!.readyAt - env.clock.now())
      }
      return times
    }
    const first = await readyTimes(7)
    expect(await readyTimes(7)).toEqual(first)
    expect(await readyTimes(8)).not.toEqual(first)
    expect(new Set(first).size).toBe(3)
  })

  it('stops, starts and reboots through actions, waiting for each transition', async () => {
    const env = virtualSim({
      latency: { provision: { instance: { meanMs: 10_000 } }, deletion: { instance: { meanMs: 4_000 } } },
    })
    const { handlers, ctx, clock } = env
    const { subnet } = await baseNetwork(env)
    const vm = await handlers.instance.create(instanceProps(subnet), ctx('instance', 'vm'))
    await clock.sleep(10_000)
    const actions = handlers.instance.actions!

    let at = clock.now()
    expect(await actions.stop!(vm.id, ctx('instance', 'vm'))).toEqual({ state: 'stopped' })
    expect(clock.now() - at).toBe(4_000)
    expect(env.provider.cloud.vcpusInUse()).toBe(0)

    expect(
      await actions.reboot!(vm.id, ctx('instance', 'vm')).catch((error: Error) => error.message),
    ).toMatch(/cannot reboot instance .* while it is stopped/)

    at = clock.now()
    expect(await actions.start!(vm.id, ctx('instance', 'vm'))).toEqual({ state: 'running' })
    expect(clock.now() - at).toBe(10_000)
    expect(await actions.reboot!(vm.id, ctx('instance', 'vm'))).toEqual({ state: 'running' })

    // wait: false answers at once with the transitional state.
    expect(await actions.stop!(vm.id, ctx('instance', 'vm'), { wait: false })).toEqual({ state: 'stopping' })
    const conflict = await failure(() => actions.start!(vm.id, ctx('instance', 'vm')))
    expect([conflict.classification, conflict.cloudCode]).toEqual(['conflict', 'IncorrectInstanceState'])
  })

  it('resizes in place by stopping, modifying and starting, taking two extra API tokens', async () => {
    const env = virtualSim({
      latency: { provision: { instance: { meanMs: 10_000 } }, deletion: { instance: { meanMs: 4_000 } } },
    })
    const { handlers, ctx, clock, provider } = env
    const { subnet } = await baseNetwork(env)
    const vm = await handlers.instance.create(instanceProps(subnet), ctx('instance', 'vm'))
    await clock.sleep(10_000)
    const acquired: string[] = []
    const context = { ...ctx('instance', 'vm'), acquire: async (scope: string) => void acquired.push(scope) }
    const at = clock.now()
    const result = await handlers.instance.update(
      vm.id,
      {
        current: { props: instanceProps(subnet), outputs: vm.outputs },
        desired: instanceProps(subnet, { size: 'large' }),
        changed: ['size'],
      },
      context,
    )
    expect(clock.now() - at).toBe(4_000)
    expect(result.ready).toBe(false)
    expect(result.outputs).toMatchObject({ state: 'pending', machineType: 'g1.xlarge' })
    expect(acquired).toEqual(['mutate', 'mutate'])
    expect(provider.cloud.stats().actions).toMatchObject({
      StopInstances: 1,
      ModifyInstanceAttribute: 1,
      StartInstances: 1,
    })
    await clock.sleep(10_000)
    const read = await handlers.instance.read(vm.id, ctx('instance', 'vm'))
    expect([read?.status, read?.outputs.state, read?.props.size]).toEqual(['ready', 'running', 'large'])
  })

  it('changes firewalls and tags in place with one call each, and refuses replace-only fields', async () => {
    const env = virtualSim()
    const { handlers, ctx, clock } = env
    const { subnet, network } = await baseNetwork(env)
    const fw = await handlers.firewall.create(firewallProps(network), ctx('firewall', 'web'))
    const vm = await handlers.instance.create(
      instanceProps(subnet, { tags: { a: '1' } }),
      ctx('instance', 'vm'),
    )
    await clock.sleep(40_000)
    const acquired: string[] = []
    const context = { ...ctx('instance', 'vm'), acquire: async (scope: string) => void acquired.push(scope) }
    const current = { props: instanceProps(subnet, { tags: { a: '1' } }), outputs: vm.outputs }
    const result = await handlers.instance.update(
      vm.id,
      {
        current,
        desired: instanceProps(subnet, { firewalls: [fw.id], tags: { b: '2' } }),
        changed: ['firewalls', 'tags'],
      },
      context,
    )
    expect(result.ready).toBe(true)
    expect(acquired).toEqual(['mutate'])
    const read = await handlers.instance.read(vm.id, ctx('instance', 'vm'))
    expect(read?.props).toMatchObject({ firewalls: [fw.id], tags: { b: '2' } })

    const replaced = await failure(() =>
      handlers.instance.update(
        vm.id,
        { current, desired: instanceProps(subnet, { image: 'debian-12' }), changed: ['image'] },
        ctx('instance', 'vm'),
      ),
    )
    expect(replaced.classification).toBe('invalid')
    expect(replaced.message).toMatch(/cannot change image in place; replace it instead/)
  })

  it('refuses launches the cloud cannot do: unknown image, missing subnet, wrong zone, foreign firewall, no such size', async () => {
    const env = virtualSim({ rateLimits: LAVISH })
    const { handlers, ctx, clock } = env
    const { subnet } = await baseNetwork(env)
    const other = await handlers.network.create(networkProps('10.1.0.0/16'), ctx('network', 'other'))
    const foreign = await handlers.firewall.create(firewallProps(other.id), ctx('firewall', 'foreign'))
    await clock.sleep(2_000)

    const cases = [
      [instanceProps(subnet, { image: 'ami-123' }), 'InvalidImageID.NotFound'],
      [instanceProps('subnet-00000404'), 'InvalidSubnetID.NotFound'],
      [instanceProps(subnet, { zone: 'sim-east-1b' }), 'InvalidParameterValue'],
      [instanceProps(subnet, { firewalls: [foreign.id] }), 'InvalidParameterValue'],
      [instanceProps(subnet, { size: { cpus: 512, memoryGiB: 4 } }), 'InvalidParameterValue'],
      [instanceProps(subnet, { image: 'windows-2022', diskGiB: 10 }), 'InvalidParameterValue'],
    ] as const
    for (const [props, code] of cases) {
      const error = await failure(() => handlers.instance.create(props, ctx('instance', 'bad')))
      expect([error.classification, error.cloudCode]).toEqual(['invalid', code])
    }
  })

  it('reports unknown images, impossible sizes and short disks at plan time', async () => {
    const { handlers } = virtualSim()
    const issues = await handlers.instance.check!(
      instanceProps('subnet-1', { image: 'gentoo', size: { cpus: 500, memoryGiB: 1 }, zone: 'x-1a' }),
      {},
    )
    expect(issues.map((issue) => issue.path).sort()).toEqual(['image', 'size', 'zone'])
    const disk = await handlers.instance.check!(
      instanceProps('subnet-1', { image: 'rhel-9', diskGiB: 5 }),
      {},
    )
    expect(disk).toEqual([expect.objectContaining({ path: 'diskGiB' })])
    expect(await handlers.instance.check!(instanceProps('subnet-1'), {})).toEqual([])
  })

  it('fails with class quota past the region vCPU quota and past the instances-per-subnet quota', async () => {
    const env = virtualSim({ quotas: { vcpusPerRegion: 4 }, rateLimits: LAVISH })
    const { handlers, ctx } = env
    const { subnet } = await baseNetwork(env)
    await handlers.instance.create(instanceProps(subnet, { size: 'medium' }), ctx('instance', 'a'))
    const vcpus = await failure(() =>
      handlers.instance.create(instanceProps(subnet, { size: 'large' }), ctx('instance', 'b')),
    )
    expect([vcpus.classification, vcpus.cloudCode]).toEqual(['quota', 'VcpuLimitExceeded'])
    expect(vcpus.message).toMatch(
      /allows 4 vCPUs of running instances; 2 are in use and this request needs 4 more/,
    )

    const crowded = virtualSim({ quotas: { instancesPerSubnet: 2 }, rateLimits: LAVISH })
    const small = await baseNetwork(crowded)
    await crowded.handlers.instance.create(instanceProps(small.subnet), crowded.ctx('instance', 'c'))
    await crowded.handlers.instance.create(instanceProps(small.subnet), crowded.ctx('instance', 'd'))
    const room = await failure(() =>
      crowded.handlers.instance.create(instanceProps(small.subnet), crowded.ctx('instance', 'e')),
    )
    expect([room.classification, room.cloudCode]).toEqual(['quota', 'SubnetInstanceLimitExceeded'])
    expect(room.message).toMatch(/allows 2 instances; it has 2/)
  })

  it('runs out of addresses in a small subnet with class quota', async () => {
    const env = virtualSim({ rateLimits: LAVISH })
    const { handlers, ctx, clock } = env
    const net = await handlers.network.create(networkProps(), ctx('network', 'net'))
    const tiny = await handlers.subnet.create(subnetProps(net.id, '10.0.9.0/28'), ctx('subnet', 'tiny'))
    await clock.sleep(3_000)
    // A /28 has 16 addresses; 5 are reserved.
    for (let index = 0; index < 11; index++) {
      await handlers.instance.create(instanceProps(tiny.id), ctx('instance', `vm-${index}`))
    }
    const full = await failure(() =>
      handlers.instance.create(instanceProps(tiny.id), ctx('instance', 'one-more')),
    )
    expect([full.classification, full.cloudCode]).toEqual(['quota', 'InsufficientFreeAddressesInSubnet'])
  })

  it('terminates: the delete waits until the instance is gone and frees its address and vCPUs', async () => {
    const env = virtualSim()
    const { handlers, ctx, clock, provider } = env
    const { subnet } = await baseNetwork(env)
    const vm = await handlers.instance.create(instanceProps(subnet), ctx('instance', 'vm'))
    await clock.sleep(40_000)
    expect(provider.cloud.vcpusInUse()).toBe(1)
    const at = clock.now()
    const deleting = handlers.instance.delete(
      vm.id,
      { props: instanceProps(subnet), outputs: vm.outputs },
      ctx('instance', 'vm'),
    )
    await clock.sleep(1)
    expect(provider.cloud.get(vm.id)?.status).toBe('deleting')
    expect(provider.cloud.get(vm.id)?.outputs.state).toBe('terminated')
    expect(await handlers.instance.read(vm.id, ctx('instance', 'vm'))).toBeUndefined()
    await deleting
    expect(clock.now() - at).toBeGreaterThanOrEqual(12_000)
    expect(provider.cloud.get(vm.id)).toBeUndefined()
    expect(provider.cloud.vcpusInUse()).toBe(0)
    expect(provider.cloud.stats().scopes['terminate-instances'].calls).toBe(1)
    const next = await handlers.instance.create(instanceProps(subnet), ctx('instance', 'vm-2'))
    expect(next.outputs.privateAddress).toBe('10.0.1.4')
  })
})
