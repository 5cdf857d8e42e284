import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2'
import { ProviderError } from '@skyloom/core/provider'
import { beforeAll, beforeEach, expect, it } from 'vitest'
import type { AwsProvider } from '../src/index.js'
import { ctxFor } from './support/context.js'
import { describeMoto, TEST_CREDENTIALS } from './support/env.js'
import { IMAGES } from './support/images.js'
import { firewallProps, instanceProps, networkProps, subnetProps, volumeProps } from './support/props.js'

/**
 * Idempotency and crash recovery. moto ignores ClientToken (the same token twice launches two
 * instances), so these tests put the failure in the proxy: the request reaches moto and is
 * carried out, but the reply is lost, exactly as when a connection drops mid-call.
 */
describeMoto('idempotency and crash recovery', (env) => {
  let subnetId: string

  beforeAll(async () => {
    await env.reset()
    const aws = env.provider()
    const net = await aws.handlers.network.create(networkProps('10.70.0.0/16'), ctxFor('network', 'net'))
    subnetId = (
      await aws.handlers.subnet.create(subnetProps(net.id, '10.70.1.0/24'), ctxFor('subnet', 'sub'))
    ).id
  })
  beforeEach(() => env.proxy.clear())

  const liveInstances = async (aws: AwsProvider, urn: string) => {
    const { ec2 } = await aws.clients()
    const output = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:skyloom-urn', Values: [urn] },
          { Name: 'instance-state-name', Values: ['pending', 'running'] },
        ],
      }),
    )
    return (output.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? [])
  }

  it('moto really does launch twice for one ClientToken (why the provider cannot rely on it here)', async () => {
    const ec2 = new EC2Client({
      endpoint: env.moto.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    })
    const input = {
      ImageId: IMAGES.noble,
      InstanceType: 't3.micro' as const,
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnetId,
      ClientToken: 'same-token',
    }
    const first = await ec2.send(new RunInstancesCommand(input))
    const second = await ec2.send(new RunInstancesCommand(input))
    expect(first.Instances?.[0]?.InstanceId).not.toBe(second.Instances?.[0]?.InstanceId)
  })

  it('a retried create after a lost RunInstances reply finds the instance instead of launching a second', async () => {
    const aws = env.provider()
    const ctx = ctxFor('instance', 'lost-reply')
    env.proxy.dropResponse('RunInstances')

    const failure = await aws.handlers.instance
      .create(instanceProps(subnetId), ctx)
      .catch((error: unknown) => error)
    expect(ProviderError.isInstance(failure)).toBe(true)
    // The engine retries transient failures with the same idempotency key.
    expect((failure as ProviderError).classification).toBe('transient')
    expect(aws.classifyError!(failure)).toMatchObject({ class: 'transient' })
    expect(await liveInstances(aws, ctx.urn)).toHaveLength(1)

    const retried = await aws.handlers.instance.create(instanceProps(subnetId), ctx)
    const live = await liveInstances(aws, ctx.urn)
    expect(live).toHaveLength(1)
    expect(retried.id).toBe(live[0]?.InstanceId)
    expect(env.proxy.requests.filter((request) => request.action === 'RunInstances')).toHaveLength(1)
  })

  it('a retry after a request that never reached EC2 launches exactly once', async () => {
    const aws = env.provider()
    const ctx = ctxFor('instance', 'never-sent')
    env.proxy.fail('RunInstances', 'InternalError', { status: 500 })
    const failure = (await aws.handlers.instance
      .create(instanceProps(subnetId), ctx)
      .catch((error: unknown) => error)) as ProviderError
    expect(failure.classification).toBe('transient')
    expect(await liveInstances(aws, ctx.urn)).toHaveLength(0)
    const retried = await aws.handlers.instance.create(instanceProps(subnetId), ctx)
    expect((await liveInstances(aws, ctx.urn)).map((instance) => instance.InstanceId)).toEqual([retried.id])
  })

  it('after a crash, a new process finds the interrupted create by its idempotency key', async () => {
    const crashed = env.provider()
    const ctx = ctxFor('instance', 'crashed')
    env.proxy.dropResponse('RunInstances')
    await crashed.handlers.instance.create(instanceProps(subnetId), ctx).catch(() => undefined)

    // The next run: a fresh provider (no memory of sent keys) resolves the journaled intent.
    const next = env.provider()
    const found = await next.handlers.instance.find!(
      { ownership: ctx.ownership, idempotencyKey: ctx.idempotencyKey },
      ctx,
    )
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({
      ownership: { stack: 'itest', urn: 'itest/instance/crashed' },
      outputs: { state: 'running' },
    })
    expect(await liveInstances(next, ctx.urn)).toHaveLength(1)
  })

  it('finds a replacement’s instance apart from the one it replaces, although both carry the URN', async () => {
    const aws = env.provider()
    const old = ctxFor('instance', 'replaced')
    const replacement = ctxFor('instance', 'replaced')
    const first = await aws.handlers.instance.create(instanceProps(subnetId), old)
    const second = await aws.handlers.instance.create(instanceProps(subnetId), replacement)
    const byKey = await aws.handlers.instance.find!(
      { ownership: replacement.ownership, idempotencyKey: replacement.idempotencyKey },
      replacement,
    )
    expect(byKey.map((found) => found.id)).toEqual([second.id])
    const byUrn = await aws.handlers.instance.find!({ ownership: old.ownership }, old)
    expect(byUrn.map((found) => found.id).sort()).toEqual([first.id, second.id].sort())
  })

  it('recovers lost replies for VPCs, subnets, security groups and volumes the same way', async () => {
    const aws = env.provider()
    const vpcCtx = ctxFor('network', 'lost-vpc')
    env.proxy.dropResponse('CreateVpc')
    await expect(aws.handlers.network.create(networkProps('10.71.0.0/16'), vpcCtx)).rejects.toThrow()
    const vpc = await aws.handlers.network.create(networkProps('10.71.0.0/16'), vpcCtx)
    expect(
      (await aws.handlers.network.find!({ ownership: vpcCtx.ownership }, vpcCtx)).map((found) => found.id),
    ).toEqual([vpc.id])

    const net = await aws.handlers.network.create(networkProps('10.72.0.0/16'), ctxFor('network', 'n2'))
    const subnetCtx = ctxFor('subnet', 'lost-subnet')
    env.proxy.dropResponse('CreateSubnet')
    await expect(aws.handlers.subnet.create(subnetProps(net.id, '10.72.1.0/24'), subnetCtx)).rejects.toThrow()
    const subnet = await aws.handlers.subnet.create(subnetProps(net.id, '10.72.1.0/24'), subnetCtx)
    expect(
      (await aws.handlers.subnet.find!({ ownership: subnetCtx.ownership }, subnetCtx)).map(
        (found) => found.id,
      ),
    ).toEqual([subnet.id])

    const fwCtx = ctxFor('firewall', 'lost-fw')
    env.proxy.dropResponse('CreateSecurityGroup')
    await expect(aws.handlers.firewall.create(firewallProps(net.id), fwCtx)).rejects.toThrow()
    const fw = await aws.handlers.firewall.create(firewallProps(net.id), fwCtx)
    expect(
      (await aws.handlers.firewall.find!({ ownership: fwCtx.ownership }, fwCtx)).map((found) => found.id),
    ).toEqual([fw.id])

    const volumeCtx = ctxFor('volume', 'lost-volume')
    env.proxy.dropResponse('CreateVolume')
    await expect(
      aws.handlers.volume.create(volumeProps(5, { zone: 'us-east-1a' }), volumeCtx),
    ).rejects.toThrow()
    const volume = await aws.handlers.volume.create(volumeProps(5, { zone: 'us-east-1a' }), volumeCtx)
    expect(
      (await aws.handlers.volume.find!({ ownership: volumeCtx.ownership }, volumeCtx)).map(
        (found) => found.id,
      ),
    ).toEqual([volume.id])
  })

  it('classifies throttling as throttled and keeps the cloud’s code', async () => {
    const aws = env.provider()
    env.proxy.fail('DescribeInstances', 'RequestLimitExceeded', {
      status: 503,
      message: 'Request limit exceeded.',
    })
    const failure = (await aws.handlers.instance.readMany!(
      ['i-0123456789abcdef0'],
      ctxFor('instance', 'throttled'),
    ).catch((error: unknown) => error)) as ProviderError
    expect(failure.classification).toBe('throttled')
    expect(failure.cloudCode).toBe('RequestLimitExceeded')
    expect(failure.retryable).toBe(true)
  })

  it('classifies a dependency violation as a conflict the engine may retry', async () => {
    const aws = env.provider()
    const net = await aws.handlers.network.create(networkProps('10.73.0.0/16'), ctxFor('network', 'busy'))
    await aws.handlers.subnet.create(subnetProps(net.id, '10.73.1.0/24'), ctxFor('subnet', 'inside'))
    const failure = (await aws.handlers.network.delete!(
      net.id,
      { props: networkProps('10.73.0.0/16'), outputs: net.outputs },
      ctxFor('network', 'busy'),
    ).catch((error: unknown) => error)) as ProviderError
    expect(failure.classification).toBe('conflict')
    expect(failure.cloudCode).toBe('DependencyViolation')
    expect(failure.message).toContain('Something still uses the VPC')
  })
})
