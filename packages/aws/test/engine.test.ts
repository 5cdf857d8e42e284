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
import {
  type ApplyResult,
  createEngine,
  createStack,
  firewall,
  instance,
  instanceGroup,
  memoryState,
  network,
  subnet,
  volume,
} from '@skyloom/core'
import { expect, it } from 'vitest'
import { AWS_LIMITS, AWS_SCOPES, type AwsProvider, countCalls } from '../src/index.js'
import { describeMoto } from './support/env.js'
import { IMAGES } from './support/images.js'

/** Every resource type the provider creates, still tagged with the stack (terminated instances excluded). */
async function taggedWith(aws: AwsProvider, stack: string): Promise<string[]> {
  const { ec2, autoScaling } = await aws.clients()
  const filters = [{ Name: 'tag:skyloom-stack', Values: [stack] }]
  const instances = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        ...filters,
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ],
    }),
  )
  return [
    ...(instances.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId ?? ''),
    ...((await ec2.send(new DescribeVpcsCommand({ Filters: filters }))).Vpcs ?? []).map((v) => v.VpcId ?? ''),
    ...((await ec2.send(new DescribeSubnetsCommand({ Filters: filters }))).Subnets ?? []).map(
      (s) => s.SubnetId ?? '',
    ),
    ...((await ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters }))).SecurityGroups ?? []).map(
      (g) => g.GroupId ?? '',
    ),
    ...((await ec2.send(new DescribeVolumesCommand({ Filters: filters }))).Volumes ?? []).map(
      (v) => v.VolumeId ?? '',
    ),
    ...(
      (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: filters }))).InternetGateways ?? []
    ).map((g) => g.InternetGatewayId ?? ''),
    ...((await ec2.send(new DescribeRouteTablesCommand({ Filters: filters }))).RouteTables ?? []).map(
      (t) => t.RouteTableId ?? '',
    ),
    ...((await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: filters }))).LaunchTemplates ?? []).map(
      (t) => t.LaunchTemplateId ?? '',
    ),
    ...(
      (await autoScaling.send(new DescribeAutoScalingGroupsCommand({ Filters: filters })))
        .AutoScalingGroups ?? []
    ).map((g) => g.AutoScalingGroupName ?? ''),
  ]
}

function failures(result: ApplyResult): string[] {
  return result.steps
    .filter((step) => step.outcome !== 'done' && step.outcome !== 'noop')
    .map(
      (step) =>
        `${step.urn} ${step.operation} ${step.outcome}: ${step.error?.message ?? step.skippedBecause ?? ''}`,
    )
}

/** The web tier the issue describes, as a stack; `workers` sets the group's size. */
function webTier(aws: AwsProvider, workers: { min: number; desired: number }, extra?: { legacy?: boolean }) {
  const stack = createStack('shop', { provider: aws })
  const net = stack.add(network('vpc', { cidr: '10.100.0.0/16', tags: { app: 'shop' } }))
  const pub = stack.add(
    subnet('public', { network: net.out.id, cidr: '10.100.1.0/24', zone: 'us-east-1a', public: true }),
  )
  const priv = stack.add(
    subnet('private', { network: net.out.id, cidr: '10.100.2.0/24', zone: 'us-east-1a' }),
  )
  const web = stack.add(
    firewall('web', { network: net.out.id, ingress: [{ ports: 443, from: '0.0.0.0/0' }] }),
  )
  const db = stack.add(
    firewall('db', { network: net.out.id, ingress: [{ ports: 5432, from: '10.100.1.0/24' }] }),
  )
  stack.add(
    instance('web-1', {
      size: 'small',
      image: 'ubuntu-24.04',
      subnet: pub.out.id,
      firewalls: [web.out.id],
      publicIp: true,
      tags: { role: 'web' },
    }),
  )
  const dbVm = stack.add(
    instance('db-1', {
      size: 'large',
      image: 'debian-12',
      subnet: priv.out.id,
      firewalls: [db.out.id],
      diskGiB: 30,
    }),
  )
  stack.add(volume('data', { sizeGiB: 100, attachTo: dbVm.out.id }))
  stack.add(
    instanceGroup('workers', {
      size: 'small',
      image: 'ubuntu-24.04',
      subnets: [priv.out.id],
      firewalls: [db.out.id],
      min: workers.min,
      max: 5,
      desired: workers.desired,
    }),
  )
  if (extra?.legacy) {
    stack.add(
      instance('legacy', {
        size: 'small',
        image: IMAGES.debian,
        subnet: priv.out.id,
        tags: { owner: 'legacy' },
      }),
    )
  }
  return stack
}

/**
 * The end-to-end scenario through the engine (plan, apply, refresh, import, destroy)
 * against moto, with the real SDK clients on the wire.
 */
