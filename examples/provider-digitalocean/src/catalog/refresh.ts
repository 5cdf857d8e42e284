import type { ApiClient } from '../api/client.js'
import { unexpectedResponse } from '../api/errors.js'
import { MAX_PER_PAGE } from '../api/session.js'
import { sizeList } from '../api/wire.js'
import type { DropletSize } from './sizes.js'

/**
 * The live size catalog: every available size of `GET /v2/sizes`, all pages. Prices and
 * regions come from DigitalOcean, so size resolution then honours regional availability.
 */
export async function fetchDropletSizes(client: ApiClient, signal?: AbortSignal): Promise<DropletSize[]> {
  const sizes: DropletSize[] = []
  let next: string | undefined = '/v2/sizes'
  let query: Record<string, number> = { per_page: MAX_PER_PAGE }
  while (next) {
    const response = await client.request({ method: 'GET', path: next, query, ...(signal ? { signal } : {}) })
    const parsed = sizeList.safeParse(response.body)
    if (!parsed.success) {
      throw unexpectedResponse(
        { method: 'GET', path: '/v2/sizes' },
        parsed.error.issues[0]?.message ?? 'the size list does not match',
      )
    }
    for (const size of parsed.data.sizes) {
      if (!size.available) continue
      sizes.push({
        slug: size.slug,
        vcpus: size.vcpus,
        memoryMiB: size.memory,
        diskGiB: size.disk,
        priceMonthly: size.price_monthly,
        priceHourly: size.price_hourly,
        regions: size.regions,
        description: size.description ?? '',
      })
    }
    next = parsed.data.links?.pages?.next ?? undefined
    query = {}
  }
  return sizes
}
