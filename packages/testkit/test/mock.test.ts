import { createMockProvider } from '@skyloom/core/testing'
import { testProvider } from '../src/index.js'

// The core's mock provider is the reference the kit is checked against: it must pass.
testProvider({
  name: 'mock provider conformance',
  kinds: ['network', 'subnet', 'firewall', 'instance', 'volume'],
  setup: () => {
    const provider = createMockProvider({
      readyAfterMs: 30,
      limits: { scopes: { api: { capacity: 100, refillPerSecond: 100 } } },
    })
    return {
      provider: {
        ...provider,
        classifyError: () => ({ class: 'fatal' as const }),
      },
      fixtures: {
        network: {
          create: { cidr: '10.0.0.0/16' },
          update: { props: { cidr: '10.0.0.0/16', tags: { team: 'a' } }, changed: ['tags'] },
          replace: { cidr: '10.1.0.0/16' },
        },
        subnet: {
          create: { network: 'net-1', cidr: '10.0.1.0/24' },
          update: { props: { network: 'net-1', cidr: '10.0.1.0/24', public: true }, changed: ['public'] },
          replace: { network: 'net-1', cidr: '10.0.2.0/24' },
        },
        firewall: {
          create: { network: 'net-1', ingress: [{ ports: 22, from: '10.0.0.0/8' }] },
          update: {
            props: { network: 'net-1', ingress: [{ ports: 443, from: '0.0.0.0/0' }] },
            changed: ['ingress'],
          },
          replace: { network: 'net-2' },
        },
        instance: {
          create: { size: 'small', image: 'debian-12', subnet: 'subnet-1' },
          update: { props: { size: 'medium', image: 'debian-12', subnet: 'subnet-1' }, changed: ['size'] },
          replace: { size: 'small', image: 'ubuntu-24.04', subnet: 'subnet-1' },
        },
        volume: {
          create: { sizeGiB: 10 },
          update: { props: { sizeGiB: 20 }, changed: ['sizeGiB'] },
          replace: { sizeGiB: 10, zone: 'elsewhere' },
        },
      },
      async mutateOutOfBand(_kind, id) {
        provider.cloud.mutate(id, { tags: { edited: 'by-hand' } })
        return 'tags'
      },
    }
  },
})
