import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { ProviderError, SIZE_CLASSES } from '@skyloom/core/provider'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  AWS_LIMITS,
  AWS_SCOPES,
  aws,
  createAws,
  DEFAULT_INSTANCE_CATALOG,
  InstanceCatalog,
} from '../src/index.js'
import { ctxFor } from './support/context.js'
import { instanceProps, networkProps } from './support/props.js'

const ENV_KEYS = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
]

describe('createAws and the default instance', () => {
  const saved: Record<string, string | undefined> = {}
  beforeEach(() => {
    for (const key of ENV_KEYS) {
      saved[key] = process.env[key]
      delete process.env[key]
    }
  })
  afterEach(() => {
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key]
      else process.env[key] = saved[key]
    }
  })

  it('loads no AWS SDK module on import, only when a client is first needed', () => {
    const script = fileURLToPath(new URL('./support/import-probe.mjs', import.meta.url))
    const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url))
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=@skyloom/source', script, entry],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        encoding: 'utf8',
        env: { ...process.env, AWS_REGION: '', AWS_DEFAULT_REGION: '' },
      },
    )
    expect(result.stderr).toBe('')
    const [onImport, onFirstUse] = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as string[])
    expect(onImport).toEqual([])
    expect(onFirstUse).toContain('@aws-sdk/client-ec2')
  }, 30_000)

  it('reads the region from the environment when first used, not at creation', async () => {
    const provider = createAws()
    expect(provider.key).toBe('aws/default-region')
    process.env.AWS_DEFAULT_REGION = 'eu-west-1'
    expect(provider.key).toBe('aws/eu-west-1')
    process.env.AWS_REGION = 'eu-central-1'
    expect(provider.key).toBe('aws/eu-central-1')
    expect(await provider.region()).toBe('eu-central-1')
    expect(createAws({ region: 'ap-south-1', account: '123456789012' }).key).toBe(
      'aws/123456789012/ap-south-1',
    )
    expect(aws.name).toBe('aws')
    expect(aws.specificationVersion).toBe('v1')
  })

  it('rejects malformed settings with every problem listed', () => {
    expect(() =>
      createAws({ region: 'Europe', endpoint: 'not a url', account: '42', pollIntervalMs: 0 } as never),
    ).toThrowError(
      /region: an AWS region looks like "eu-west-1"[\s\S]*endpoint[\s\S]*account: an AWS account id is 12 digits[\s\S]*pollIntervalMs/,
    )
  })

  it('reports a missing region in check and at apply, saying how to set one', async () => {
    const provider = createAws()
    const ctx = ctxFor('network', 'net')
    const issues = await provider.handlers.network.check!(networkProps('10.0.0.0/16'), ctx)
    expect(issues).toEqual([
      expect.objectContaining({ severity: 'error', message: expect.stringContaining('AWS_REGION') }),
    ])
    const failure = (await provider.handlers.network
      .create(networkProps('10.0.0.0/16'), ctx)
      .catch((error: unknown) => error)) as ProviderError
    expect(ProviderError.isInstance(failure)).toBe(true)
    expect(failure.classification).toBe('invalid')
    expect(failure.message).toContain('itest/network/net')
    expect(failure.message).toContain('createAws({ region: "eu-west-1" })')
  })

  it('reports a wrong region with the nearest real ones', async () => {
    const provider = createAws({
      region: 'us-east-9',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    })
    const ctx = ctxFor('instance', 'web')
    const issues = await provider.handlers.instance.check!(instanceProps('subnet-1'), ctx)
    expect(issues[0]?.message).toMatch(
      /"us-east-9" \(from settings.region\) is not an AWS region\. Did you mean one of us-east-1, us-east-2\?/,
    )
    const failure = (await provider.handlers.instance
      .create(instanceProps('subnet-1'), ctx)
      .catch((error: unknown) => error)) as ProviderError
    expect(failure.classification).toBe('invalid')
    expect(failure.message).toContain('itest/instance/web')
    expect(failure.message).toContain('allowUnknownRegion')
    expect(
      createAws({ region: 'us-east-9', allowUnknownRegion: true }).handlers.network.check!(
        networkProps('10.0.0.0/16'),
        ctx,
      ),
    ).toEqual([])
  })

  it('fails without credentials with a message that says how to provide them', async () => {
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials'
    process.env.AWS_CONFIG_FILE = '/nonexistent/config'
    process.env.AWS_EC2_METADATA_DISABLED = 'true'
    // Nothing listens on port 9: the SDK must fail on credentials before it connects.
    const provider = createAws({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' })
    const failure = (await provider.handlers.network
      .create(networkProps('10.0.0.0/16'), ctxFor('network', 'net'))
      .catch((error: unknown) => error)) as ProviderError
    expect(ProviderError.isInstance(failure)).toBe(true)
    expect(failure.classification).toBe('fatal')
    expect(failure.message).toContain('itest/network/net')
    expect(failure.message).toContain('no AWS credentials found for us-east-1')
    expect(failure.message).toContain('AWS_ACCESS_KEY_ID')
    expect(failure.message).toContain('createAws({ credentials })')
    expect(provider.classifyError!(failure.cause)).toMatchObject({
      class: 'fatal',
      code: 'CredentialsProviderError',
    })
  }, 20_000)
})

describe('providerOptions.aws', () => {
  it('reports unknown or malformed options in check, and fails create naming the resource', async () => {
    const provider = createAws({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    })
    const props = instanceProps('subnet-1', {
      providerOptions: { aws: { instanceType: 'huge', spot: true } },
    })
    const ctx = ctxFor('instance', 'opts')
    const issues = await provider.handlers.instance.check!(props, ctx)
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'providerOptions.aws',
        severity: 'error',
        message: expect.stringMatching(
          /providerOptions\.aws\.instanceType: an instance type looks like "m6i\.large"/,
        ),
      }),
    ])
    const failure = (await provider.handlers.instance
      .create(props, ctx)
      .catch((error: unknown) => error)) as ProviderError
    expect(failure.classification).toBe('invalid')
    expect(failure.message).toContain('itest/instance/opts')
    expect(failure.message).toContain('spot')
  })
})

