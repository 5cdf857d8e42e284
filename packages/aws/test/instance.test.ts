import { DescribeInstancesCommand } from '@aws-sdk/client-ec2'
import { ProviderError } from '@skyloom/core/provider'
import { beforeAll, expect, it } from 'vitest'
import { type AwsProvider, countCalls } from '../src/index.js'
import { ctxFor } from './support/context.js'
import { createAndWait } from './support/driver.js'
import { describeMoto } from './support/env.js'
import { IMAGES } from './support/images.js'
import { allow, firewallProps, instanceProps, networkProps, subnetProps } from './support/props.js'

describeMoto('instance handler against moto', (env) => {
  let aws: AwsProvider
  let subnetId: string
  let publicSubnetId: string
  let groupId: string

  beforeAll(async () => {
    await env.reset()
    aws = env.provider()
    const net = await aws.handlers.network.create(networkProps('10.10.0.0/16'), ctxFor('network', 'net'))
    const sub = await aws.handlers.subnet.create(
      subnetProps(net.id, '10.10.1.0/24'),
      ctxFor('subnet', 'private'),
    )
    const pub = await aws.handlers.subnet.create(
      subnetProps(net.id, '10.10.2.0/24', { public: true }),
      ctxFor('subnet', 'public'),
    )
    const fw = await aws.handlers.firewall.create(
      firewallProps(net.id, { ingress: [allow(22, ['10.0.0.0/8'])] }),
      ctxFor('firewall', 'ssh'),
    )
    subnetId = sub.id
    publicSubnetId = pub.id
    groupId = fw.id
  })

  it('launches with ClientToken, ownership tags, the resolved type and image, and returns ready:false while pending', async () => {
    const ctx = ctxFor('instance', 'web-1')
    const result = await aws.handlers.instance.create(
      instanceProps(subnetId, {
        size: 'medium',
        firewalls: [groupId],
        userData: '#!/bin/sh\necho hello',
        diskGiB: 20,
        tags: { team: 'web' },
      }),
      ctx,
    )
    expect(result.id).toMatch(/^i-/)
    expect(result.ready).toBe(false) // RunInstances answers "pending"
    expect(result.outputs.machineType).toBe('t3a.medium')

    const { ec2 } = await aws.clients()
    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [result.id] }))
    const instance = described.Reservations?.[0]?.Instances?.[0]
    expect(instance?.ClientToken).toBe(ctx.idempotencyKey)
    expect(instance?.ImageId).toBe(IMAGES.noble) // newest x86_64 noble, not the older or the arm64 one
    const tags = Object.fromEntries((instance?.Tags ?? []).map((tag) => [tag.Key, tag.Value]))
    expect(tags).toMatchObject({
      team: 'web',
      Name: 'itest-web-1',
      'skyloom-stack': 'itest',
      'skyloom-urn': 'itest/instance/web-1',
      'skyloom-key': ctx.idempotencyKey,
    })
    const run = env.proxy.requests.filter((request) => request.action === 'RunInstances').at(-1)
    expect(run?.params.get('UserData')).toBe(Buffer.from('#!/bin/sh\necho hello').toString('base64'))
    expect(run?.params.get('BlockDeviceMapping.1.DeviceName')).toBe('/dev/sda1')
    expect(run?.params.get('BlockDeviceMapping.1.Ebs.VolumeSize')).toBe('20')
    expect(run?.params.get('NetworkInterface.1.AssociatePublicIpAddress')).toBe('false')

    const read = await aws.handlers.instance.readMany!([result.id], ctx)
    expect(read.get(result.id)).toMatchObject({
      status: 'ready',
      props: { subnet: subnetId, firewalls: [groupId], publicIp: false, tags: { team: 'web' } },
      outputs: { id: result.id, state: 'running', machineType: 't3a.medium', zone: 'us-east-1a' },
    })
  })

  it('gives a public address when publicIp is set', async () => {
    const result = await aws.handlers.instance.create(
      instanceProps(publicSubnetId, { publicIp: true, image: 'debian-12' }),
      ctxFor('instance', 'bastion'),
    )
    const read = (await aws.handlers.instance.readMany!([result.id], ctxFor('instance', 'bastion'))).get(
      result.id,
    )
    expect(read?.outputs.publicAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/)
    expect(read?.props.publicIp).toBe(true)
  })

  it('waits for many instances with one DescribeInstances per poll round', async () => {
    const provider = env.provider()
    const { ec2 } = await provider.clients()
    const calls = countCalls(ec2)
    // Long enough that the first poll rounds still see them pending, even on a busy machine.
    env.proxy.pendingFor(1_000)
    const items = Array.from({ length: 12 }, (_, index) => ({
      props: instanceProps(subnetId),
      ctx: ctxFor('instance', `batch-${index}`),
    }))
    const { created, rounds } = await createAndWait(provider.handlers.instance, items, { intervalMs: 150 })
    env.proxy.pendingFor(0)
    expect(created.every((entry) => entry.outputs.state === 'running')).toBe(true)
    expect(rounds).toBeGreaterThan(1)
    expect(calls.count('RunInstances')).toBe(12)
    // One image lookup shared by all twelve, then exactly one DescribeInstances per round.
    expect(calls.count('DescribeImages')).toBe(1)
    expect(calls.count('DescribeInstances')).toBe(rounds)
  })

  it('treats ids that no longer exist as gone and keeps the others in the same batch', async () => {
    const ctx = ctxFor('instance', 'survivor')
    const alive = await aws.handlers.instance.create(instanceProps(subnetId), ctx)
    const read = await aws.handlers.instance.readMany!([alive.id, 'i-0123456789abcdef0'], ctx)
    expect([...read.keys()]).toEqual([alive.id])
  })

  it('finds instances by ownership tag and by idempotency key, and lists by tags', async () => {
    const ctx = ctxFor('instance', 'findme')
    const created = await aws.handlers.instance.create(
      instanceProps(subnetId, { tags: { role: 'finder' } }),
      ctx,
    )
    const byUrn = await aws.handlers.instance.find!({ ownership: ctx.ownership }, ctx)
    expect(byUrn.map((found) => found.id)).toEqual([created.id])
    expect(byUrn[0]?.ownership).toEqual({ stack: 'itest', urn: 'itest/instance/findme' })
    const byKey = await aws.handlers.instance.find!(
      { ownership: ctx.ownership, idempotencyKey: ctx.idempotencyKey },
      ctx,
    )
    expect(byKey.map((found) => found.id)).toEqual([created.id])
    const none = await aws.handlers.instance.find!(
      { ownership: ctx.ownership, idempotencyKey: 'another-key' },
      ctx,
    )
    expect(none).toEqual([])
    const listed = []
    for await (const item of aws.handlers.instance.list!({ tags: { role: 'finder' }, stack: 'itest' }, ctx))
      listed.push(item.id)
    expect(listed).toEqual([created.id])
  })

  it('stops, starts, reboots and terminates through actions', async () => {
    const ctx = ctxFor('instance', 'acted')
    const { id } = await aws.handlers.instance.create(instanceProps(subnetId), ctx)
    const actions = aws.handlers.instance.actions!
    expect(await actions.stop!(id, ctx)).toEqual({ state: 'stopping' })
    expect((await aws.handlers.instance.readMany!([id], ctx)).get(id)?.outputs.state).toBe('stopped')
    expect(await actions.start!(id, ctx)).toEqual({ state: 'pending' })
    expect(await actions.reboot!(id, ctx)).toEqual({})
    await actions.terminate!(id, ctx)
    expect((await aws.handlers.instance.readMany!([id], ctx)).has(id)).toBe(false)
  })

  it('refuses to start, stop or reboot a terminated instance (moto would revive it; EC2 never does)', async () => {
    const ctx = ctxFor('instance', 'gone')
    const { id } = await aws.handlers.instance.create(instanceProps(subnetId), ctx)
    const actions = aws.handlers.instance.actions!
    await actions.terminate!(id, ctx)
    const calls = countCalls((await aws.clients()).ec2)
    for (const name of ['start', 'stop', 'reboot']) {
      const error = await actions[name]!(id, ctx).catch((caught: unknown) => caught)
      expect(ProviderError.isInstance(error) && error.classification).toBe('invalid')
      expect(String((error as Error).message)).toMatch(
        new RegExp(`${id} is terminated: EC2 cannot ${name} it`),
      )
    }
    expect(
      calls.count('StartInstances') + calls.count('StopInstances') + calls.count('RebootInstances'),
    ).toBe(0)
    calls.detach()
    // Still terminated: nothing brought it back.
    expect((await aws.handlers.instance.readMany!([id], ctx)).has(id)).toBe(false)
  })

  it('updates tags and firewalls in place and resizes by stop, modify, start', async () => {
    const ctx = ctxFor('instance', 'mutable')
    const props = instanceProps(subnetId, { tags: { a: '1', b: '2' } })
    const created = await aws.handlers.instance.create(props, ctx)
    const current = { props, outputs: created.outputs }
    const desired = { ...props, tags: { a: '1', c: '3' }, firewalls: [groupId], size: 'large' as const }
    const diff = await aws.handlers.instance.diff!(current, desired, ctx)
    expect(diff.changes.every((change) => !change.replace)).toBe(true)
    const updated = await aws.handlers.instance.update!(
      created.id,
      { current, desired, changed: ['firewalls', 'size', 'tags'] },
      ctx,
    )
    expect(updated.outputs.machineType).toBe('t3a.xlarge')
    const read = (await aws.handlers.instance.readMany!([created.id], ctx)).get(created.id)
    expect(read?.props.tags).toEqual({ a: '1', c: '3' })
    expect(read?.props.firewalls).toEqual([groupId])
    expect(read?.outputs.state).toBe('running')
  })

  it('marks image, subnet and boot options as replacements in diff', async () => {
    const props = instanceProps(subnetId)
    const ctx = ctxFor('instance', 'differ')
    const diff = await aws.handlers.instance.diff!(
      {
        props,
        outputs: { id: 'i-1', privateAddress: '', zone: '', state: 'running', machineType: 't3a.small' },
      },
      { ...props, image: 'debian-12', firewalls: [], providerOptions: { aws: { keyName: 'k' } } },
      ctx,
    )
    expect(diff.changes).toEqual([
      expect.objectContaining({ path: 'image', replace: true }),
      expect.objectContaining({ path: 'providerOptions', replace: true }),
    ])
  })

  it('deletes by terminating and waiting, and a second delete is a no-op', async () => {
    const ctx = ctxFor('instance', 'doomed')
    const props = instanceProps(subnetId)
    const { id, outputs } = await aws.handlers.instance.create(props, ctx)
    await aws.handlers.instance.delete!(id, { props, outputs }, ctx)
    await aws.handlers.instance.delete!(id, { props, outputs }, ctx)
    expect((await aws.handlers.instance.readMany!([id], ctx)).has(id)).toBe(false)
  })

  it('charges extra API calls to the right rate-limit scopes', async () => {
    const acquired: Record<string, number> = {}
    const provider = env.provider()
    const ctx = ctxFor('instance', 'charged', { acquired })
    await provider.handlers.instance.create(instanceProps(subnetId), ctx)
    // RunInstances used the engine's prepaid run-instances token; the image lookup and the
    // instance bucket were charged by the handler.
    expect(acquired).toEqual({ describe: 1, 'instances-started': 1 })
  })

  it('fails clearly for an image that does not exist', async () => {
    const ctx = ctxFor('instance', 'no-image')
    const error = await aws.handlers.instance
      .create(instanceProps(subnetId, { image: 'ami-00000000deadbeef0' }), ctx)
      .catch((caught: unknown) => caught)
    expect(ProviderError.isInstance(error)).toBe(true)
    const failure = error as ProviderError
    expect(failure.classification).toBe('invalid')
    expect(failure.message).toContain('itest/instance/no-image')
    expect(failure.message).toContain('ami-00000000deadbeef0 does not exist in us-east-1')
    expect(failure.message).toMatch(/use one from us-east-1/)
  })

  it('fails clearly for an instance type the catalog does not know, in check and at create', async () => {
    const ctx = ctxFor('instance', 'odd-type', { providerOptions: { instanceType: 'x9.huge' } })
    const props = instanceProps(subnetId, { providerOptions: { aws: { instanceType: 'x9.huge' } } })
    const issues = await aws.handlers.instance.check!(props, ctx)
    expect(issues).toEqual([
      expect.objectContaining({ path: 'providerOptions.aws.instanceType', severity: 'error' }),
    ])
    expect(issues[0]?.message).toContain('instance type "x9.huge" is not in the AWS catalog')
    const error = (await aws.handlers.instance
      .create(props, ctx)
      .catch((caught: unknown) => caught)) as ProviderError
    expect(error.classification).toBe('invalid')
    expect(error.message).toContain('itest/instance/odd-type')
  })

  it('reports the API error when a catalog type is not offered, naming the type', async () => {
    const provider = env.provider({
      catalog: [{ name: 'zz9.plural', cpus: 2, memoryGiB: 4, hourlyUsd: 0.001 }],
    })
    const error = (await provider.handlers.instance
      .create(instanceProps(subnetId), ctxFor('instance', 'unoffered'))
      .catch((caught: unknown) => caught)) as ProviderError
    expect(error.classification).toBe('invalid')
    expect(error.cloudCode).toMatch(/^InvalidInstanceType/)
    expect(error.message).toContain('zz9.plural')
    expect(error.message).toContain('choose another size')
  })
})
