import { DescribeInstancesCommand } from '@aws-sdk/client-ec2'
import type { ProviderError } from '@skyloom/core/provider'
import { beforeAll, expect, it } from 'vitest'
import { type AwsProvider, countCalls } from '../src/index.js'
import { ctxFor } from './support/context.js'
import { describeMoto } from './support/env.js'
import { IMAGES } from './support/images.js'
import { instanceProps, networkProps, subnetProps } from './support/props.js'

const launchImage = async (aws: AwsProvider, subnetId: string, image: string, name: string) => {
  const created = await aws.handlers.instance.create(
    instanceProps(subnetId, { image }),
    ctxFor('instance', name),
  )
  const { ec2 } = await aws.clients()
  const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [created.id] }))
  return described.Reservations?.[0]?.Instances?.[0]?.ImageId
}

describeMoto('image aliases through DescribeImages', (env) => {
  let subnetId: string

  beforeAll(async () => {
    await env.reset()
    const aws = env.provider()
    const net = await aws.handlers.network.create(networkProps('10.80.0.0/16'), ctxFor('network', 'net'))
    subnetId = (
      await aws.handlers.subnet.create(subnetProps(net.id, '10.80.1.0/24'), ctxFor('subnet', 'sub'))
    ).id
  })

  it.each([
    ['ubuntu-24.04', IMAGES.noble],
    ['ubuntu-22.04', IMAGES.jammy],
    ['debian-12', IMAGES.debian],
    ['rhel-9', IMAGES.rhel],
    ['windows-2022', IMAGES.windows],
  ])('resolves %s to the publisher’s newest x86_64 image', async (alias, expected) => {
    expect(await launchImage(env.provider(), subnetId, alias, `img-${alias.replace('.', '-')}`)).toBe(
      expected,
    )
  })

  it('asks once per region and image, and uses a native AMI id as given', async () => {
    const aws = env.provider()
    const { ec2 } = await aws.clients()
    const calls = countCalls(ec2)
    await Promise.all([1, 2, 3].map((index) => launchImage(aws, subnetId, 'debian-12', `cached-${index}`)))
    await launchImage(aws, subnetId, IMAGES.amazonLinux, 'native')
    await launchImage(aws, subnetId, IMAGES.amazonLinux, 'native-again')
    expect(calls.count('DescribeImages')).toBe(2) // debian-12 once, the native id once
    const request = env.proxy.requests.filter((entry) => entry.action === 'DescribeImages').at(-2)
    expect(request?.params.get('Owner.1')).toBe('136693071363')
    expect(request?.params.get('Filter.1.Value.1')).toBe('debian-12-amd64-*')
  })

  it('accepts aliases mapped in settings', async () => {
    const aws = env.provider({ images: { golden: { owners: ['137112412989'], name: 'al2023-ami-*' } } })
    expect(await launchImage(aws, subnetId, 'golden', 'golden')).toBe(IMAGES.amazonLinux)
    expect(
      aws.handlers.instance.check!(instanceProps(subnetId, { image: 'golden' }), ctxFor('instance', 'g')),
    ).toEqual([])
  })

  it('rejects an image that is neither an alias nor an AMI id in check', async () => {
    const aws = env.provider()
    const issues = await aws.handlers.instance.check!(
      instanceProps(subnetId, { image: 'centos-7' }),
      ctxFor('instance', 'c'),
    )
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'image',
        message: expect.stringContaining('image "centos-7" is neither an alias'),
      }),
    ])
  })

  it('refreshes the catalog from DescribeInstanceTypes', async () => {
    const aws = env.provider()
    const result = await aws.refreshCatalog()
    expect(result.kept).toContain('t3a.small')
    expect(result.kept).toContain('m6i.large')
    expect(aws.catalog.resolve('small')?.name).toBe('t3a.small')
  })
})

describeMoto(
  'image aliases against moto’s bundled images',
  (env) => {
    let subnetId: string
    beforeAll(async () => {
      await env.reset()
      const aws = env.provider()
      const net = await aws.handlers.network.create(networkProps('10.81.0.0/16'), ctxFor('network', 'net'))
      subnetId = (
        await aws.handlers.subnet.create(subnetProps(net.id, '10.81.1.0/24'), ctxFor('subnet', 'sub'))
      ).id
    })

    it('explains an alias that matches no image in the region', async () => {
      const aws = env.provider()
      const failure = (await aws.handlers.instance
        .create(instanceProps(subnetId, { image: 'ubuntu-24.04' }), ctxFor('instance', 'no-noble'))
        .catch((error: unknown) => error)) as ProviderError
      expect(failure.classification).toBe('invalid')
      expect(failure.message).toContain('itest/instance/no-noble')
      expect(failure.message).toContain('image alias "ubuntu-24.04" matched no available image in us-east-1')
      expect(failure.message).toContain("createAws({ images: { 'ubuntu-24.04': { owners, name } } })")
    })

    it('launches a bundled AMI by id, and maps a bundled Amazon Linux through settings', async () => {
      // moto's bundled Ubuntu 16.04 (Canonical) and Amazon Linux 2023 images.
      expect(await launchImage(env.provider(), subnetId, 'ami-785db401', 'xenial')).toBe('ami-785db401')
      const aws = env.provider({
        images: { al2023: { owners: ['amazon'], name: 'al2023-ami-2023.*-kernel-6.1-x86_64' } },
      })
      expect(await launchImage(aws, subnetId, 'al2023', 'al2023')).toMatch(/^ami-/)
    })
  },
  { bundledImages: true },
)
