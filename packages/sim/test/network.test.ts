import { describe, expect, it } from 'vitest'
import { failure, firewallProps, instanceProps, networkProps, subnetProps, virtualSim } from './helpers.js'

describe('network', () => {
  it('provisions for about 2 s, then reads back its props, user tags and outputs', async () => {
    const env = virtualSim()
    const { handlers, ctx, clock } = env
    const created = await handlers.network.create(
      networkProps('10.0.0.0/16', { team: 'web' }),
      ctx('network', 'net'),
    )
    expect(created.ready).toBe(false)
    expect(created.id).toMatch(/^net-[0-9a-f]{8}$/)
    expect(created.outputs).toEqual({ id: created.id, cidr: '10.0.0.0/16' })

    await clock.sleep(600)
    const pending = await handlers.network.read(created.id, ctx('network', 'net'))
    expect(pending?.status).toBe('pending')

    await clock.sleep(2_000)
    const ready = await handlers.network.read(created.id, ctx('network', 'net'))
    expect(ready?.status).toBe('ready')
    // Ownership tags are stored but not part of the observed props.
    expect(ready?.props).toEqual({ cidr: '10.0.0.0/16', tags: { team: 'web' } })
    const stored = env.provider.cloud.get(created.id)
    expect(stored?.tags).toEqual({ team: 'web', 'skyloom-stack': 'web', 'skyloom-urn': 'web/network/net' })
  })

  it('updates tags in place and refuses an in-place CIDR change', async () => {
    const { handlers, ctx, clock } = virtualSim()
    const net = await handlers.network.create(networkProps('10.0.0.0/16', { a: '1' }), ctx('network', 'net'))
    await clock.sleep(3_000)
    const current = { props: networkProps('10.0.0.0/16', { a: '1' }), outputs: net.outputs }
    const updated = await handlers.network.update(
      net.id,
      { current, desired: networkProps('10.0.0.0/16', { b: '2' }), changed: ['tags'] },
      ctx('network', 'net'),
    )
    expect(updated.ready).toBe(true)
    expect((await handlers.network.read(net.id, ctx('network', 'net')))?.props.tags).toEqual({ b: '2' })

    const refused = await failure(() =>
      handlers.network.update(
        net.id,
        { current, desired: networkProps('10.1.0.0/16'), changed: ['cidr'] },
        ctx('network', 'net'),
      ),
    )
    expect(refused.classification).toBe('invalid')
    expect(refused.message).toMatch(/cannot change cidr in place/)
  })

  it('refuses CIDRs a network cannot have', async () => {
    const { handlers, ctx } = virtualSim()
    const tooBig = await failure(() =>
      handlers.network.create(networkProps('10.0.0.0/8'), ctx('network', 'big')),
    )
    expect(tooBig.classification).toBe('invalid')
    expect(tooBig.cloudCode).toBe('InvalidNetwork.Range')
  })

  it('refuses deleting a network that still has subnets or firewalls (conflict), then deletes it once they are gone', async () => {
    const { handlers, ctx, clock, provider } = virtualSim()
    const net = await handlers.network.create(networkProps(), ctx('network', 'net'))
    const sub = await handlers.subnet.create(subnetProps(net.id), ctx('subnet', 'a'))
    const fw = await handlers.firewall.create(firewallProps(net.id), ctx('firewall', 'web'))
    await clock.sleep(3_000)

    const blocked = await failure(() =>
      handlers.network.delete(net.id, { props: networkProps(), outputs: net.outputs }, ctx('network', 'net')),
    )
    expect(blocked.classification).toBe('conflict')
    expect(blocked.cloudCode).toBe('DependencyViolation')
    expect(blocked.message).toContain(sub.id)
    expect(blocked.message).toContain(fw.id)

    await handlers.subnet.delete(
      sub.id,
      { props: subnetProps(net.id), outputs: sub.outputs },
      ctx('subnet', 'a'),
    )
    await handlers.firewall.delete(
      fw.id,
      { props: firewallProps(net.id), outputs: fw.outputs },
      ctx('firewall', 'web'),
    )
    const started = clock.now()
    await handlers.network.delete(
      net.id,
      { props: networkProps(), outputs: net.outputs },
      ctx('network', 'net'),
    )
    // The delete returns once the network is gone: its deletion latency (1 s ± 0.2 s) has passed.
    expect(clock.now() - started).toBeGreaterThanOrEqual(800)
    expect(clock.now() - started).toBeLessThanOrEqual(1_200)
    expect(provider.cloud.get(net.id)).toBeUndefined()
    expect(await handlers.network.read(net.id, ctx('network', 'net'))).toBeUndefined()

    const again = await failure(() =>
      handlers.network.delete(net.id, { props: networkProps(), outputs: net.outputs }, ctx('network', 'net')),
    )
    expect(again.classification).toBe('not-found')
  })
})

