import { CreateOrUpdateTagsCommand } from '@aws-sdk/client-auto-scaling'
import { CreateTagsCommand } from '@aws-sdk/client-ec2'
import type { ProviderUnderTest } from '@skyloom/testkit'
import { type AwsProvider, createAws } from '../../src/index.js'
import { ctxFor } from './context.js'
import { motoEnvironment, TEST_CREDENTIALS } from './env.js'
import { startMoto } from './moto.js'
import { startProxy } from './proxy.js'

/** The provider under test as the conformance kit takes it, plus the typed provider. */
export interface AwsUnderTest extends ProviderUnderTest {
  readonly aws: AwsProvider
  readonly throttle: () => Promise<unknown>
  readonly cleanup: () => Promise<void>
}

/** Kinds in an order where each one's fixture ids already exist. */
export const CONFORMANCE_KINDS = [
  'network',
  'subnet',
  'firewall',
  'instance',
  'volume',
  'instance-group',
] as const

/**
 * Starts moto and the proxy, builds what the fixtures point at (two VPCs, a subnet), and
 * returns the provider with a fixture per kind: the conformance kit's `setup`.
 */
export async function awsUnderTest(): Promise<AwsUnderTest> {
  const moto = await startMoto({ env: motoEnvironment() })
  const proxy = await startProxy(moto.endpoint)
  const aws = createAws({
    region: 'us-east-1',
    endpoint: proxy.endpoint,
    credentials: TEST_CREDENTIALS,
    pollIntervalMs: 10,
  })
  const base = (name: string) => ctxFor('network', name, { stack: 'kit-base' })
  const vpc = await aws.handlers.network.create({ cidr: '10.199.0.0/16', tags: {} }, base('vpc'))
  const other = await aws.handlers.network.create({ cidr: '10.198.0.0/16', tags: {} }, base('other'))
  const sub = await aws.handlers.subnet.create(
    { network: vpc.id, cidr: '10.199.1.0/24', zone: 'us-east-1a', public: false, tags: {} },
    ctxFor('subnet', 'sub', { stack: 'kit-base' }),
  )
  const instance = { size: 'small', image: 'ubuntu-24.04', subnet: sub.id }
  const group = { size: 'small', image: 'ubuntu-24.04', subnets: [sub.id], min: 0, max: 3, desired: 1 }
  return {
    provider: aws,
    aws,
    // EC2 answers RequestLimitExceeded without a Retry-After (or any "when"): the engine backs
    // off on its own, so the kit checks only that the error is classified throttled.
    throttleSaysWhen: false,
    fixtures: {
      network: {
        create: { cidr: '10.200.0.0/16', tags: { kit: 'a' } },
        update: { props: { cidr: '10.200.0.0/16', tags: { kit: 'b' } }, changed: ['tags'] },
        replace: { cidr: '10.201.0.0/16', tags: { kit: 'a' } },
        missingId: 'vpc-0123456789abcdef0',
      },
      subnet: {
        create: { network: vpc.id, cidr: '10.199.10.0/24', zone: 'us-east-1a' },
        update: {
          props: { network: vpc.id, cidr: '10.199.10.0/24', zone: 'us-east-1a', public: true },
          changed: ['public'],
        },
        replace: { network: vpc.id, cidr: '10.199.11.0/24', zone: 'us-east-1a' },
        missingId: 'subnet-0123456789abcdef0',
      },
      firewall: {
        create: { network: vpc.id, ingress: [{ ports: 22, from: '10.0.0.0/8' }] },
        update: {
          props: { network: vpc.id, ingress: [{ ports: 443, from: '0.0.0.0/0' }] },
          changed: ['ingress'],
        },
        replace: { network: other.id, ingress: [{ ports: 22, from: '10.0.0.0/8' }] },
        missingId: 'sg-0123456789abcdef0',
      },
      instance: {
        create: instance,
        update: { props: { ...instance, tags: { kit: 'b' } }, changed: ['tags'] },
        replace: { ...instance, image: 'debian-12' },
        missingId: 'i-0123456789abcdef0',
        // Termination is final: the kit runs it on an instance of its own.
        finalActions: ['terminate'],
      },
      volume: {
        create: { sizeGiB: 8, zone: 'us-east-1a' },
        update: { props: { sizeGiB: 16, zone: 'us-east-1a' }, changed: ['sizeGiB'] },
        replace: { sizeGiB: 8, zone: 'us-east-1b' },
        missingId: 'vol-0123456789abcdef0',
      },
      'instance-group': {
        create: group,
        update: { props: { ...group, desired: 2 }, changed: ['desired'] },
        missingId: 'skyloom-kit-missing-group',
      },
    },
    async mutateOutOfBand(kind, id) {
      const { ec2, autoScaling } = await aws.clients()
      if (kind === 'instance-group') {
        await autoScaling.send(
          new CreateOrUpdateTagsCommand({
            Tags: [
              {
                ResourceId: id,
                ResourceType: 'auto-scaling-group',
                Key: 'drift',
                Value: 'yes',
                PropagateAtLaunch: false,
              },
            ],
          }),
        )
      } else {
        await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'drift', Value: 'yes' }] }))
      }
      return 'tags'
    },
    async throttle() {
      proxy.fail('DescribeVpcs', 'RequestLimitExceeded', { status: 503, message: 'Request limit exceeded.' })
      await aws.handlers.network.readMany!(['vpc-0123456789abcdef0'], ctxFor('network', 'throttled'))
    },
    async cleanup() {
      await proxy.close()
      await moto.stop()
    },
  }
}
