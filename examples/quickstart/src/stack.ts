import {
  createStack,
  firewall,
  instance,
  network,
  type ProviderV1,
  secret,
  subnet,
  volume,
} from '@skyloom/core'

/**
 * The quickstart's stack: a network with a public and a private subnet, a firewall for HTTPS,
 * `webCount` web servers and a database with a data volume.
 */
export function webStack(provider: ProviderV1, webCount: number) {
  const stack = createStack('quickstart', { provider, tags: { app: 'shop', env: 'dev' } })

  const net = stack.add(network('net', { cidr: '10.0.0.0/16' }))
  const publicSubnet = stack.add(subnet('public', { network: net.out.id, cidr: '10.0.1.0/24', public: true }))
  const privateSubnet = stack.add(subnet('private', { network: net.out.id, cidr: '10.0.2.0/24' }))
  const web = stack.add(
    firewall('web', {
      network: net.out.id,
      ingress: [
        { ports: 443, from: '0.0.0.0/0' },
        { ports: 22, from: '10.0.0.0/16' },
      ],
    }),
  )

  for (let index = 1; index <= webCount; index++) {
    stack.add(
      instance(`web-${index}`, {
        size: 'small',
        image: 'ubuntu-24.04',
        subnet: publicSubnet.out.id,
        firewalls: [web.out.id],
        publicIp: true,
        tags: { role: 'web' },
      }),
    )
  }

  const db = stack.add(
    instance('db', {
      size: 'large',
      image: 'debian-12',
      subnet: privateSubnet.out.id,
      // Secret: shown as (secret) in plans and events, kept only as a fingerprint in the state.
      userData: secret('#!/bin/sh\necho "POSTGRES_PASSWORD=correct-horse" > /etc/db.env'),
      tags: { role: 'db' },
    }),
  )
  stack.add(volume('db-data', { sizeGiB: 100, type: 'ssd', attachTo: db.out.id }, { protect: false }))
  return stack
}
