import {
  DescribeInternetGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcAttributeCommand,
} from '@aws-sdk/client-ec2'
import type { FirewallSpec } from '@skyloom/core/provider'
import { beforeEach, expect, it } from 'vitest'
import { presentProps } from '../src/handlers/common.js'
import type { AwsProvider } from '../src/index.js'
import { ctxFor } from './support/context.js'
import { describeMoto } from './support/env.js'
import { allow, firewallProps, networkProps, subnetProps } from './support/props.js'

describeMoto('network, subnet and firewall handlers against moto', (env) => {
  let aws: AwsProvider

  beforeEach(async () => {
    await env.reset()
    aws = env.provider()
  })

  const gatewaysOf = async (vpcId: string) => {
    const { ec2 } = await aws.clients()
    const output = await ec2.send(
      new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] }),
    )
    return output.InternetGateways ?? []
  }

  it('creates a VPC with ownership tags and DNS host names, and reads it back', async () => {
    const ctx = ctxFor('network', 'main')
    const created = await aws.handlers.network.create(
      networkProps('10.20.0.0/16', { tags: { env: 'test' } }),
      ctx,
    )
    expect(created).toMatchObject({
      id: expect.stringMatching(/^vpc-/),
      outputs: { cidr: '10.20.0.0/16' },
      ready: true,
    })
    const { ec2 } = await aws.clients()
    const dns = await ec2.send(
      new DescribeVpcAttributeCommand({ VpcId: created.id, Attribute: 'enableDnsHostnames' }),
    )
    expect(dns.EnableDnsHostnames?.Value).toBe(true)
    const read = await aws.handlers.network.readMany!([created.id], ctx)
    expect(read.get(created.id)?.props).toEqual({ cidr: '10.20.0.0/16', tags: { env: 'test' } })
    const found = await aws.handlers.network.find!({ ownership: ctx.ownership }, ctx)
    expect(found.map((vpc) => vpc.id)).toEqual([created.id])
  })

  it('honours AWS_ENDPOINT_URL_EC2 when no endpoint is set, as the SDK does', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_EC2
    process.env.AWS_ENDPOINT_URL_EC2 = env.proxy.endpoint
    try {
      const fromEnv = env.provider({ endpoint: undefined })
      const created = await fromEnv.handlers.network.create(
        networkProps('10.21.0.0/16'),
        ctxFor('network', 'env'),
      )
      expect(created.id).toMatch(/^vpc-/)
      expect(env.proxy.requests.some((request) => request.action === 'CreateVpc')).toBe(true)
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_EC2
      else process.env.AWS_ENDPOINT_URL_EC2 = saved
    }
  })

  it('switches DNS host names in place; tenancy replaces', async () => {
    const ctx = ctxFor('network', 'dns')
    const props = networkProps('10.22.0.0/16')
    const created = await aws.handlers.network.create(props, ctx)
    const desired = { ...props, providerOptions: { aws: { enableDnsHostnames: false } } }
    const current = { props, outputs: created.outputs }
    expect((await aws.handlers.network.diff!(current, desired, ctx)).changes).toEqual([
      { path: 'providerOptions', replace: false },
    ])
    await aws.handlers.network.update!(created.id, { current, desired, changed: ['providerOptions'] }, ctx)
    const { ec2 } = await aws.clients()
    const dns = await ec2.send(
      new DescribeVpcAttributeCommand({ VpcId: created.id, Attribute: 'enableDnsHostnames' }),
    )
    expect(dns.EnableDnsHostnames?.Value).toBe(false)
    const dedicated = { ...props, providerOptions: { aws: { instanceTenancy: 'dedicated' } } }
    expect((await aws.handlers.network.diff!(current, dedicated, ctx)).changes).toEqual([
      expect.objectContaining({ path: 'providerOptions', replace: true }),
    ])
  })

  it('checks VPC and subnet block sizes offline', async () => {
    const ctx = ctxFor('network', 'huge')
    expect(await aws.handlers.network.check!(networkProps('10.0.0.0/8'), ctx)).toEqual([
      expect.objectContaining({ path: 'cidr', message: expect.stringContaining('between /16 and /28') }),
    ])
    expect(await aws.handlers.network.check!(networkProps('10.0.0.0/16'), ctx)).toEqual([])
    expect(await aws.handlers.subnet.check!(subnetProps('vpc-1', '10.0.0.0/29'), ctx)).toEqual([
      expect.objectContaining({ path: 'cidr', message: expect.stringContaining('/28 or larger') }),
    ])
    expect(
      await aws.handlers.subnet.check!(subnetProps('vpc-1', '10.0.0.0/24', { zone: 'eu-west-1a' }), ctx),
    ).toEqual([
      expect.objectContaining({ path: 'zone', message: expect.stringContaining('not in region us-east-1') }),
    ])
  })

  it('gives a VPC an internet gateway only with its first public subnet, and removes it with the last', async () => {
    const net = await aws.handlers.network.create(networkProps('10.30.0.0/16'), ctxFor('network', 'net'))
    const privateProps = subnetProps(net.id, '10.30.1.0/24')
    const priv = await aws.handlers.subnet.create(privateProps, ctxFor('subnet', 'private'))
    expect(priv.outputs.zone).toBe('us-east-1a') // the region's first zone when none is given
    expect(await gatewaysOf(net.id)).toHaveLength(0)

    // Two public subnets created in parallel share one gateway and one route table.
    const publicA = subnetProps(net.id, '10.30.2.0/24', { public: true, zone: 'us-east-1b' })
    const publicB = subnetProps(net.id, '10.30.3.0/24', { public: true, zone: 'us-east-1c' })
    const [a, b] = await Promise.all([
      aws.handlers.subnet.create(publicA, ctxFor('subnet', 'public-a')),
      aws.handlers.subnet.create(publicB, ctxFor('subnet', 'public-b')),
    ])
    const gateways = await gatewaysOf(net.id)
    expect(gateways).toHaveLength(1)
    const { ec2 } = await aws.clients()
    const tables = await ec2.send(
      new DescribeRouteTablesCommand({
        Filters: [{ Name: 'association.subnet-id', Values: [a!.id, b!.id] }],
      }),
    )
    expect(tables.RouteTables).toHaveLength(1)
    expect(tables.RouteTables?.[0]?.Routes).toContainEqual(
      expect.objectContaining({
        DestinationCidrBlock: '0.0.0.0/0',
        GatewayId: gateways[0]?.InternetGatewayId,
      }),
    )

    const read = await aws.handlers.subnet.readMany!([priv.id, a!.id, b!.id], ctxFor('subnet', 'any'))
    expect(read.get(priv.id)?.props.public).toBe(false)
    expect(read.get(a!.id)?.props).toMatchObject({ public: true, network: net.id, cidr: '10.30.2.0/24' })

    await aws.handlers.subnet.delete!(
      a!.id,
      { props: publicA, outputs: a!.outputs },
      ctxFor('subnet', 'public-a'),
    )
    expect(await gatewaysOf(net.id)).toHaveLength(1) // b still needs it
    await aws.handlers.subnet.delete!(
      b!.id,
      { props: publicB, outputs: b!.outputs },
      ctxFor('subnet', 'public-b'),
    )
    expect(await gatewaysOf(net.id)).toHaveLength(0)
    await aws.handlers.subnet.delete!(
      priv.id,
      { props: privateProps, outputs: priv.outputs },
      ctxFor('subnet', 'private'),
    )
    await aws.handlers.network.delete!(
      net.id,
      { props: networkProps('10.30.0.0/16'), outputs: net.outputs },
      ctxFor('network', 'net'),
    )
    expect((await aws.handlers.network.readMany!([net.id], ctxFor('network', 'net'))).size).toBe(0)
  })

  it('switches a subnet between private and public in place', async () => {
    const net = await aws.handlers.network.create(networkProps('10.31.0.0/16'), ctxFor('network', 'net'))
    const props = subnetProps(net.id, '10.31.1.0/24')
    const ctx = ctxFor('subnet', 'flip')
    const sub = await aws.handlers.subnet.create(props, ctx)
    const current = { props, outputs: sub.outputs }
    const desired = { ...props, public: true }
    expect((await aws.handlers.subnet.diff!(current, desired, ctx)).changes).toEqual([
      { path: 'public', replace: false },
    ])
    await aws.handlers.subnet.update!(sub.id, { current, desired, changed: ['public'] }, ctx)
    expect((await aws.handlers.subnet.readMany!([sub.id], ctx)).get(sub.id)?.props.public).toBe(true)
    await aws.handlers.subnet.update!(
      sub.id,
      { current: { props: desired, outputs: sub.outputs }, desired: props, changed: ['public'] },
      ctx,
    )
    expect((await aws.handlers.subnet.readMany!([sub.id], ctx)).get(sub.id)?.props.public).toBe(false)
    expect(await gatewaysOf(net.id)).toHaveLength(0)
  })

  it('cleans up public routing a crash left behind when the network is deleted', async () => {
    const net = await aws.handlers.network.create(networkProps('10.32.0.0/16'), ctxFor('network', 'net'))
    const props = subnetProps(net.id, '10.32.1.0/24', { public: true })
    const sub = await aws.handlers.subnet.create(props, ctxFor('subnet', 'pub'))
    // Deleted as if it had been private: its route table and gateway stay behind.
    await aws.handlers.subnet.delete!(
      sub.id,
      { props: { ...props, public: false }, outputs: sub.outputs },
      ctxFor('subnet', 'pub'),
    )
    expect(await gatewaysOf(net.id)).toHaveLength(1)
    await aws.handlers.network.delete!(
      net.id,
      { props: networkProps('10.32.0.0/16'), outputs: net.outputs },
      ctxFor('network', 'net'),
    )
    expect(await gatewaysOf(net.id)).toHaveLength(0)
    expect((await aws.handlers.network.readMany!([net.id], ctxFor('network', 'net'))).size).toBe(0)
  })

  it('creates a security group with normalized ingress and the default egress, and reads the same rules back', async () => {
    const net = await aws.handlers.network.create(networkProps('10.40.0.0/16'), ctxFor('network', 'net'))
    const ingress: FirewallSpec['ingress'] = [
      allow(443, ['0.0.0.0/0'], { description: 'https' }),
      allow(22, ['10.0.0.0/8', '192.168.0.0/16']),
      { protocol: 'udp', ports: { from: 8000, to: 8100 }, cidrs: ['10.1.0.0/16'] },
      { protocol: 'icmp', ports: 'all', cidrs: ['10.0.0.0/8'] },
    ]
    const props = firewallProps(net.id, { ingress, tags: { tier: 'web' } })
    const ctx = ctxFor('firewall', 'web')
    const created = await aws.handlers.firewall.create(props, ctx)
    const read = (await aws.handlers.firewall.readMany!([created.id], ctx)).get(created.id)
    // null: no egress rules of its own (EC2's default allow-all), which is what was declared.
    expect(read?.props.egress).toBeNull()
    expect(read?.props.tags).toEqual({ tier: 'web' })
    // Same rules, whatever the grouping and order EC2 returns them in.
    const diff = await aws.handlers.firewall.diff!(
      { props: { ...props, ...presentProps(read!.props) }, outputs: read!.outputs },
      props,
      ctx,
    )
    expect(diff.changes).toEqual([])
    const { ec2 } = await aws.clients()
    const group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [created.id] })))
      .SecurityGroups?.[0]
    expect(group?.GroupName).toMatch(/^itest-web-[0-9a-f]{8}$/)
    expect(group?.Description).toBe('Skyloom itest/firewall/web')
  })

  it('replaces the default egress with explicit rules and syncs rule changes in place', async () => {
    const net = await aws.handlers.network.create(networkProps('10.41.0.0/16'), ctxFor('network', 'net'))
    const props = firewallProps(net.id, {
      ingress: [allow(80, ['0.0.0.0/0'])],
      egress: [allow(443, ['0.0.0.0/0'])],
    })
    const ctx = ctxFor('firewall', 'strict')
    const created = await aws.handlers.firewall.create(props, ctx)
    let read = (await aws.handlers.firewall.readMany!([created.id], ctx)).get(created.id)
    expect(read?.props.egress).toEqual([
      { protocol: 'tcp', ports: { from: 443, to: 443 }, cidrs: ['0.0.0.0/0'] },
    ])

    const desired = firewallProps(net.id, {
      ingress: [allow(80, ['0.0.0.0/0'], { description: 'http' }), allow(443, ['0.0.0.0/0'])],
    })
    const current = { props, outputs: created.outputs }
    const diff = await aws.handlers.firewall.diff!(current, desired, ctx)
    expect(diff.changes.map((change) => [change.path, change.replace])).toEqual([
      ['egress', false],
      ['ingress', false],
    ])
    await aws.handlers.firewall.update!(created.id, { current, desired, changed: ['egress', 'ingress'] }, ctx)
    read = (await aws.handlers.firewall.readMany!([created.id], ctx)).get(created.id)
    expect(read?.props.egress).toBeNull() // back to the default allow-all
    expect(read?.props.ingress).toEqual([
      { protocol: 'tcp', ports: { from: 443, to: 443 }, cidrs: ['0.0.0.0/0'] },
      { protocol: 'tcp', ports: { from: 80, to: 80 }, cidrs: ['0.0.0.0/0'], description: 'http' },
    ])
  })

  it('rejects descriptions with characters EC2 refuses, in check', async () => {
    const issues = await aws.handlers.firewall.check!(
      firewallProps('vpc-1', { ingress: [allow(443, ['0.0.0.0/0'], { description: 'café "web"' })] }),
      ctxFor('firewall', 'accents'),
    )
    expect(issues).toEqual([expect.objectContaining({ path: 'ingress.0.description', severity: 'error' })])
  })

  it('rejects more rules than a security group holds, in check', async () => {
    const cidrs = Array.from({ length: 61 }, (_, index) => `10.${index}.0.0/16`)
    const issues = await aws.handlers.firewall.check!(
      firewallProps('vpc-1', { ingress: [allow(443, cidrs)] }),
      ctxFor('firewall', 'wide'),
    )
    expect(issues).toEqual([expect.objectContaining({ path: 'ingress', severity: 'error' })])
  })
})