describeMoto('engine end to end against moto', (env) => {
  it('applies a web tier, scales it 2 → 5 → 1, repairs drift, imports, and destroys everything it tagged', async () => {
    await env.reset()
    const aws = env.provider()
    const engine = createEngine({ state: memoryState() })

    const first = await engine.up(webTier(aws, { min: 1, desired: 2 }))
    expect(failures(first)).toEqual([])
    const outputs = first.outputs
    expect(outputs['shop/instance/web-1']).toMatchObject({
      state: 'running',
      publicAddress: expect.any(String),
    })
    expect(outputs['shop/instance/db-1']).toMatchObject({ machineType: 't3a.xlarge' })
    expect(outputs['shop/volume/data']).toMatchObject({ attachedTo: outputs['shop/instance/db-1']?.id })
    expect(outputs['shop/instance-group/workers']?.instances).toHaveLength(2)

    // Nothing has drifted right after an apply (no false drift from how EC2 reports things).
    const clean = await engine.refresh(webTier(aws, { min: 1, desired: 2 }))
    expect(clean.drifted).toEqual([])

    for (const size of [
      { min: 1, desired: 5 },
      { min: 0, desired: 1 },
    ]) {
      const scaled = await engine.up(webTier(aws, size))
      expect(failures(scaled)).toEqual([])
      expect(
        scaled.plan.changes.filter((change) => change.action !== 'noop').map((change) => change.urn),
      ).toEqual(['shop/instance-group/workers'])
      expect(scaled.outputs['shop/instance-group/workers']?.instances).toHaveLength(size.desired)
    }

    // Drift: a tag changed in the console is reported, and the next apply puts it back.
    const { ec2 } = await aws.clients()
    const webId = String(outputs['shop/instance/web-1']?.id)
    await ec2.send(new CreateTagsCommand({ Resources: [webId], Tags: [{ Key: 'role', Value: 'hacked' }] }))
    const drift = await engine.refresh(webTier(aws, { min: 0, desired: 1 }))
    expect(drift.drifted).toEqual([
      expect.objectContaining({
        urn: 'shop/instance/web-1',
        fields: [expect.objectContaining({ path: 'tags', actual: { role: 'hacked' } })],
      }),
    ])
    const repaired = await engine.up(webTier(aws, { min: 0, desired: 1 }))
    expect(failures(repaired)).toEqual([])
    expect((await engine.refresh(webTier(aws, { min: 0, desired: 1 }))).drifted).toEqual([])

    // Import: an instance made outside Skyloom becomes the stack's `legacy`.
    const subnetId = String(outputs['shop/subnet/private']?.id)
    const outside = await ec2.send(
      new RunInstancesCommand({
        ImageId: IMAGES.debian,
        InstanceType: 't3a.small',
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnetId,
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'owner', Value: 'legacy' }] }],
      }),
    )
    const legacyId = outside.Instances![0]!.InstanceId!
    const withLegacy = webTier(aws, { min: 0, desired: 1 }, { legacy: true })
    const imported = await engine.import(withLegacy, 'instance/legacy', legacyId)
    expect(imported).toMatchObject({ id: legacyId, outputs: { state: 'running' } })
    const afterImport = await engine.plan(withLegacy)
    expect(afterImport.changes.filter((change) => change.action !== 'noop')).toEqual([])

    // Destroy: everything goes, the imported instance too, and nothing tagged is left.
    const calls = countCalls(ec2)
    const destroyed = await engine.destroy(withLegacy)
    expect(failures(destroyed)).toEqual([])
    expect(await taggedWith(aws, 'shop')).toEqual([])
    const legacy = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [legacyId] }))
    expect(legacy.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('terminated')
    expect(calls.count('TerminateInstances')).toBe(3)
  })

  it('waits for many instances with about one DescribeInstances per poll round in total', async () => {
    await env.reset()
    const base = env.provider({ pollIntervalMs: 100 })
    // A burst bucket for RunInstances, so that all twenty wait at the same time; with the
    // published 5 + 2/s bucket the launches spread over 8 s (the benchmark shows that case).
    const aws: AwsProvider = {
      ...base,
      limits: {
        ...AWS_LIMITS,
        scopes: { ...AWS_SCOPES, 'run-instances': { capacity: 100, refillPerSecond: 100 } },
      },
    }
    const { ec2 } = await aws.clients()
    const engine = createEngine({ state: memoryState() })
    const stack = createStack('fleet', { provider: aws })
    const net = stack.add(network('vpc', { cidr: '10.101.0.0/16' }))
    const sub = stack.add(subnet('sub', { network: net.out.id, cidr: '10.101.0.0/20' }))
    for (let index = 0; index < 20; index++) {
      stack.add(instance(`vm-${index}`, { size: 'small', image: 'ubuntu-24.04', subnet: sub.out.id }))
    }
    env.proxy.pendingFor(600)
    const calls = countCalls(ec2)
    const result = await engine.up(stack)
    env.proxy.pendingFor(0)
    expect(failures(result)).toEqual([])
    expect(calls.count('RunInstances')).toBe(20)
    // About six rounds of 100 ms while the instances are pending; a wait per instance would
    // make at least 20 × 6 calls.
    expect(calls.count('DescribeInstances')).toBeGreaterThanOrEqual(3)
    expect(calls.count('DescribeInstances')).toBeLessThanOrEqual(12)
    await engine.destroy(stack)
  })
})
