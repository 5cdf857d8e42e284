import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling'
import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeLaunchTemplatesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  DescribeVpcsCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2'
import type { InstanceOutputs, InstanceSpec } from '@skyloom/core/provider'
import { expect, it } from 'vitest'
import type { AwsProvider } from '../src/index.js'
import { ctxFor } from './support/context.js'
import { createAndWait } from './support/driver.js'
import { describeMoto } from './support/env.js'
import { IMAGES } from './support/images.js'
import {
  allow,
  firewallProps,
  groupProps,
  instanceProps,
  networkProps,
  subnetProps,
  volumeProps,
} from './support/props.js'

const STACK = 'web'
const ctx = (kind: string, name: string) => ctxFor(kind, name, { stack: STACK })

/** Everything still tagged with the stack, across every resource type the provider creates. */
async function taggedWithStack(aws: AwsProvider): Promise<Record<string, string[]>> {
  const { ec2, autoScaling } = await aws.clients()
  const byStack = [{ Name: 'tag:skyloom-stack', Values: [STACK] }]
  const instances = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        ...byStack,
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ],
    }),
  )
  const groups = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ Filters: byStack }))
  return {
    instances: (instances.Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .map((i) => i.InstanceId ?? ''),
    vpcs: ((await ec2.send(new DescribeVpcsCommand({ Filters: byStack }))).Vpcs ?? []).map(
      (v) => v.VpcId ?? '',
    ),
    subnets: ((await ec2.send(new DescribeSubnetsCommand({ Filters: byStack }))).Subnets ?? []).map(
      (s) => s.SubnetId ?? '',
    ),
    securityGroups: (
      (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: byStack }))).SecurityGroups ?? []
    ).map((g) => g.GroupId ?? ''),
    volumes: ((await ec2.send(new DescribeVolumesCommand({ Filters: byStack }))).Volumes ?? []).map(
      (v) => v.VolumeId ?? '',
    ),
    gateways: (
      (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: byStack }))).InternetGateways ?? []
    ).map((g) => g.InternetGatewayId ?? ''),
    routeTables: (
      (await ec2.send(new DescribeRouteTablesCommand({ Filters: byStack }))).RouteTables ?? []
    ).map((t) => t.RouteTableId ?? ''),
    launchTemplates: (
      (await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: byStack }))).LaunchTemplates ?? []
    ).map((t) => t.LaunchTemplateId ?? ''),
    autoScalingGroups: (groups.AutoScalingGroups ?? []).map((g) => g.AutoScalingGroupName ?? ''),
  }
}

const nothing = {
  instances: [],
  vpcs: [],
  subnets: [],
  securityGroups: [],
  volumes: [],
  gateways: [],
  routeTables: [],
  launchTemplates: [],
  autoScalingGroups: [],
}

/**
 * The end-to-end scenario, driven at the handler level in dependency order, the way
 * the engine will drive it: a web tier with public and private subnets, instances in both, a
 * volume, a scaled group, drift, import, and a destroy that leaves nothing tagged.
 */
