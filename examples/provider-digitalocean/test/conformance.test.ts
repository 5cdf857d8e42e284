import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, startHarness, waitReady } from './support/harness.js'
import { OpenApiValidator } from './support/openapi/openapi-validator.js'
import { formatCoverage, formatViolations, validateAll } from './support/openapi/report.js'
import { locateSpecOrWarn } from './support/openapi/spec-location.js'

/*
 * The wire-level check: a full scenario through every handler of the provider, then every
 * request the provider sent and every response the local server gave is validated against
 * DigitalOcean's published OpenAPI description. Zero violations are expected; any are printed.
 */
const spec = locateSpecOrWarn()

/** Operations the scenario must exercise, so that "zero violations" covers them all. */
const EXPECTED_OPERATIONS = [
  'actions_get',
  'autoscalepools_create',
  'autoscalepools_delete_dangerous',
  'autoscalepools_get',
  'autoscalepools_list',
  'autoscalepools_list_members',
  'autoscalepools_update',
  'dropletActions_post',
  'droplets_create',
  'droplets_destroy',
  'droplets_get',
  'droplets_list',
  'firewalls_create',
  'firewalls_delete',
  'firewalls_get',
  'firewalls_list',
  'firewalls_update',
  'sizes_list',
  'tags_assign_resources',
  'tags_create',
  'tags_unassign_resources',
  'volumeActions_post_byId',
  'volumes_create',
  'volumes_delete',
  'volumes_get',
  'volumes_list',
  'vpcs_create',
  'vpcs_delete',
  'vpcs_get',
  'vpcs_list',
  'vpcs_patch',
]

describe.skipIf(!spec.ok)('wire conformance with the DigitalOcean OpenAPI description', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ fake: { maxPerPage: 2 } })
    await runScenario(h)
  }, 60_000)
  afterAll(() => h?.close())

  it('every request and response of a full scenario matches the description', () => {
    if (!spec.ok) return
    const validator = new OpenApiValidator(spec.rootFile)
    const summary = validateAll(validator, h.fake.exchanges)
    console.info(
      `OpenAPI conformance: ${h.fake.exchanges.length} exchanges, ${summary.operations.size} operations, ${summary.violations.length} violations\n${formatCoverage(summary)}`,
    )
    expect(summary.violations, `violations:\n${formatViolations(summary.violations)}`).toEqual([])
    const missing = EXPECTED_OPERATIONS.filter((operation) => !summary.operations.has(operation))
    expect(missing, 'operations the scenario did not exercise').toEqual([])
    // Error responses were exercised too, not only the happy path.
    const statuses = new Set(h.fake.exchanges.map((exchange) => exchange.status))
    for (const status of [200, 201, 202, 204, 401, 404, 422, 429, 500]) expect(statuses).toContain(status)
  })
})

