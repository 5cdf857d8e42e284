import type { AwsProvider } from '@skyloom/aws'
import { createStack, firewall, instance, instanceGroup, network, type Stack, subnet } from '@skyloom/core'

export const STACK_NAME = 'aws-web-tier'

/**
 * The web tier, in neutral kinds: a VPC with a public subnet (internet gateway and route table
 * come with it) and a private one, one security group, two web servers with public addresses in
 * the public subnet, and an Auto Scaling group of app servers in the private subnet. Both
 * subnets are in the region's first zone (the provider's default), so it runs in any region.
 */
export function webTier(aws: AwsProvider): Stack {
  const stack = createStack(STACK_NAME, { provider: aws })
  const vpc = stack.add(network('vpc', { cidr: '10.42.0.0/16', tags: { app: 'web-tier' } }))
  const pub = stack.add(subnet('public', { network: vpc.out.id, cidr: '10.42.1.0/24', public: true }))
  const priv = stack.add(subnet('private', { network: vpc.out.id, cidr: '10.42.2.0/24' }))
  const web = stack.add(
    firewall('web', {
      network: vpc.out.id,
      ingress: [
        { ports: 80, from: '0.0.0.0/0', description: 'http' },
        { ports: 443, from: '0.0.0.0/0', description: 'https' },
        // The app servers listen on 8080 for the web servers only.
        { ports: 8080, from: '10.42.1.0/24', description: 'app from the public subnet' },
      ],
    }),
  )
  for (const name of ['web-1', 'web-2']) {
    stack.add(
      instance(name, {
        size: 'small',
        image: 'ubuntu-24.04',
        subnet: pub.out.id,
        firewalls: [web.out.id],
        publicIp: true,
        tags: { role: 'web' },
      }),
    )
  }
  stack.add(
    instanceGroup('app', {
      size: 'small',
      image: 'ubuntu-24.04',
      subnets: [priv.out.id],
      firewalls: [web.out.id],
      min: 1,
      max: 4,
      desired: 2,
      tags: { role: 'app' },
    }),
  )
  return stack
}
