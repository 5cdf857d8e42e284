/**
 * A stack module for `skyloom`: a web tier on the simulated cloud, on virtual time, with the
 * cloud kept in .sim-cloud.json so that successive commands see the same cloud.
 *
 *   pnpm --filter @skyloom/example-cli skyloom plan web.stack.ts
 *   pnpm --filter @skyloom/example-cli skyloom apply web.stack.ts --yes
 *   WEB_COUNT=4 pnpm --filter @skyloom/example-cli skyloom apply web.stack.ts --yes
 *   pnpm --filter @skyloom/example-cli skyloom destroy web.stack.ts --yes
 */
import { join } from 'node:path'
import type { StackModuleContext } from '@skyloom/cli'
import { createStack, firewall, instance, network, subnet } from '@skyloom/core'
import { createSim, type SimProvider } from '@skyloom/sim'

let provider: SimProvider

export default function webStack({ cwd, env }: StackModuleContext) {
  provider = createSim({ virtualTime: true, seed: 7, stateFile: join(cwd, '.sim-cloud.json') })
  const stack = createStack('web', { provider, tags: { team: 'platform' } })
  const net = stack.add(network('net', { cidr: '10.0.0.0/16' }))
  const sub = stack.add(subnet('a', { network: net.out.id, cidr: '10.0.1.0/24' }))
  const fw = stack.add(firewall('web', { network: net.out.id, ingress: [{ ports: 443, from: '0.0.0.0/0' }] }))
  for (let index = 1; index <= Number(env.WEB_COUNT ?? 2); index++) {
    stack.add(
      instance(`web-${index}`, {
        size: 'small',
        image: 'ubuntu-24.04',
        subnet: sub.out.id,
        firewalls: [fw.out.id],
      }),
    )
  }
  return stack
}

// The engine runs on the sim's clock (called after the stack is made).
export const engine = () => ({ clock: provider.clock })
