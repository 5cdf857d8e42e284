import { DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2'
import { beforeAll, expect, it } from 'vitest'
import type { AwsProvider } from '../src/index.js'
import { ctxFor } from './support/context.js'
import { createAndWait } from './support/driver.js'
import { describeMoto } from './support/env.js'
import { IMAGES } from './support/images.js'
import { firewallProps, groupProps, networkProps, subnetProps } from './support/props.js'

const REFRESH_RESPONSE =
  '<StartInstanceRefreshResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><StartInstanceRefreshResult><InstanceRefreshId>refresh-1</InstanceRefreshId></StartInstanceRefreshResult><ResponseMetadata><RequestId>proxy</RequestId></ResponseMetadata></StartInstanceRefreshResponse>'

describeMoto('instance-group handler against moto', (env) => {
  let aws: AwsProvider
  let subnets: string[]
  let groupId: string

  beforeAll(async () => {
    await env.reset()
    aws = env.provider()
    const net = await aws.handlers.network.create(networkProps('10.60.0.0/16'), ctxFor('network', 'net'))
    const a = await aws.handlers.subnet.create(
      subnetProps(net.id, '10.60.1.0/24', { zone: 'us-east-1a' }),
      ctxFor('subnet', 'a'),
    )
    const b = await aws.handlers.subnet.create(
      subnetProps(net.id, '10.60.2.0/24', { zone: 'us-east-1b' }),
      ctxFor('subnet', 'b'),
    )
    subnets = [a.id, b.id]
    groupId = (await aws.handlers.firewall.create(firewallProps(net.id), ctxFor('firewall', 'workers'))).id
  })

  /** Applies a change to the group the way the engine would: update, then poll until ready. */
  const scale = async (
    id: string,
    current: ReturnType<typeof groupProps>,
    desired: ReturnType<typeof groupProps>,
  ) => {
    const ctx = ctxFor('instance-group', 'workers')
    const diff = await aws.handlers['instance-group'].diff!(
      { props: current, outputs: { id, desired: 0, instances: [] } },
      desired,
      ctx,
    )
    const changed = diff.changes.map((change) => change.path)
    let result = await aws.handlers['instance-group'].update!(
      id,
      {
        current: { props: current, outputs: { id, desired: current.desired, instances: [] } },
        desired,
        changed,
      },
      ctx,
    )
    for (let round = 0; result.ready === false && round < 50; round++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      const read = (await aws.handlers['instance-group'].readMany!([id], ctx)).get(id)!
      result = { id, outputs: read.outputs, ready: read.status !== 'pending' }
    }
    return result
  }

  it('creates a launch template and an Auto Scaling group, then scales 2 → 5 → 1', async () => {
    const ctx = ctxFor('instance-group', 'workers')
    const props = groupProps(subnets, {
      firewalls: [groupId],
      min: 1,
      max: 5,
      desired: 2,
      tags: { pool: 'workers' },
    })
    const { created } = await createAndWait(aws.handlers['instance-group'], [{ props, ctx }], {
      intervalMs: 20,
    })
    const group = created[0]!
    expect(group.id).toMatch(/^itest-workers-[0-9a-f]{8}$/)
    expect(group.outputs.desired).toBe(2)
    expect(group.outputs.instances).toHaveLength(2)
    expect(group.outputs.launchTemplateId).toMatch(/^lt-/)

    // The group's instances carry the ownership tags (propagated at launch).
    const { ec2 } = await aws.clients()
    const members = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [{ Name: 'tag:skyloom-urn', Values: ['itest/instance-group/workers'] }],
      }),
    )
    const memberIds = (members.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? [])
    expect(memberIds.map((instance) => instance.InstanceId).sort()).toEqual(group.outputs.instances)
    expect(memberIds[0]?.ImageId).toBe(IMAGES.noble)
    expect(memberIds[0]?.InstanceType).toBe('t3a.small')

    const five = await scale(group.id, props, { ...props, desired: 5 })
    expect(five.outputs.instances).toHaveLength(5)
    const setDesired = env.proxy.requests.filter((request) => request.action === 'SetDesiredCapacity')
    expect(setDesired.at(-1)?.params.get('DesiredCapacity')).toBe('5')

    const one = await scale(group.id, { ...props, desired: 5 }, { ...props, min: 0, desired: 1 })
    expect(one.outputs.desired).toBe(1)
    expect(one.outputs.instances).toHaveLength(1)
    const update = env.proxy.requests.filter((request) => request.action === 'UpdateAutoScalingGroup').at(-1)
    expect([update?.params.get('MinSize'), update?.params.get('DesiredCapacity')]).toEqual(['0', '1'])

    const read = (await aws.handlers['instance-group'].readMany!([group.id], ctx)).get(group.id)
    expect(read?.props).toMatchObject({ min: 0, max: 5, desired: 1, subnets, tags: { pool: 'workers' } })
    const found = await aws.handlers['instance-group'].find!({ ownership: ctx.ownership }, ctx)
    expect(found.map((entry) => entry.id)).toEqual([group.id])

    await aws.handlers['instance-group'].delete!(group.id, { props, outputs: one.outputs }, ctx)
    expect((await aws.handlers['instance-group'].readMany!([group.id], ctx)).size).toBe(0)
    const after = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:skyloom-urn', Values: ['itest/instance-group/workers'] },
          { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
        ],
      }),
    )
    expect((after.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? [])).toEqual([])
  })

  it('rolls a template change out as a new template version and an instance refresh', async () => {
    env.proxy.respond('StartInstanceRefresh', REFRESH_RESPONSE)
    const ctx = ctxFor('instance-group', 'rolling')
    const props = groupProps(subnets, {
      desired: 4,
      min: 2,
      max: 6,
      rolling: { maxSurge: 2, maxUnavailable: 1 },
    })
    const created = await aws.handlers['instance-group'].create(props, ctx)
    const ready = (await aws.handlers['instance-group'].readMany!([created.id], ctx)).get(created.id)!
    const desired = { ...props, size: 'medium' as const, image: 'debian-12' }
    const diff = await aws.handlers['instance-group'].diff!({ props, outputs: ready.outputs }, desired, ctx)
    expect(diff.changes).toEqual([
      { path: 'image', replace: false },
      { path: 'size', replace: false },
    ])
    const updated = await aws.handlers['instance-group'].update!(
      created.id,
      { current: { props, outputs: ready.outputs }, desired, changed: ['image', 'size'] },
      ctx,
    )
    expect(updated.outputs.launchTemplateVersion).toBe('2')
    expect(updated.ready).toBe(false)
    const refresh = env.proxy.requests.find((request) => request.action === 'StartInstanceRefresh')
    expect(refresh?.params.get('Preferences.MinHealthyPercentage')).toBe('75')
    expect(refresh?.params.get('Preferences.MaxHealthyPercentage')).toBe('150')
    const { ec2 } = await aws.clients()
    const versions = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateId: ready.outputs.launchTemplateId,
        Versions: ['2'],
      }),
    )
    expect(versions.LaunchTemplateVersions?.[0]?.LaunchTemplateData).toMatchObject({
      ImageId: IMAGES.debian,
      InstanceType: 't3a.medium',
    })
    await aws.handlers['instance-group'].delete!(
      created.id,
      { props: desired, outputs: updated.outputs },
      ctx,
    )
  })

  it('warns that rolling has no effect without instance refresh', async () => {
    const props = groupProps(subnets, { providerOptions: { aws: { instanceRefresh: false } } })
    expect(await aws.handlers['instance-group'].check!(props, ctxFor('instance-group', 'static'))).toEqual([
      expect.objectContaining({ path: 'rolling', severity: 'warning' }),
    ])
  })

  it('prices a group at its desired size', () => {
    const monthly = aws.pricing!.monthly('instance-group', groupProps(subnets, { desired: 3 }))
    expect(monthly).toBeCloseTo(3 * 0.0188 * 730, 5)
  })
})
