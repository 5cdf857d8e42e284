import {
  AuthorizeSecurityGroupEgressCommand,
  DetachVolumeCommand,
  ModifyInstanceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2'
import {
  type ApplyResult,
  createEngine,
  createStack,
  type Engine,
  firewall,
  instance,
  instanceGroup,
  memoryState,
  network,
  subnet,
  volume,
} from '@skyloom/core'
import { beforeEach, expect, it } from 'vitest'
import type { AwsProvider } from '../src/index.js'
import { describeMoto } from './support/env.js'

function failures(result: ApplyResult): string[] {
  return result.steps
    .filter((step) => step.outcome !== 'done' && step.outcome !== 'noop')
    .map((step) => `${step.urn} ${step.operation} ${step.outcome}: ${step.error?.message ?? ''}`)
}

/** A VPC with two subnets and two firewalls, a machine with a data volume, and a small group. */
function stackOf(aws: AwsProvider) {
  const stack = createStack('drift', { provider: aws })
  const net = stack.add(network('vpc', { cidr: '10.120.0.0/16' }))
  const a = stack.add(subnet('a', { network: net.out.id, cidr: '10.120.1.0/24', zone: 'us-east-1a' }))
  const b = stack.add(subnet('b', { network: net.out.id, cidr: '10.120.2.0/24', zone: 'us-east-1b' }))
  const web = stack.add(
    firewall('web', {
      network: net.out.id,
      ingress: [{ ports: 443, from: '0.0.0.0/0' }],
      // Explicit egress: only HTTPS out, not EC2's default allow-all.
      egress: [{ ports: 443, to: '0.0.0.0/0' }],
    }),
  )
  const ssh = stack.add(
    firewall('ssh', { network: net.out.id, ingress: [{ ports: 22, from: '10.0.0.0/8' }] }),
  )
  const vm = stack.add(
    instance('vm', {
      size: 'small',
      image: 'ubuntu-24.04',
      subnet: a.out.id,
      // Given in an order EC2 will not necessarily return them in.
      firewalls: [web.out.id, ssh.out.id],
      publicIp: true,
    }),
  )
  stack.add(volume('data', { sizeGiB: 20, attachTo: vm.out.id }))
  stack.add(
    instanceGroup('workers', {
      size: 'small',
      image: 'ubuntu-24.04',
      subnets: [b.out.id, a.out.id],
      min: 0,
      max: 2,
      desired: 1,
    }),
  )
  return stack
}

/**
 * Drift as EC2 reports it: what a console user really changes shows up on refresh and is put
 * back by the next apply, and how EC2 reports unchanged things (id lists in its own order, a
 * stopped machine without its public address) is never taken for drift.
 */
describeMoto('drift detection through the engine', (env) => {
  let aws: AwsProvider
  let engine: Engine
  let outputs: Readonly<Record<string, Readonly<Record<string, unknown>>>>

  beforeEach(async () => {
    await env.reset()
    aws = env.provider()
    engine = createEngine({ state: memoryState() })
    const applied = await engine.up(stackOf(aws))
    expect(failures(applied)).toEqual([])
    outputs = applied.outputs
  })

  const idOf = (urn: string) => String(outputs[urn]?.id)

  it('reports no drift right after an apply, whatever order EC2 lists ids in', async () => {
    const report = await engine.refresh(stackOf(aws))
    expect(report.drifted).toEqual([])
    const plan = await engine.plan(stackOf(aws))
    expect(plan.changes.filter((change) => change.action !== 'noop')).toEqual([])
  })

  it('sees a volume detached in the console, and the next apply attaches it again', async () => {
    const { ec2 } = await aws.clients()
    const volumeId = idOf('drift/volume/data')
    // moto needs the instance named (EC2 does not).
    await ec2.send(new DetachVolumeCommand({ VolumeId: volumeId, InstanceId: idOf('drift/instance/vm') }))
    const report = await engine.refresh(stackOf(aws))
    expect(report.drifted).toEqual([
      expect.objectContaining({
        urn: 'drift/volume/data',
        fields: [expect.objectContaining({ path: 'attachTo', actual: undefined })],
      }),
    ])
    const repaired = await engine.up(stackOf(aws))
    expect(failures(repaired)).toEqual([])
    expect(repaired.outputs['drift/volume/data']).toMatchObject({ attachedTo: idOf('drift/instance/vm') })
    expect((await engine.refresh(stackOf(aws))).drifted).toEqual([])
  })

  it('sees explicit egress reset to the default allow-all, and puts the rules back', async () => {
    const { ec2 } = await aws.clients()
    const groupId = idOf('drift/firewall/web')
    await ec2.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    )
    await ec2.send(
      new RevokeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      }),
    )
    const report = await engine.refresh(stackOf(aws))
    expect(report.drifted).toEqual([
      expect.objectContaining({
        urn: 'drift/firewall/web',
        fields: [expect.objectContaining({ path: 'egress', actual: undefined })],
      }),
    ])
    const plan = await engine.plan(stackOf(aws))
    expect(plan.changes.filter((change) => change.action !== 'noop')).toEqual([
      expect.objectContaining({ urn: 'drift/firewall/web', action: 'update' }),
    ])
    expect(failures(await engine.apply(plan))).toEqual([])
    expect((await engine.refresh(stackOf(aws))).drifted).toEqual([])
  })

  it('sees a firewall removed from a machine, and adds it back in place', async () => {
    const { ec2 } = await aws.clients()
    await ec2.send(
      new ModifyInstanceAttributeCommand({
        InstanceId: idOf('drift/instance/vm'),
        Groups: [idOf('drift/firewall/ssh')],
      }),
    )
    const report = await engine.refresh(stackOf(aws))
    expect(report.drifted.map((entry) => [entry.urn, entry.fields.map((field) => field.path)])).toEqual([
      ['drift/instance/vm', ['firewalls']],
    ])
    const repaired = await engine.up(stackOf(aws))
    expect(failures(repaired)).toEqual([])
    expect(repaired.plan.changes.find((change) => change.urn === 'drift/instance/vm')?.action).toBe('update')
    expect((await engine.refresh(stackOf(aws))).drifted).toEqual([])
  })

  it('does not take a stopped machine’s released public address for drift (no replacement)', async () => {
    const { ec2 } = await aws.clients()
    await ec2.send(new StopInstancesCommand({ InstanceIds: [idOf('drift/instance/vm')] }))
    const report = await engine.refresh(stackOf(aws))
    expect(report.drifted).toEqual([])
    const plan = await engine.plan(stackOf(aws))
    expect(plan.changes.filter((change) => change.action === 'replace')).toEqual([])
  })
})
