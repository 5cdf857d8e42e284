import { DescribeVolumesCommand } from '@aws-sdk/client-ec2'
import { beforeAll, expect, it } from 'vitest'
import type { AwsProvider } from '../src/index.js'
import { ctxFor } from './support/context.js'
import { describeMoto } from './support/env.js'
import { instanceProps, networkProps, subnetProps, volumeProps } from './support/props.js'

describeMoto('volume handler against moto', (env) => {
  let aws: AwsProvider
  let subnetId: string
  let instanceId: string
  let otherInstanceId: string

  beforeAll(async () => {
    await env.reset()
    aws = env.provider()
    const net = await aws.handlers.network.create(networkProps('10.50.0.0/16'), ctxFor('network', 'net'))
    const sub = await aws.handlers.subnet.create(
      subnetProps(net.id, '10.50.1.0/24', { zone: 'us-east-1b' }),
      ctxFor('subnet', 'data'),
    )
    subnetId = sub.id
    instanceId = (await aws.handlers.instance.create(instanceProps(subnetId), ctxFor('instance', 'db'))).id
    otherInstanceId = (await aws.handlers.instance.create(instanceProps(subnetId), ctxFor('instance', 'db2')))
      .id
  })

  it('creates a gp3 volume in the attached instance’s zone and attaches it on the first free device', async () => {
    const ctx = ctxFor('volume', 'data')
    const props = volumeProps(50, { attachTo: instanceId, tags: { purpose: 'db' } })
    const created = await aws.handlers.volume.create(props, ctx)
    expect(created.outputs).toEqual({ id: created.id, zone: 'us-east-1b', attachedTo: instanceId })
    const { ec2 } = await aws.clients()
    const volume = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [created.id] }))).Volumes?.[0]
    expect(volume).toMatchObject({ Size: 50, VolumeType: 'gp3', AvailabilityZone: 'us-east-1b' })
    expect(volume?.Attachments?.[0]).toMatchObject({ InstanceId: instanceId, Device: '/dev/sdf' })
    const read = (await aws.handlers.volume.readMany!([created.id], ctx)).get(created.id)
    expect(read).toMatchObject({
      status: 'ready',
      props: { sizeGiB: 50, type: 'ssd', attachTo: instanceId, tags: { purpose: 'db' } },
    })
    const found = await aws.handlers.volume.find!(
      { ownership: ctx.ownership, idempotencyKey: ctx.idempotencyKey },
      ctx,
    )
    expect(found.map((entry) => entry.id)).toEqual([created.id])
  })

  it('maps neutral types to EBS types and checks their minimum sizes', async () => {
    const ctx = ctxFor('volume', 'typed')
    expect(await aws.handlers.volume.check!(volumeProps(20, { type: 'standard' }), ctx)).toEqual([
      expect.objectContaining({ path: 'sizeGiB', message: expect.stringContaining('at least 125 GiB') }),
    ])
    expect(await aws.handlers.volume.check!(volumeProps(10, { type: 'fast' }), ctx)).toEqual([
      expect.objectContaining({
        path: 'type',
        severity: 'warning',
        message: expect.stringContaining('3000 provisioned IOPS'),
      }),
    ])
    const fast = await aws.handlers.volume.create(volumeProps(10, { type: 'fast', zone: 'us-east-1b' }), ctx)
    const { ec2 } = await aws.clients()
    const volume = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [fast.id] }))).Volumes?.[0]
    expect(volume).toMatchObject({ VolumeType: 'io2', Iops: 3000 })
  })

  it('grows, moves to another instance and detaches in place; shrinking replaces', async () => {
    const ctx = ctxFor('volume', 'movable')
    const props = volumeProps(20, { attachTo: instanceId })
    const created = await aws.handlers.volume.create(props, ctx)
    const current = { props, outputs: created.outputs }

    const shrink = await aws.handlers.volume.diff!(current, { ...props, sizeGiB: 10 }, ctx)
    expect(shrink.changes).toEqual([
      { path: 'sizeGiB', replace: true, reason: 'EBS volumes can grow but not shrink' },
    ])

    const desired = { ...props, sizeGiB: 40, attachTo: otherInstanceId }
    const updated = await aws.handlers.volume.update!(
      created.id,
      { current, desired, changed: ['attachTo', 'sizeGiB'] },
      ctx,
    )
    expect(updated.outputs.attachedTo).toBe(otherInstanceId)
    let read = (await aws.handlers.volume.readMany!([created.id], ctx)).get(created.id)
    expect(read?.props).toMatchObject({ sizeGiB: 40, attachTo: otherInstanceId })

    const detached = { ...desired, attachTo: undefined }
    await aws.handlers.volume.update!(
      created.id,
      { current: { props: desired, outputs: updated.outputs }, desired: detached, changed: ['attachTo'] },
      ctx,
    )
    read = (await aws.handlers.volume.readMany!([created.id], ctx)).get(created.id)
    // null, not left out: "attached to nothing" is something the cloud says, so a volume
    // detached behind Skyloom's back shows up as drift.
    expect(read?.props.attachTo).toBeNull()
    expect(read?.outputs.attachedTo).toBeUndefined()
  })

  it('detaches before deleting, and deleting twice is fine', async () => {
    const ctx = ctxFor('volume', 'temporary')
    const props = volumeProps(8, { attachTo: instanceId })
    const created = await aws.handlers.volume.create(props, ctx)
    await aws.handlers.volume.delete!(created.id, { props, outputs: created.outputs }, ctx)
    await aws.handlers.volume.delete!(created.id, { props, outputs: created.outputs }, ctx)
    expect((await aws.handlers.volume.readMany!([created.id], ctx)).size).toBe(0)
  })

  it('removes a volume it could not attach for good, so nothing is orphaned', async () => {
    const ctx = ctxFor('volume', 'misplaced')
    const failure = await aws.handlers.volume
      .create(volumeProps(8, { attachTo: 'i-0123456789abcdef0', zone: 'us-east-1b' }), ctx)
      .then(
        () => new Error('created'),
        (error: unknown) => error as Error,
      )
    expect(failure.message).toContain('itest/volume/misplaced')
    const left = await aws.handlers.volume.find!({ ownership: ctx.ownership }, ctx)
    expect(left).toEqual([])
  })
})
