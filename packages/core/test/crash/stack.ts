import { createStack, firewall, instance, network, type Stack, subnet, volume } from '../../src/index.js'
import { createMockProvider, MockCloud } from '../../src/testing.js'

/**
 * The 50-resource stack of the crash test, in two variants so that successive runs create,
 * update, replace and delete: variant B resizes some instances (updates), changes the image of
 * others (replacements), drops a few and adds others.
 */
export function crashStack(cloudFile: string, variant: 'a' | 'b', latencyMs: number): Stack {
  const provider = createMockProvider({ cloud: new MockCloud({ file: cloudFile }), latencyMs })
  const stack = createStack('crash', { provider })
  const net = stack.add(network('net', { cidr: '10.0.0.0/16' }))
  const fw = stack.add(firewall('fw', { network: net.out.id, ingress: [{ ports: 443, from: '0.0.0.0/0' }] }))
  const subnets = [0, 1, 2, 3].map((index) =>
    stack.add(subnet(`sub-${index}`, { network: net.out.id, cidr: `10.0.${index}.0/24` })),
  )
  // 2 + 4 = 6 so far; 22 instances and 22 volumes make 50.
  for (let index = 0; index < 22; index++) {
    const dropped = variant === 'b' && index >= 18
    const name = dropped ? `vm-extra-${index}` : `vm-${index}`
    const vm = stack.add(
      instance(name, {
        size: variant === 'b' && index % 3 === 0 ? 'medium' : 'small',
        image: variant === 'b' && index % 5 === 1 ? 'debian-12' : 'ubuntu-24.04',
        subnet: subnets[index % 4]!.out.id,
        firewalls: [fw.out.id],
      }),
    )
    stack.add(
      volume(`${name}-data`, {
        sizeGiB: 10 + (variant === 'b' && index % 4 === 2 ? 5 : 0),
        attachTo: vm.out.id,
      }),
    )
  }
  return stack
}