describe('limits', () => {
  it('declares the published EC2 token buckets', () => {
    expect(AWS_SCOPES.describe).toMatchObject({ capacity: 100, refillPerSecond: 20 })
    expect(AWS_SCOPES.mutate).toMatchObject({ capacity: 50, refillPerSecond: 5 })
    expect(AWS_SCOPES['run-instances']).toMatchObject({ capacity: 5, refillPerSecond: 2 })
    expect(AWS_SCOPES['terminate-instances']).toMatchObject({ capacity: 100, refillPerSecond: 5 })
    expect(AWS_SCOPES['create-tags']).toMatchObject({ capacity: 100, refillPerSecond: 10 })
    expect(AWS_SCOPES['instances-started']).toMatchObject({ capacity: 1000, refillPerSecond: 2 })
    expect(AWS_SCOPES['instances-stopped']).toMatchObject({ capacity: 1000, refillPerSecond: 20 })
    expect(AWS_SCOPES['describe-unfiltered']).toMatchObject({ capacity: 50, refillPerSecond: 10 })
    expect(AWS_LIMITS).toMatchObject({ readScope: 'describe', mutateScope: 'mutate' })
  })

  it('names only declared scopes in every handler, with an expected duration per operation', () => {
    const provider = createAws({ region: 'us-east-1' })
    for (const [kind, handler] of Object.entries(provider.kinds)) {
      for (const [operation, traits] of Object.entries(handler.operations ?? {})) {
        expect(Object.keys(AWS_SCOPES), `${kind}.${operation}`).toContain(traits?.scope)
        expect(traits?.expectedMs, `${kind}.${operation}`).toBeGreaterThan(0)
      }
    }
    expect(provider.handlers.instance.readBatchSize).toBe(1000)
    expect(provider.handlers.instance.operations?.create?.scope).toBe('run-instances')
    expect(provider.handlers.instance.operations?.delete?.scope).toBe('terminate-instances')
  })
})

describe('catalog and pricing', () => {
  const catalog = new InstanceCatalog()

  it('resolves each size class to the cheapest fitting type', () => {
    expect(catalog.resolve('small')?.name).toBe('t3a.small')
    expect(catalog.resolve('medium')?.name).toBe('t3a.medium')
    expect(catalog.resolve('large')?.name).toBe('t3a.xlarge')
    expect(catalog.resolve('xlarge')?.name).toBe('t3a.2xlarge')
    expect(catalog.resolve({ cpus: 16, memoryGiB: 32 })?.name).toBe('c6i.4xlarge')
    expect(catalog.resolve({ cpus: 4, memoryGiB: 30 })?.name).toBe('r6i.xlarge')
    expect(catalog.resolve({ cpus: 256, memoryGiB: 8 })).toBeUndefined()
    for (const size of Object.keys(SIZE_CLASSES)) expect(catalog.resolve(size as 'small')).toBeDefined()
  })

  it('keeps to the allowed families', () => {
    const steady = new InstanceCatalog(DEFAULT_INSTANCE_CATALOG, ['m6i', 'c6i'])
    expect(steady.resolve('small')?.name).toBe('c6i.large')
    expect(steady.resolve('large')?.name).toBe('m6i.xlarge')
  })

  it('narrows to a region’s types and takes their figures from the API', () => {
    const local = new InstanceCatalog(DEFAULT_INSTANCE_CATALOG)
    const result = local.applyObserved([
      { name: 't3.micro', cpus: 2, memoryGiB: 1 },
      { name: 'm6i.large', cpus: 2, memoryGiB: 8 },
      { name: 'c6i.large', cpus: 2, memoryGiB: 3.5 },
    ])
    expect(result.kept).toEqual(['t3.micro', 'm6i.large', 'c6i.large'])
    expect(result.updated).toEqual(['c6i.large'])
    expect(result.removed).toContain('t3a.small')
    expect(local.resolve('small')?.name).toBe('c6i.large') // 3.5 GiB still fits, and costs less than m6i.large
  })

  it('prices instances, volumes and groups per month and networks at zero', () => {
    const provider = createAws({ region: 'us-east-1' })
    const pricing = provider.pricing!
    expect(pricing.monthly('instance', instanceProps('subnet-1', { size: 'medium' }))).toBeCloseTo(
      0.0376 * 730,
      6,
    )
    expect(pricing.monthly('instance', instanceProps('subnet-1', { diskGiB: 100 }))).toBeCloseTo(
      0.0188 * 730 + 8,
      6,
    )
    expect(
      pricing.monthly(
        'instance',
        instanceProps('subnet-1', { providerOptions: { aws: { instanceType: 'm6i.large' } } }),
      ),
    ).toBeCloseTo(0.096 * 730, 6)
    expect(pricing.monthly('volume', { sizeGiB: 100, type: 'ssd' })).toBeCloseTo(8, 6)
    expect(pricing.monthly('volume', { sizeGiB: 500, type: 'standard' })).toBeCloseTo(22.5, 6)
    expect(pricing.monthly('volume', { sizeGiB: 10, type: 'fast' })).toBeCloseTo(1.25 + 3000 * 0.065, 6)
    expect(pricing.monthly('network', { cidr: '10.0.0.0/16' })).toBe(0)
    expect(pricing.monthly('instance', { size: { cpus: 999, memoryGiB: 1 } })).toBeUndefined()
  })
})