describeMoto('web tier scenario (handlers in dependency order)', (env) => {
  it('builds, scales, drifts, imports and destroys a web tier', async () => {
    await env.reset()
    const aws = env.provider()
    const h = aws.handlers

    // Network, subnets, firewalls.
    const netProps = networkProps('10.90.0.0/16', { tags: { app: 'shop' } })
    const net = await h.network.create(netProps, ctx('network', 'vpc'))
    const publicProps = subnetProps(net.id, '10.90.1.0/24', { public: true, zone: 'us-east-1a' })
    const privateProps = subnetProps(net.id, '10.90.2.0/24', { zone: 'us-east-1a' })
    const [pub, priv] = await Promise.all([
      h.subnet.create(publicProps, ctx('subnet', 'public')),
      h.subnet.create(privateProps, ctx('subnet', 'private')),
    ])
    const webFwProps = firewallProps(net.id, { ingress: [allow(443, ['0.0.0.0/0'])] })
    const dbFwProps = firewallProps(net.id, { ingress: [allow(5432, ['10.90.1.0/24'])] })
    const [webFw, dbFw] = await Promise.all([
      h.firewall.create(webFwProps, ctx('firewall', 'web')),
      h.firewall.create(dbFwProps, ctx('firewall', 'db')),
    ])

    // Instances in both subnets, created together and waited for together.
    env.proxy.pendingFor(100)
    const webProps = instanceProps(pub!.id, { publicIp: true, firewalls: [webFw!.id], tags: { role: 'web' } })
    const dbProps = instanceProps(priv!.id, {
      size: 'large',
      firewalls: [dbFw!.id],
      diskGiB: 30,
      tags: { role: 'db' },
    })
    const { created, rounds } = await createAndWait(
      h.instance,
      [
        { props: webProps, ctx: ctx('instance', 'web-1') },
        { props: dbProps, ctx: ctx('instance', 'db-1') },
      ],
      { intervalMs: 40 },
    )
    env.proxy.pendingFor(0)
    expect(rounds).toBeGreaterThanOrEqual(1)
    const [web, db] = created as [
      { id: string; outputs: InstanceOutputs },
      { id: string; outputs: InstanceOutputs },
    ]
    expect(web.outputs.publicAddress).toBeDefined()
    expect(db.outputs.publicAddress).toBeUndefined()
    expect(db.outputs.machineType).toBe('t3a.xlarge')

    // A data volume on the database.
    const dataProps = volumeProps(100, { attachTo: db.id })
    const data = await h.volume.create(dataProps, ctx('volume', 'data'))
    expect(data.outputs).toMatchObject({ attachedTo: db.id, zone: 'us-east-1a' })

    // Workers: 2 → 5 → 1.
    const workerProps = groupProps([priv!.id], { firewalls: [dbFw!.id], min: 1, max: 5, desired: 2 })
    const workersCtx = ctx('instance-group', 'workers')
    const { created: groups } = await createAndWait(
      h['instance-group'],
      [{ props: workerProps, ctx: workersCtx }],
      {
        intervalMs: 20,
      },
    )
    let workers = groups[0]!
    expect(workers.outputs.instances).toHaveLength(2)
    for (const [from, to] of [
      [workerProps, { ...workerProps, desired: 5 }],
      [
        { ...workerProps, desired: 5 },
        { ...workerProps, min: 0, desired: 1 },
      ],
    ] as const) {
      const current = { props: from, outputs: workers.outputs }
      const changed = (await h['instance-group'].diff!(current, to, workersCtx)).changes.map(
        (change) => change.path,
      )
      const update = await h['instance-group'].update!(
        workers.id,
        { current, desired: to, changed },
        workersCtx,
      )
      const read = (await h['instance-group'].readMany!([workers.id], workersCtx)).get(workers.id)!
      expect(read.status).toBe('ready')
      workers = { id: workers.id, outputs: read.outputs }
      expect(update.outputs.desired).toBe(to.desired)
      expect(workers.outputs.instances).toHaveLength(to.desired)
    }

    // Drift: someone changes a tag in the console; refresh sees it, update puts it back.
    const { ec2 } = await aws.clients()
    await ec2.send(new CreateTagsCommand({ Resources: [web.id], Tags: [{ Key: 'role', Value: 'hacked' }] }))
    const observed = (await h.instance.readMany!([web.id], ctx('instance', 'web-1'))).get(web.id)!
    expect(observed.props.tags).toEqual({ role: 'hacked' })
    const drifted: InstanceSpec = { ...webProps, ...observed.props } as InstanceSpec
    const diff = await h.instance.diff!(
      { props: drifted, outputs: web.outputs },
      webProps,
      ctx('instance', 'web-1'),
    )
    expect(diff.changes).toEqual([{ path: 'tags', replace: false }])
    await h.instance.update!(
      web.id,
      { current: { props: drifted, outputs: web.outputs }, desired: webProps, changed: ['tags'] },
      ctx('instance', 'web-1'),
    )
    expect((await h.instance.readMany!([web.id], ctx('instance', 'web-1'))).get(web.id)?.props.tags).toEqual({
      role: 'web',
    })

    // Import: an instance made outside Skyloom is read by id (it has no ownership tags yet).
    const outside = await ec2.send(
      new RunInstancesCommand({
        ImageId: IMAGES.debian,
        InstanceType: 't3.small',
        MinCount: 1,
        MaxCount: 1,
        SubnetId: priv!.id,
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'owner', Value: 'legacy' }] }],
      }),
    )
    const outsideId = outside.Instances![0]!.InstanceId!
    const importCtx = ctx('instance', 'legacy')
    expect(await h.instance.find!({ ownership: importCtx.ownership }, importCtx)).toEqual([])
    const imported = (await h.instance.readMany!([outsideId], importCtx)).get(outsideId)!
    expect(imported).toMatchObject({
      status: 'ready',
      props: { subnet: priv!.id, publicIp: false, tags: { owner: 'legacy' } },
      outputs: { id: outsideId, machineType: 't3.small', state: 'running' },
    })

    expect(await taggedWithStack(aws)).toMatchObject({
      vpcs: [net.id],
      instances: expect.arrayContaining([web.id, db.id]),
    })

    // Destroy in reverse dependency order; the imported instance goes with the stack.
    await h['instance-group'].delete!(
      workers.id,
      { props: workerProps, outputs: workers.outputs },
      workersCtx,
    )
    await h.volume.delete!(data.id, { props: dataProps, outputs: data.outputs }, ctx('volume', 'data'))
    await Promise.all([
      h.instance.delete!(web.id, { props: webProps, outputs: web.outputs }, ctx('instance', 'web-1')),
      h.instance.delete!(db.id, { props: dbProps, outputs: db.outputs }, ctx('instance', 'db-1')),
      h.instance.delete!(
        outsideId,
        { props: imported.props as InstanceSpec, outputs: imported.outputs },
        importCtx,
      ),
    ])
    await Promise.all([
      h.firewall.delete!(webFw!.id, { props: webFwProps, outputs: webFw!.outputs }, ctx('firewall', 'web')),
      h.firewall.delete!(dbFw!.id, { props: dbFwProps, outputs: dbFw!.outputs }, ctx('firewall', 'db')),
    ])
    await Promise.all([
      h.subnet.delete!(pub!.id, { props: publicProps, outputs: pub!.outputs }, ctx('subnet', 'public')),
      h.subnet.delete!(priv!.id, { props: privateProps, outputs: priv!.outputs }, ctx('subnet', 'private')),
    ])
    await h.network.delete!(net.id, { props: netProps, outputs: net.outputs }, ctx('network', 'vpc'))

    expect(await taggedWithStack(aws)).toEqual(nothing)
    for (const kind of Object.keys(aws.kinds) as (keyof typeof aws.handlers)[]) {
      const left = []
      for await (const item of aws.handlers[kind].list!({ stack: STACK }, ctx(kind, 'sweep')))
        left.push(item.id)
      expect(left, kind).toEqual([])
    }
  })
})
