import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeTag } from '../src/tags.js'
import { type Harness, startHarness, waitReady } from './support/harness.js'
import { createInstance, createNetwork } from './support/scenario.js'

describe('instance → Droplet', () => {
  let h: Harness
  let subnetId: string
  let vpcId: string
  beforeAll(async () => {
    h = await startHarness()
    ;({ subnetId, vpcId } = await createNetwork(h))
  })
  afterAll(() => h.close())

  it('creates a Droplet that boots, with ownership and user tags, in the subnet’s VPC', async () => {
    const handler = h.handler('instance')
    const ctx = h.ctx('instance', 'web-1')
    const props = h.props('instance', {
      size: 'medium',
      image: 'ubuntu-24.04',
      subnet: subnetId,
      publicIp: true,
      userData: '#!/bin/sh\necho hi',
      tags: { env: 'dev', team: 'web.platform' },
    })
    const created = await handler.create(props, ctx)
    expect(created.ready).toBe(false)
    expect(created.outputs).toMatchObject({ state: 'pending', machineType: 's-2vcpu-4gb', zone: 'nyc3' })

    const outputs = await waitReady(handler, created.id, ctx)
    expect(outputs).toMatchObject({ id: created.id, state: 'running', machineType: 's-2vcpu-4gb' })
    expect(outputs.privateAddress).toMatch(/^10\.\d+\.0\.\d+$/)
    expect(outputs.publicAddress).toMatch(/^203\.0\./)

    const droplet = h.fake.account.droplets.get(Number(created.id))!
    expect(droplet.vpcUuid).toBe(vpcId)
    expect(droplet.image).toBe('ubuntu-24-04-x64')
    expect(droplet.name).toMatch(/^web-1-[0-9a-f]{8}$/)
    expect(droplet.tags).toEqual(
      expect.arrayContaining([
        'skyloom-stack:test',
        'skyloom-urn:test_2finstance_2fweb-1',
        'env:dev',
        'team:web_2eplatform',
      ]),
    )
    const sent = h.fake.requests('POST', '/v2/droplets').at(-1)?.requestBody as Record<string, unknown>
    expect(sent.user_data).toBe('#!/bin/sh\necho hi')
    expect(sent.public_networking).toBe(true)

    const read = await handler.read?.(created.id, ctx)
    expect(read?.props).toEqual({ tags: { env: 'dev', team: 'web.platform' }, publicIp: true })
  })

  it('resizes in place: power off, resize, power on, each action polled to completion', async () => {
    const handler = h.handler('instance')
    const { id, outputs, ctx } = await createInstance(h, 'resize-me', { subnet: subnetId })
    expect(outputs.machineType).toBe('s-1vcpu-2gb')
    const before = h.fake.exchanges.length
    const result = await handler.update?.(
      id,
      {
        current: { props: {}, outputs },
        desired: h.props('instance', {
          size: { cpus: 4, memoryGiB: 8 },
          image: 'ubuntu-24.04',
          subnet: subnetId,
        }),
        changed: ['size'],
      },
      ctx,
    )
    expect(result?.outputs).toMatchObject({ machineType: 's-4vcpu-8gb', state: 'running' })
    const actions = h.fake.exchanges
      .slice(before)
      .filter((exchange) => exchange.method === 'POST' && exchange.path.endsWith('/actions'))
      .map((exchange) => (exchange.requestBody as { type: string }).type)
    expect(actions).toEqual(['power_off', 'resize', 'power_on'])
    expect(h.fake.requests('GET', /^\/v2\/actions\/\d+$/).length).toBeGreaterThan(0)
  })

  it('runs the power actions start, stop and reboot', async () => {
    const handler = h.handler('instance')
    const { id, ctx } = await createInstance(h, 'power', { subnet: subnetId })
    expect(await handler.actions?.stop?.(id, ctx)).toEqual({ state: 'stopped' })
    expect(h.fake.account.droplets.get(Number(id))?.status).toBe('off')
    // Stopping a stopped Droplet is a no-op, not DigitalOcean's 422.
    expect(await handler.actions?.stop?.(id, ctx)).toEqual({ state: 'stopped' })
    expect(await handler.actions?.start?.(id, ctx)).toEqual({ state: 'running' })
    expect(await handler.actions?.reboot?.(id, ctx)).toEqual({ state: 'running' })
    const types = h.fake
      .requests('POST', `/v2/droplets/${id}/actions`)
      .map((exchange) => (exchange.requestBody as { type: string }).type)
    expect(types).toEqual(['power_off', 'power_on', 'reboot'])
  })

  it('applies firewalls through their target tags, and follows changes of tags and firewalls', async () => {
    const firewall = h.handler('firewall')
    const fw = await firewall.create(
      h.props('firewall', { network: vpcId, ingress: [{ ports: 22, from: '10.0.0.0/8' }] }),
      h.ctx('firewall', 'ssh'),
    )
    const handler = h.handler('instance')
    const { id, outputs, ctx } = await createInstance(h, 'guarded', { subnet: subnetId, firewalls: [fw.id] })
    const fwTag = encodeTag('skyloom-fw', 'test/firewall/ssh')
    expect(h.fake.account.droplets.get(Number(id))?.tags).toContain(fwTag)

    await handler.update?.(
      id,
      {
        current: { props: {}, outputs },
        desired: h.props('instance', {
          size: 'small',
          image: 'ubuntu-24.04',
          subnet: subnetId,
          firewalls: [],
          tags: { role: 'db' },
        }),
        changed: ['firewalls', 'tags'],
      },
      ctx,
    )
    const tags = h.fake.account.droplets.get(Number(id))?.tags
    expect(tags).toContain('role:db')
    expect(tags).not.toContain(fwTag)
    expect(tags).toContain('skyloom-urn:test_2finstance_2fguarded')
  })

  it('converges tags changed out of band: extra ones go, ownership and firewall tags stay or come back', async () => {
    const fw = await h
      .handler('firewall')
      .create(
        h.props('firewall', { network: vpcId, ingress: [{ ports: 443, from: '0.0.0.0/0' }] }),
        h.ctx('firewall', 'https'),
      )
    const handler = h.handler('instance')
    const input = { subnet: subnetId, firewalls: [fw.id], tags: { env: 'prod' } }
    const { id, outputs, ctx } = await createInstance(h, 'drifting', input)
    const droplet = h.fake.account.droplets.get(Number(id))!
    const urnTag = 'skyloom-urn:test_2finstance_2fdrifting'
    // In the control panel: a tag added (created in the account first) and the URN tag removed.
    h.fake.account.tags.add('owner:someone')
    droplet.tags = [...droplet.tags.filter((tag) => tag !== urnTag), 'owner:someone']
    expect((await handler.read?.(id, ctx))?.props.tags).toEqual({ env: 'prod', owner: 'someone' })

    const desired = h.props('instance', { size: 'small', image: 'ubuntu-24.04', ...input })
    await handler.update?.(id, { current: { props: {}, outputs }, desired, changed: ['tags'] }, ctx)
    expect([...(h.fake.account.droplets.get(Number(id))?.tags ?? [])].sort()).toEqual(
      ['skyloom-stack:test', urnTag, 'env:prod', encodeTag('skyloom-fw', 'test/firewall/https')].sort(),
    )
    expect((await handler.read?.(id, ctx))?.props.tags).toEqual({ env: 'prod' })
  })

  it('reads a batch with one listing by the stack tag', async () => {
    const handler = h.handler('instance')
    const a = await createInstance(h, 'batch-a', { subnet: subnetId })
    const b = await createInstance(h, 'batch-b', { subnet: subnetId })
    const before = h.fake.exchanges.length
    const found = await handler.readMany?.([a.id, b.id, '999999999'], a.ctx)
    expect([...(found?.keys() ?? [])].sort()).toEqual([a.id, b.id].sort())
    const calls = h.fake.exchanges.slice(before).map((exchange) => `${exchange.method} ${exchange.path}`)
    // One listing, then a GET for the id it did not contain (which is gone: 404).
    expect(calls).toEqual(['GET /v2/droplets', 'GET /v2/droplets/999999999'])
    expect(h.fake.exchanges.at(-2)?.query.tag_name).toBe('skyloom-stack:test')
  })

  it('finds by ownership tags and lists by stack and tags', async () => {
    const handler = h.handler('instance')
    const { id, ctx } = await createInstance(
      h,
      'findable',
      { subnet: subnetId, tags: { tier: 'gold' } },
      { stack: 'other' },
    )
    const found = await handler.find?.({ ownership: ctx.ownership }, ctx)
    expect(found?.map((item) => item.id)).toEqual([id])
    expect(found?.[0]?.ownership).toEqual({ stack: 'other', urn: 'other/instance/findable' })

    const listed = []
    for await (const item of handler.list?.({ stack: 'other' }, ctx) ?? []) listed.push(item.id)
    expect(listed).toEqual([id])
    const gold = []
    for await (const item of handler.list?.({ tags: { tier: 'gold' } }, ctx) ?? []) gold.push(item.id)
    expect(gold).toEqual([id])
  })

  it('deletes, and a second delete is not an error', async () => {
    const handler = h.handler('instance')
    const { id, outputs, ctx } = await createInstance(h, 'short-lived', { subnet: subnetId })
    await handler.delete?.(id, { props: {}, outputs }, ctx)
    expect(await handler.read?.(id, ctx)).toBeUndefined()
    await handler.delete?.(id, { props: {}, outputs }, ctx)
  })

  it('checks images, sizes and options DigitalOcean cannot serve', async () => {
    const handler = h.handler('instance')
    const check = async (input: Record<string, unknown>, providerOptions?: Record<string, unknown>) =>
      (
        (await handler.check?.(
          h.props('instance', { size: 'small', image: 'ubuntu-24.04', subnet: 'x', ...input }),
          {
            urn: 'test/instance/x',
            stack: 'test',
            kind: 'instance',
            name: 'x',
            providerOptions,
          },
        )) ?? []
      ).map((issue) => `${issue.severity} ${issue.path}: ${issue.message}`)
    expect(await check({})).toEqual([])
    expect((await check({ image: 'rhel-9' }))[0]).toMatch(
      /^error image: DigitalOcean has no RHEL image; use .*rockylinux-9-x64/,
    )
    expect((await check({ image: 'windows-2022' }))[0]).toMatch(/^error image: DigitalOcean has no Windows/)
    expect((await check({ size: { cpus: 64, memoryGiB: 512 } }))[0]).toMatch(
      /^error size: no DigitalOcean Droplet size offers 64 vCPU/,
    )
    expect(await check({ diskGiB: 100 })).toEqual([expect.stringMatching(/^warning diskGiB/)])
    expect(await check({}, { ipv6: true })).toEqual([
      expect.stringMatching(/^error providerOptions\.digitalocean\.ipv6/),
    ])
  })

  it('refuses a zone outside the VPC’s region with an invalid error', async () => {
    const handler = h.handler('instance')
    const props = h.props('instance', {
      size: 'small',
      image: 'ubuntu-24.04',
      subnet: subnetId,
      zone: 'fra1',
    })
    await expect(handler.create(props, h.ctx('instance', 'wrong-zone'))).rejects.toMatchObject({
      classification: 'invalid',
      message: expect.stringContaining("zone fra1 differs from the VPC's region nyc3"),
    })
  })
})
