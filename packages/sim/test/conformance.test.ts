import { createEngine, createStack, instance, memoryState, network, subnet } from '@skyloom/core'
import { testContext } from '@skyloom/core/testing'
import { testProvider } from '@skyloom/testkit'
import { createSim } from '../src/index.js'

testProvider({
  name: 'sim conformance',
  kinds: ['network', 'subnet', 'firewall', 'instance', 'volume', 'instance-group'],
  async setup() {
    const sim = createSim({ virtualTime: true, seed: 11 })
    // The fixtures point at a network, a subnet and an instance made beforehand.
    const deps = createStack('kit-deps', { provider: sim })
    const net = deps.add(network('net', { cidr: '10.50.0.0/16' }))
    deps.add(network('other', { cidr: '10.51.0.0/16' }))
    const sub = deps.add(subnet('sub', { network: net.out.id, cidr: '10.50.1.0/24', zone: 'sim-east-1a' }))
    deps.add(instance('host', { size: 'small', image: 'ubuntu-24.04', subnet: sub.out.id }))
    const engine = createEngine({ state: memoryState(), clock: sim.clock })
    const made = await engine.up(deps)
    if (!made.ok) throw new Error('could not create the fixtures’ dependencies')
    const id = (urn: string) => String(made.outputs[urn]!.id)
    const [netId, otherId, subId] = [
      id('kit-deps/network/net'),
      id('kit-deps/network/other'),
      id('kit-deps/subnet/sub'),
    ]
    const vm = { size: 'small', image: 'ubuntu-24.04', subnet: subId }
    return {
      provider: sim,
      clock: sim.clock,
      fixtures: {
        network: {
          create: { cidr: '10.60.0.0/16' },
          update: { props: { cidr: '10.60.0.0/16', tags: { team: 'kit' } }, changed: ['tags'] },
          replace: { cidr: '10.61.0.0/16' },
        },
        subnet: {
          create: { network: netId, cidr: '10.50.2.0/24' },
          update: {
            props: { network: netId, cidr: '10.50.2.0/24', tags: { team: 'kit' } },
            changed: ['tags'],
          },
          replace: { network: netId, cidr: '10.50.3.0/24' },
        },
        firewall: {
          create: { network: netId, ingress: [{ ports: 443, from: '0.0.0.0/0' }] },
          update: {
            props: { network: netId, ingress: [{ ports: [80, 443], from: '0.0.0.0/0' }] },
            changed: ['ingress'],
          },
          replace: { network: otherId, ingress: [{ ports: 443, from: '0.0.0.0/0' }] },
        },
        instance: {
          create: vm,
          update: { props: { ...vm, size: 'medium' }, changed: ['size'] },
          replace: { ...vm, image: 'debian-12' },
        },
        volume: {
          create: { sizeGiB: 20, zone: 'sim-east-1a' },
          update: { props: { sizeGiB: 40, zone: 'sim-east-1a' }, changed: ['sizeGiB'] },
          replace: { sizeGiB: 40, zone: 'sim-east-1b' },
        },
        'instance-group': {
          create: { size: 'small', image: 'ubuntu-24.04', subnets: [subId], min: 1, max: 4, desired: 2 },
          update: {
            props: { size: 'small', image: 'ubuntu-24.04', subnets: [subId], min: 1, max: 4, desired: 3 },
            changed: ['desired'],
          },
        },
      },
      async mutateOutOfBand(_kind, resourceId) {
        sim.cloud.mutate(resourceId, { tags: { changed: 'by-hand' } })
        return 'tags'
      },
      async throttle() {
        // A cloud whose describe bucket holds one call: the second read is throttled.
        const tight = createSim({
          virtualTime: true,
          rateLimits: { describe: { capacity: 1, refillPerSecond: 0.5 } },
        })
        const handler = tight.kinds.network!
        const ctx = testContext({ clock: tight.clock, kind: 'network' })
        await handler.readMany!(['net-x'], ctx)
        await handler.readMany!(['net-x'], ctx)
      },
    }
  },
})