describe('subnet', () => {
  it('takes the first zone by default, stays inside its network and gets public updated in place', async () => {
    const { handlers, ctx, clock } = virtualSim()
    const net = await handlers.network.create(networkProps(), ctx('network', 'net'))
    const sub = await handlers.subnet.create(subnetProps(net.id, '10.0.1.0/24'), ctx('subnet', 'a'))
    expect(sub.outputs).toEqual({ id: sub.id, cidr: '10.0.1.0/24', zone: 'sim-east-1a' })
    const zoned = await handlers.subnet.create(
      subnetProps(net.id, '10.0.2.0/24', { zone: 'sim-east-1c' }),
      ctx('subnet', 'c'),
    )
    expect(zoned.outputs.zone).toBe('sim-east-1c')
    await clock.sleep(2_000)

    const updated = await handlers.subnet.update(
      sub.id,
      {
        current: { props: subnetProps(net.id, '10.0.1.0/24'), outputs: sub.outputs },
        desired: subnetProps(net.id, '10.0.1.0/24', { public: true }),
        changed: ['public'],
      },
      ctx('subnet', 'a'),
    )
    expect(updated.id).toBe(sub.id)
    expect((await handlers.subnet.read(sub.id, ctx('subnet', 'a')))?.props.public).toBe(true)
  })

  it('validates like a cloud: missing network, outside the network, overlap, unknown zone', async () => {
    const { handlers, ctx } = virtualSim()
    const net = await handlers.network.create(networkProps('10.0.0.0/16'), ctx('network', 'net'))
    await handlers.subnet.create(subnetProps(net.id, '10.0.1.0/24'), ctx('subnet', 'a'))

    const missing = await failure(() => handlers.subnet.create(subnetProps('net-404'), ctx('subnet', 'x')))
    expect([missing.classification, missing.cloudCode]).toEqual(['invalid', 'InvalidNetworkID.NotFound'])

    const outside = await failure(() =>
      handlers.subnet.create(subnetProps(net.id, '172.16.0.0/24'), ctx('subnet', 'y')),
    )
    expect([outside.classification, outside.cloudCode]).toEqual(['invalid', 'InvalidSubnet.Range'])
    expect(outside.message).toMatch(/not inside network/)

    const overlap = await failure(() =>
      handlers.subnet.create(subnetProps(net.id, '10.0.1.0/25'), ctx('subnet', 'z')),
    )
    expect([overlap.classification, overlap.cloudCode]).toEqual(['invalid', 'InvalidSubnet.Conflict'])

    const zone = await failure(() =>
      handlers.subnet.create(subnetProps(net.id, '10.0.3.0/24', { zone: 'sim-west-1a' }), ctx('subnet', 'w')),
    )
    expect([zone.classification, zone.cloudCode]).toEqual(['invalid', 'InvalidZone'])
  })

  it('reports a zone outside the region at plan time', async () => {
    const { handlers } = virtualSim()
    const issues = await handlers.subnet.check?.(
      subnetProps('net-1', '10.0.1.0/24', { zone: 'elsewhere-1a' }),
      {},
    )
    expect(issues).toEqual([expect.objectContaining({ path: 'zone', severity: 'error' })])
  })

  it('refuses deleting a subnet that still has instances (conflict)', async () => {
    const { handlers, ctx, clock } = virtualSim()
    const net = await handlers.network.create(networkProps(), ctx('network', 'net'))
    const sub = await handlers.subnet.create(subnetProps(net.id), ctx('subnet', 'a'))
    await clock.sleep(3_000)
    const vm = await handlers.instance.create(instanceProps(sub.id), ctx('instance', 'vm'))
    const blocked = await failure(() =>
      handlers.subnet.delete(
        sub.id,
        { props: subnetProps(net.id), outputs: sub.outputs },
        ctx('subnet', 'a'),
      ),
    )
    expect(blocked.classification).toBe('conflict')
    expect(blocked.message).toContain(vm.id)
  })
})

describe('firewall', () => {
  it('creates, updates its rules in place, and refuses deletion while an instance uses it', async () => {
    const { handlers, ctx, clock } = virtualSim()
    const net = await handlers.network.create(networkProps(), ctx('network', 'net'))
    const sub = await handlers.subnet.create(subnetProps(net.id), ctx('subnet', 'a'))
    const fw = await handlers.firewall.create(firewallProps(net.id), ctx('firewall', 'web'))
    expect(fw.outputs).toEqual({ id: fw.id })
    await clock.sleep(3_000)
    expect((await handlers.firewall.read(fw.id, ctx('firewall', 'web')))?.status).toBe('ready')

    const ssh = { protocol: 'tcp' as const, ports: { from: 22, to: 22 }, cidrs: ['10.0.0.0/8'] }
    await handlers.firewall.update(
      fw.id,
      {
        current: { props: firewallProps(net.id), outputs: fw.outputs },
        desired: firewallProps(net.id, { ingress: [ssh] }),
        changed: ['ingress'],
      },
      ctx('firewall', 'web'),
    )
    expect((await handlers.firewall.read(fw.id, ctx('firewall', 'web')))?.props.ingress).toEqual([ssh])

    const vm = await handlers.instance.create(
      instanceProps(sub.id, { firewalls: [fw.id] }),
      ctx('instance', 'vm'),
    )
    const blocked = await failure(() =>
      handlers.firewall.delete(
        fw.id,
        { props: firewallProps(net.id), outputs: fw.outputs },
        ctx('firewall', 'web'),
      ),
    )
    expect(blocked.classification).toBe('conflict')
    expect(blocked.message).toContain(vm.id)
  })

  it('refuses a firewall on a network that does not exist', async () => {
    const { handlers, ctx } = virtualSim()
    const error = await failure(() =>
      handlers.firewall.create(firewallProps('net-00000099'), ctx('firewall', 'x')),
    )
    expect(error.classification).toBe('invalid')
    expect(error.message).toMatch(/does not exist/)
  })
})
