import { describe, expect, it } from 'vitest'
import {
  CycleError,
  createStack,
  firewall,
  instance,
  instanceGroup,
  type NetworkOutputs,
  network,
  plan,
  resource,
  subnet,
  ValidationError,
  volume,
} from '../src/index.js'
import type { ProviderV1 } from '../src/provider.js'
import { createMockProvider } from '../src/testing.js'
import { mockStack } from './helpers.js'

/** Plans the stack and returns the ValidationError's issues (fails if planning succeeds). */
async function issuesOf(stack: ReturnType<typeof mockStack>) {
  try {
    await plan(stack, undefined)
  } catch (error) {
    if (ValidationError.isInstance(error)) return error.issues
    throw error
  }
  throw new Error('expected the plan to fail validation')
}

describe('validation', () => {
  it('reports every problem at once, each naming its resource and field', async () => {
    const stack = mockStack()
    stack.add(network('net', { cidr: 'nope' }))
    stack.add(instance('vm', { size: 'huge' as never, image: 'ubuntu-24.04', subnet: 'subnet-1' }))
    const issues = await issuesOf(stack)
    expect(issues.map((issue) => issue.path)).toEqual([
      'web/network/net.props.cidr',
      'web/instance/vm.props.size',
    ])
    expect(issues[1]!.message).toContain('size must be one of small, medium, large, xlarge')
  })

  it('refuses a CIDR with host bits and suggests the right one', async () => {
    const stack = mockStack()
    stack.add(network('net', { cidr: '10.0.0.5/16' }))
    const [issue] = await issuesOf(stack)
    expect(issue!.path).toBe('web/network/net.props.cidr')
    expect(issue!.message).toContain('did you mean 10.0.0.0/16')
  })

  it('refuses a subnet outside its network', async () => {
    const stack = mockStack()
    const net = stack.add(network('net', { cidr: '10.0.0.0/16' }))
    stack.add(subnet('a', { network: net.out.id, cidr: '10.1.0.0/24' }))
    const [issue] = await issuesOf(stack)
    expect(issue).toMatchObject({ path: 'web/subnet/a.props.cidr', rule: 'cidr-outside-network' })
    expect(issue!.message).toContain('web/network/net (10.0.0.0/16)')
  })

  it('refuses overlapping subnets of one network, naming both', async () => {
    const stack = mockStack()
    const net = stack.add(network('net', { cidr: '10.0.0.0/16' }))
    stack.add(subnet('a', { network: net.out.id, cidr: '10.0.0.0/23' }))
    stack.add(subnet('b', { network: net.out.id, cidr: '10.0.1.0/24' }))
    stack.add(subnet('c', { network: net.out.id, cidr: '10.0.2.0/24' }))
    const issues = await issuesOf(stack)
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({ path: 'web/subnet/b.props.cidr', rule: 'cidr-overlap' })
    expect(issues[0]!.message).toContain('web/subnet/a')
  })

  it('allows the same block in two different networks', async () => {
    const stack = mockStack()
    const one = stack.add(network('one', { cidr: '10.0.0.0/16' }))
    const two = stack.add(network('two', { cidr: '10.0.0.0/16' }))
    stack.add(subnet('a', { network: one.out.id, cidr: '10.0.1.0/24' }))
    stack.add(subnet('b', { network: two.out.id, cidr: '10.0.1.0/24' }))
    await expect(plan(stack, undefined)).resolves.toBeDefined()
  })

  it('refuses duplicate names', async () => {
    const stack = mockStack()
    stack.add(network('net', { cidr: '10.0.0.0/16' }))
    stack.add(network('net', { cidr: '10.1.0.0/16' }))
    const [issue] = await issuesOf(stack)
    expect(issue).toMatchObject({ path: 'web/network/net', rule: 'duplicate-name' })
    expect(issue!.message).toContain('declared twice')
  })

  it('refuses invalid resource and stack names', async () => {
    const stack = createStack('my stack', { provider: createMockProvider() })
    stack.add(network('bad/name', { cidr: '10.0.0.0/16' }))
    const issues = await issuesOf(stack)
    expect(issues.map((issue) => issue.rule)).toEqual(['stack-name', 'resource-name'])
    expect(issues[1]!.message).toContain('"bad/name"')
  })

  it('refuses unknown fields instead of dropping them', async () => {
    const stack = mockStack()
    stack.add(network('net', { cidr: '10.0.0.0/16', cidrs: ['x'] } as never))
    const [issue] = await issuesOf(stack)
    expect(issue!.path).toBe('web/network/net.props.cidrs')
    expect(issue!.message).toContain('unknown field "cidrs"')
  })

  it('names a missing required field', async () => {
    const stack = mockStack()
    stack.add(subnet('a', { cidr: '10.0.0.0/24' } as never))
    const [issue] = await issuesOf(stack)
    expect(issue!.path).toBe('web/subnet/a.props.network')
    expect(issue!.message).toContain('required field is missing')
  })

  it('refuses a reference to a resource of another stack', async () => {
    const other = mockStack('other')
    const foreign = other.add(network('net', { cidr: '10.0.0.0/16' }))
    const stack = mockStack()
    stack.add(subnet('a', { network: foreign.out.id, cidr: '10.0.0.0/24' }))
    const [issue] = await issuesOf(stack)
    expect(issue).toMatchObject({ path: 'web/subnet/a.props.network', rule: 'unknown-reference' })
    expect(issue!.message).toContain('belongs to stack "other"')
  })

  it('refuses a reference to a resource never added', async () => {
    const stack = mockStack()
    const ghost = stack.ref<NetworkOutputs>('network', 'ghost')
    stack.add(subnet('a', { network: ghost.out.id, cidr: '10.0.0.0/24' }))
    const [issue] = await issuesOf(stack)
    expect(issue).toMatchObject({ path: 'web/subnet/a.props.network', rule: 'unknown-reference' })
    expect(issue!.message).toContain('web/network/ghost')
  })

  it('refuses a dangling reference to an output the kind does not have', async () => {
    const stack = mockStack()
    const net = stack.add(network('net', { cidr: '10.0.0.0/16' }))
    stack.add(
      subnet('a', { network: (net.out as unknown as Record<string, never>).vpcId!, cidr: '10.0.0.0/24' }),
    )
    const [issue] = await issuesOf(stack)
    expect(issue).toMatchObject({ path: 'web/subnet/a.props.network', rule: 'dangling-reference' })
    expect(issue!.message).toContain('no such output (it has: id, cidr)')
  })

  it('refuses dependsOn naming an unknown resource', async () => {
    const stack = mockStack()
    stack.add(network('net', { cidr: '10.0.0.0/16' }, { dependsOn: ['instance/nope'] }))
    const [issue] = await issuesOf(stack)
    expect(issue).toMatchObject({ path: 'web/network/net.options.dependsOn[0]', rule: 'unknown-dependency' })
  })

  it('prints a cycle as a -> b -> c -> a', async () => {
    const stack = mockStack()
    stack.add(network('a', { cidr: '10.0.0.0/16' }, { dependsOn: ['network/c'] }))
    stack.add(network('b', { cidr: '10.1.0.0/16' }, { dependsOn: ['network/a'] }))
    stack.add(network('c', { cidr: '10.2.0.0/16' }, { dependsOn: ['network/b'] }))
    const error = await plan(stack, undefined).catch((caught: unknown) => caught)
    expect(CycleError.isInstance(error)).toBe(true)
    expect(ValidationError.isInstance(error)).toBe(true)
    const cycle = (error as CycleError).cycle
    expect(cycle).toHaveLength(4)
    expect(cycle[0]).toBe(cycle[3])
    expect((error as Error).message).toMatch(
      /web\/network\/\w -> web\/network\/\w -> web\/network\/\w -> web\/network\/\w/,
    )
  })

  it('refuses a kind the provider does not handle, listing what it handles', async () => {
    const stack = mockStack('web', createMockProvider({ kinds: ['network', 'instance'] }))
    stack.add(volume('data', { sizeGiB: 10 }))
    const [issue] = await issuesOf(stack)
    expect(issue).toMatchObject({ path: 'web/volume/data', rule: 'unsupported-kind' })
    expect(issue!.message).toContain('handles: network, instance')
  })

  it('reports provider check errors with their field and keeps warnings in the plan', async () => {
    const base = createMockProvider()
    const provider: ProviderV1 = {
      ...base,
      kinds: {
        ...base.kinds,
        instance: {
          ...base.kinds.instance!,
          check: (props) => [
            ...(props.diskGiB === 3
              ? [{ path: 'diskGiB', message: 'boot disks start at 8 GiB', severity: 'error' as const }]
              : []),
            { path: 'publicIp', message: 'this cloud ignores publicIp', severity: 'warning' as const },
          ],
        },
      },
    }
    const stack = mockStack('web', provider)
    stack.add(instance('vm', { size: 'small', image: 'debian-12', subnet: 's', diskGiB: 3 }))
    const [issue] = await issuesOf(stack)
    expect(issue).toMatchObject({ path: 'web/instance/vm.props.diskGiB', rule: 'provider-check' })

    const ok = mockStack('web', provider)
    ok.add(instance('vm', { size: 'small', image: 'debian-12', subnet: 's' }))
    const result = await plan(ok, undefined)
    expect(result.warnings).toContainEqual({
      path: 'web/instance/vm.props.publicIp',
      message: 'this cloud ignores publicIp',
    })
  })

  it('validates providerOptions with the provider schema and warns on other providers sections', async () => {
    const { z } = await import('zod')
    const base = createMockProvider()
    const provider: ProviderV1 = {
      ...base,
      kinds: {
        ...base.kinds,
        instance: { ...base.kinds.instance!, providerOptions: z.strictObject({ spot: z.boolean() }) },
      },
    }
    const stack = mockStack('web', provider)
    stack.add(
      instance('vm', {
        size: 'small',
        image: 'debian-12',
        subnet: 's',
        providerOptions: { mock: { spot: 'yes' }, gcp: { preemptible: true } },
      }),
    )
    const [issue] = await issuesOf(stack)
    expect(issue!.path).toBe('web/instance/vm.props.providerOptions.mock.spot')

    const ok = mockStack('web', provider)
    ok.add(
      instance('vm', {
        size: 'small',
        image: 'debian-12',
        subnet: 's',
        providerOptions: { mock: { spot: true }, gcp: {} },
      }),
    )
    const result = await plan(ok, undefined)
    expect(result.warnings[0]!.message).toContain('providerOptions.gcp is ignored')
  })

  it('checks firewall rules: ports required for tcp, CIDRs valid, no ports on icmp', async () => {
    const stack = mockStack()
    const net = stack.add(network('net', { cidr: '10.0.0.0/16' }))
    stack.add(
      firewall('fw', {
        network: net.out.id,
        ingress: [
          { from: '0.0.0.0/0' },
          { ports: 22, from: ['10.0.0.0/8', '300.0.0.0/8'] },
          { protocol: 'icmp', ports: 8, from: '0.0.0.0/0' },
        ],
      }),
    )
    const issues = await issuesOf(stack)
    expect(issues.map((issue) => issue.path)).toEqual([
      'web/firewall/fw.props.ingress[0].ports',
      'web/firewall/fw.props.ingress[1].from[1]',
      'web/firewall/fw.props.ingress[2].ports',
    ])
  })

  it('checks instance group bounds', async () => {
    const stack = mockStack()
    stack.add(
      instanceGroup('workers', {
        size: 'small',
        image: 'debian-12',
        subnets: ['s'],
        min: 2,
        max: 5,
        desired: 9,
      }),
    )
    const [issue] = await issuesOf(stack)
    expect(issue!.path).toBe('web/instance-group/workers.props.desired')
    expect(issue!.message).toContain('between min (2) and max (5)')
  })

  it('refuses a volume in another zone than the instance it attaches to', async () => {
    const stack = mockStack()
    const vm = stack.add(instance('vm', { size: 'small', image: 'debian-12', subnet: 's', zone: 'a' }))
    stack.add(volume('data', { sizeGiB: 10, zone: 'b', attachTo: vm.out.id }))
    const [issue] = await issuesOf(stack)
    expect(issue).toMatchObject({ path: 'web/volume/data.props.zone', rule: 'zone-mismatch' })
  })

  it('refuses reserved tag keys and bad timeouts', async () => {
    const stack = mockStack()
    stack.add(
      network('net', { cidr: '10.0.0.0/16', tags: { 'skyloom-urn': 'x' } }, { timeouts: { create: 'soon' } }),
    )
    const issues = await issuesOf(stack)
    expect(issues.map((issue) => issue.path)).toEqual([
      'web/network/net.props.tags.skyloom-urn',
      'web/network/net.options.timeouts.create',
    ])
  })

  it('validates native kinds with the handler schema', async () => {
    const { z } = await import('zod')
    const base = createMockProvider()
    const provider: ProviderV1 = {
      ...base,
      kinds: {
        ...base.kinds,
        'mock:bucket': {
          schema: z.strictObject({ versioning: z.boolean() }),
          outputs: ['id', 'arn'],
          create: async () => ({ id: 'b', outputs: { id: 'b', arn: 'arn:b' } }),
        },
      },
    }
    const stack = mockStack('web', provider)
    stack.add(resource('mock:bucket', 'logs', { versioning: 'on' }))
    const [issue] = await issuesOf(stack)
    expect(issue!.path).toBe('web/mock:bucket/logs.props.versioning')
  })
})
