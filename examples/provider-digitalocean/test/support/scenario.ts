import type { MutationContext } from '@skyloom/core/provider'
import { type Harness, waitReady } from './harness.js'

let nextRange = 0

/** A fresh VPC range per call, so that tests sharing a local server never overlap. */
export function freshCidr(): string {
  nextRange++
  return `10.${(nextRange % 200) + 20}.0.0/16`
}

/** A VPC and a logical subnet in it, as a stack's `network` and `subnet` would make them. */
export async function createNetwork(h: Harness, name = 'net'): Promise<{ vpcId: string; subnetId: string }> {
  const cidr = freshCidr()
  const network = await h.handler('network').create(h.props('network', { cidr }), h.ctx('network', name))
  const subnetCidr = cidr.replace('.0.0/16', '.1.0/24')
  const subnet = await h
    .handler('subnet')
    .create(h.props('subnet', { network: network.id, cidr: subnetCidr }), h.ctx('subnet', `${name}-a`))
  return { vpcId: network.id, subnetId: subnet.id }
}

/** Creates a Droplet and waits until it is active; returns its id, outputs and context. */
export async function createInstance(
  h: Harness,
  name: string,
  input: Record<string, unknown>,
  options: { providerOptions?: Record<string, unknown>; stack?: string } = {},
): Promise<{ id: string; outputs: Record<string, unknown>; ctx: MutationContext }> {
  const ctx = h.ctx('instance', name, options)
  const handler = h.handler('instance')
  const created = await handler.create(
    h.props('instance', { size: 'small', image: 'ubuntu-24.04', ...input }),
    ctx,
  )
  const outputs = await waitReady(handler, created.id, ctx)
  return { id: created.id, outputs, ctx }
}
