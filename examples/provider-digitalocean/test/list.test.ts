import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, startHarness } from './support/harness.js'
import { createNetwork } from './support/scenario.js'

describe('list and pagination', () => {
  let h: Harness
  let subnetId: string
  const ids: string[] = []
  beforeAll(async () => {
    // Pages of 3, so that a handful of Droplets spans several pages.
    h = await startHarness({ fake: { maxPerPage: 3 } })
    ;({ subnetId } = await createNetwork(h))
    const handler = h.handler('instance')
    for (let index = 0; index < 8; index++) {
      const props = h.props('instance', {
        size: 'small',
        image: 'ubuntu-24.04',
        subnet: subnetId,
        tags: { shard: index % 2 === 0 ? 'even' : 'odd' },
      })
      ids.push((await handler.create(props, h.ctx('instance', `node-${index}`, { stack: 'paged' }))).id)
    }
  })
  afterAll(() => h.close())

  it('follows links.pages.next through every page', async () => {
    const before = h.fake.exchanges.length
    const listed: string[] = []
    for await (const item of h.handler('instance').list?.({ stack: 'paged' }, h.ctx('instance', 'lister')) ??
      []) {
      listed.push(item.id)
    }
    expect(listed.sort()).toEqual([...ids].sort())
    const pages = h.fake.exchanges.slice(before)
    expect(pages.map((exchange) => exchange.query.page ?? '1')).toEqual(['1', '2', '3'])
    expect(pages[0]?.query).toEqual({ tag_name: 'skyloom-stack:paged', per_page: '200' })
    const body = pages[0]?.responseBody as {
      links: { pages: Record<string, string> }
      meta: { total: number }
    }
    expect(body.meta.total).toBe(8)
    expect(Object.keys(body.links.pages).sort()).toEqual(['last', 'next'])
  })

  it('filters by tags beyond the one DigitalOcean filters on', async () => {
    const listed: string[] = []
    const filter = { stack: 'paged', tags: { shard: 'odd' } }
    for await (const item of h.handler('instance').list?.(filter, h.ctx('instance', 'lister')) ?? [])
      listed.push(item.id)
    expect(listed.sort()).toEqual(ids.filter((_, index) => index % 2 === 1).sort())
  })

  it('lists networks, firewalls and volumes across pages too', async () => {
    for (let index = 0; index < 4; index++) {
      await h
        .handler('volume')
        .create(h.props('volume', { sizeGiB: 1 }), h.ctx('volume', `v${index}`, { stack: 'paged' }))
    }
    const volumes: string[] = []
    for await (const item of h.handler('volume').list?.({ stack: 'paged' }, h.ctx('volume', 'x')) ?? [])
      volumes.push(item.id)
    expect(volumes).toHaveLength(4)
  })
})