async function runScenario(h: Harness): Promise<void> {
  const net = h.handler('network')
  const netCtx = h.ctx('network', 'net')
  const vpc = await net.create(h.props('network', { cidr: '10.50.0.0/16' }), netCtx)
  await net.read?.(vpc.id, netCtx)
  await net.update?.(
    vpc.id,
    {
      current: { props: {}, outputs: vpc.outputs },
      desired: h.props('network', { cidr: '10.50.0.0/16' }),
      changed: ['tags'],
    },
    netCtx,
  )
  await net.find?.({ ownership: netCtx.ownership }, netCtx)

  const subnet = await h
    .handler('subnet')
    .create(h.props('subnet', { network: vpc.id, cidr: '10.50.1.0/24' }), h.ctx('subnet', 'a'))

  const fwHandler = h.handler('firewall')
  const fwCtx = h.ctx('firewall', 'web')
  const fwProps = h.props('firewall', {
    network: vpc.id,
    ingress: [
      { ports: 443, from: '0.0.0.0/0' },
      { protocol: 'icmp', from: '10.0.0.0/8' },
    ],
  })
  const fw = await fwHandler.create(fwProps, fwCtx)
  await waitReady(fwHandler, fw.id, fwCtx)
  await fwHandler.update?.(
    fw.id,
    {
      current: { props: fwProps, outputs: fw.outputs },
      desired: h.props('firewall', {
        network: vpc.id,
        ingress: [{ ports: [80, 81], from: '0.0.0.0/0' }],
        egress: [],
      }),
      changed: ['ingress', 'egress'],
    },
    fwCtx,
  )
  await fwHandler.find?.({ ownership: fwCtx.ownership }, fwCtx)

  const instance = h.handler('instance')
  const webCtx = h.ctx('instance', 'web', { providerOptions: { sshKeys: [289794], monitoring: true } })
  const webProps = h.props('instance', {
    size: 'small',
    image: 'ubuntu-24.04',
    subnet: subnet.id,
    firewalls: [fw.id],
    publicIp: true,
    userData: '#cloud-config\n',
    tags: { env: 'test' },
  })
  const web = await instance.create(webProps, webCtx)
  await instance.create(webProps, webCtx)
  const workerCtx = h.ctx('instance', 'worker')
  const worker = await instance.create(
    h.props('instance', { size: 'medium', image: 'debian-12', subnet: subnet.id }),
    workerCtx,
  )
  await waitReady(instance, web.id, webCtx)
  await waitReady(instance, worker.id, workerCtx)
  await instance.readMany?.([web.id, worker.id], webCtx)
  await instance.actions?.stop?.(web.id, webCtx)
  await instance.actions?.start?.(web.id, webCtx)
  await instance.actions?.reboot?.(web.id, webCtx)
  await instance.update?.(
    web.id,
    {
      current: { props: webProps, outputs: web.outputs },
      desired: h.props('instance', {
        size: 'medium',
        image: 'ubuntu-24.04',
        subnet: subnet.id,
        firewalls: [],
        tags: { env: 'prod' },
      }),
      changed: ['size', 'firewalls', 'tags'],
    },
    webCtx,
  )
  await instance.find?.({ idempotencyKey: webCtx.idempotencyKey, ownership: webCtx.ownership }, webCtx)
  for await (const _ of instance.list?.({ stack: 'test', tags: { env: 'prod' } }, webCtx) ?? []) {
    // Draining the listing is the point: it walks the pages.
  }

  const volume = h.handler('volume')
  const volCtx = h.ctx('volume', 'data', {
    providerOptions: { filesystemType: 'xfs', filesystemLabel: 'data' },
  })
  const vol = await volume.create(
    h.props('volume', { sizeGiB: 10, attachTo: web.id, tags: { backup: 'yes' } }),
    volCtx,
  )
  await volume.update?.(
    vol.id,
    {
      current: { props: {}, outputs: vol.outputs },
      desired: h.props('volume', { sizeGiB: 20, attachTo: worker.id, tags: {} }),
      changed: ['sizeGiB', 'attachTo', 'tags'],
    },
    volCtx,
  )
  await volume.find?.({ ownership: volCtx.ownership }, volCtx)
  await volume.delete?.(vol.id, { props: {}, outputs: vol.outputs }, volCtx)

  const group = h.handler('instance-group')
  const groupCtx = h.ctx('instance-group', 'pool')
  const groupProps = (desired: number) =>
    h.props('instance-group', {
      size: 'small',
      image: 'ubuntu-24.04',
      subnets: [subnet.id],
      firewalls: [fw.id],
      min: 1,
      max: 4,
      desired,
      userData: '#!/bin/sh\n',
    })
  const pool = await group.create(groupProps(2), groupCtx)
  await waitReady(group, pool.id, groupCtx)
  await group.update?.(
    pool.id,
    { current: { props: {}, outputs: pool.outputs }, desired: groupProps(3), changed: ['desired'] },
    groupCtx,
  )
  await waitReady(group, pool.id, groupCtx)
  for await (const _ of group.list?.({ stack: 'test' }, groupCtx) ?? []) {
    // Walks the pool listing and each pool's members.
  }
  await group.delete?.(pool.id, { props: {}, outputs: pool.outputs }, groupCtx)

  await h.provider.refreshSizes()

  // Error paths: each must be a documented response too.
  await instance.read?.('31337', webCtx)
  await instance
    .create(webProps, h.ctx('instance', 'bad', { providerOptions: { size: 'no-such-size' } }))
    .catch(() => undefined)
  h.fake.inject({ status: 429, retryAfterSeconds: 1 })
  await net.read?.(vpc.id, netCtx).catch(() => undefined)
  h.fake.inject({ status: 500 })
  await net.read?.(vpc.id, netCtx).catch(() => undefined)
  const { createDigitalOcean } = await import('../src/index.js')
  await createDigitalOcean({ baseUrl: h.fake.url, token: 'wrong' })
    .kinds.network?.read?.(vpc.id, netCtx)
    .catch(() => undefined)

  // Tear down in dependency order.
  await instance.delete?.(web.id, { props: {}, outputs: web.outputs }, webCtx)
  await instance.delete?.(worker.id, { props: {}, outputs: worker.outputs }, workerCtx)
  await fwHandler.delete?.(fw.id, { props: {}, outputs: fw.outputs }, fwCtx)
  await net.delete?.(vpc.id, { props: {}, outputs: vpc.outputs }, netCtx)
}
