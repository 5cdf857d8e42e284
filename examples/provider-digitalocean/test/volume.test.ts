import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, startHarness } from './support/harness.js'
import { createInstance, createNetwork } from './support/scenario.js'

describe('volume → Block Storage volume', () => {
  let h: Harness
  let subnetId: string
  beforeAll(async () => {
    h = await startHarness()
    ;({ subnetId } = await createNetwork(h))
  })
  afterAll(() => h.close())

  it('creates a volume and attaches it with a volume action polled to completion', async () => {
    const db = await createInstance(h, 'db', { subnet: subnetId })
    const handler = h.handler('volume')
    const ctx = h.ctx('volume', 'data')
    const created = await handler.create(
      h.props('volume', { sizeGiB: 20, attachTo: db.id, tags: { backup: 'daily' } }),
      h.ctx('volume', 'data', {
        idempotencyKey: ctx.idempotencyKey,
        providerOptions: { filesystemType: 'ext4' },
      }),
    )
    expect(created).toMatchObject({
      ready: true,
      outputs: { id: created.id, zone: 'nyc3', attachedTo: db.id },
    })
    const volume = h.fake.account.volumes.get(created.id)!
    expect(volume.dropletIds).toEqual([Number(db.id)])
    expect(volume.filesystemType).toBe('ext4')
    expect(volume.name).toMatch(/^data-[0-9a-f]{8}$/)
    expect(volume.tags).toEqual(['skyloom-stack:test', 'skyloom-urn:test_2fvolume_2fdata', 'backup:daily'])
    const attach = h.fake.requests('POST', `/v2/volumes/${created.id}/actions`)[0]
    expect(attach?.requestBody).toEqual({ type: 'attach', droplet_id: Number(db.id), region: 'nyc3' })
    expect(h.fake.requests('GET', /^\/v2\/actions\//).length).toBeGreaterThan(0)

    const read = await handler.read?.(created.id, ctx)
    expect(read?.props).toEqual({ sizeGiB: 20, attachTo: db.id, tags: { backup: 'daily' } })
  })

  it('grows in place, moves to another Droplet, and refuses to shrink', async () => {
    const a = await createInstance(h, 'host-a', { subnet: subnetId })
    const b = await createInstance(h, 'host-b', { subnet: subnetId })
    const handler = h.handler('volume')
    const ctx = h.ctx('volume', 'moving')
    const created = await handler.create(h.props('volume', { sizeGiB: 10, attachTo: a.id }), ctx)
    const current = { props: {}, outputs: created.outputs }
    const moved = await handler.update?.(
      created.id,
      {
        current,
        desired: h.props('volume', { sizeGiB: 30, attachTo: b.id }),
        changed: ['sizeGiB', 'attachTo'],
      },
      ctx,
    )
    expect(moved?.outputs).toEqual({ id: created.id, zone: 'nyc3', attachedTo: b.id })
    expect(h.fake.account.volumes.get(created.id)?.sizeGiB).toBe(30)
    const types = h.fake
      .requests('POST', `/v2/volumes/${created.id}/actions`)
      .map((exchange) => (exchange.requestBody as { type: string }).type)
    expect(types).toEqual(['attach', 'resize', 'detach', 'attach'])

    await expect(
      handler.update?.(
        created.id,
        { current, desired: h.props('volume', { sizeGiB: 5, attachTo: b.id }), changed: ['sizeGiB'] },
        ctx,
      ),
    ).rejects.toMatchObject({ classification: 'invalid', message: expect.stringContaining('only grow') })
  })

  it('plans growth in place, and shrinking or a move to another region as a replacement', async () => {
    const handler = h.handler('volume')
    const checkContext = {
      urn: 'test/volume/x',
      stack: 'test',
      kind: 'volume',
      name: 'x',
      providerOptions: undefined,
    }
    const current = {
      props: h.props('volume', { sizeGiB: 9, attachTo: '3164001' }),
      outputs: { id: 'v', zone: 'nyc3', attachedTo: '3164001' },
    }
    const diff = (input: Record<string, unknown>) =>
      handler.diff?.(current, h.props('volume', { attachTo: '3164001', ...input }), checkContext)

    expect(await diff({ sizeGiB: 9 })).toEqual({ changes: [] })
    expect(await diff({ sizeGiB: 12 })).toEqual({ changes: [{ path: 'sizeGiB', replace: false }] })
    expect(await diff({ sizeGiB: 8 })).toEqual({
      changes: [{ path: 'sizeGiB', replace: true, reason: expect.stringContaining('only grow') }],
    })
    // Naming the region the volume is in, or none, changes nothing; another region replaces.
    expect(await diff({ sizeGiB: 9, zone: 'nyc3' })).toEqual({ changes: [] })
    expect(await diff({ sizeGiB: 9, zone: 'fra1' })).toEqual({
      changes: [{ path: 'zone', replace: true, reason: expect.stringContaining('from nyc3 to fra1') }],
    })
    expect(await diff({ sizeGiB: 9, tags: { backup: 'yes' } })).toEqual({
      changes: [{ path: 'tags', replace: false }],
    })
  })

  it('refuses a zone other than the Droplet’s region before creating anything', async () => {
    const host = await createInstance(h, 'host-d', { subnet: subnetId })
    const before = h.fake.account.volumes.size
    await expect(
      h
        .handler('volume')
        .create(h.props('volume', { sizeGiB: 5, attachTo: host.id, zone: 'fra1' }), h.ctx('volume', 'far')),
    ).rejects.toMatchObject({
      classification: 'invalid',
      message: expect.stringContaining('omit zone or use nyc3'),
    })
    expect(h.fake.account.volumes.size).toBe(before)
  })

  it('detaches before deleting, finds by ownership, and warns about types it cannot honour', async () => {
    const host = await createInstance(h, 'host-c', { subnet: subnetId })
    const handler = h.handler('volume')
    const ctx = h.ctx('volume', 'scratch')
    const created = await handler.create(h.props('volume', { sizeGiB: 5, attachTo: host.id }), ctx)
    expect((await handler.find?.({ ownership: ctx.ownership }, ctx))?.map((item) => item.id)).toEqual([
      created.id,
    ])
    await handler.delete?.(created.id, { props: {}, outputs: created.outputs }, ctx)
    expect(h.fake.account.volumes.has(created.id)).toBe(false)
    expect(h.fake.account.droplets.get(Number(host.id))?.volumeIds).toEqual([])

    const issues = await handler.check?.(h.props('volume', { sizeGiB: 5, type: 'fast' }), {
      urn: 'test/volume/x',
      stack: 'test',
      kind: 'volume',
      name: 'x',
      providerOptions: undefined,
    })
    expect(issues).toEqual([expect.objectContaining({ severity: 'warning', path: 'type' })])
  })
})
