import { createStack, firewall, instance, network, type ProviderV1, subnet, volume } from '@skyloom/core'

/** A stack of `total` resources: networks with a firewall, 100 subnets each, 4 instances with a volume per subnet. */
export function buildStack(total: number, provider: ProviderV1) {
  const stack = createStack('bench', { provider })
  let count = 0
  let net = 0
  while (count < total) {
    const network_ = stack.add(network(`net-${net}`, { cidr: `10.${net}.0.0/16` }))
    const fw = stack.add(
      firewall(`fw-${net}`, { network: network_.out.id, ingress: [{ ports: 443, from: '0.0.0.0/0' }] }),
    )
    count += 2
    for (let s = 0; s < 100 && count < total; s++) {
      const sub = stack.add(
        subnet(`sub-${net}-${s}`, { network: network_.out.id, cidr: `10.${net}.${s}.0/24` }),
      )
      count++
      for (let i = 0; i < 4 && count < total; i++) {
        const vm = stack.add(
          instance(`vm-${net}-${s}-${i}`, {
            size: 'small',
            image: 'debian-12',
            subnet: sub.out.id,
            firewalls: [fw.out.id],
          }),
        )
        count++
        if (count < total) {
          stack.add(volume(`vol-${net}-${s}-${i}`, { sizeGiB: 20, attachTo: vm.out.id }))
          count++
        }
      }
    }
    net++
  }
  return stack
}
