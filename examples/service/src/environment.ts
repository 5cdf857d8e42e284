import { createStack, instance, network, type ProviderV1, subnet } from '@skyloom/core'

/** What a client may ask for: an environment name and how many app servers. */
export interface EnvironmentRequest {
  readonly name: string
  readonly servers: number
}

/** The stack of one environment: its own network, subnet and app servers. */
export function environmentStack(provider: ProviderV1, request: EnvironmentRequest) {
  const stack = createStack(`env-${request.name}`, { provider, tags: { environment: request.name } })
  const net = stack.add(network('net', { cidr: '10.20.0.0/16' }))
  const sub = stack.add(subnet('app', { network: net.out.id, cidr: '10.20.1.0/24' }))
  for (let index = 1; index <= request.servers; index++) {
    stack.add(instance(`app-${index}`, { size: 'small', image: 'ubuntu-24.04', subnet: sub.out.id }))
  }
  return stack
}
