import { cheapestOffer, type Size, type SizeOffer, sizeRequirements } from '@skyloom/core/provider'

/** One Droplet size of the catalog: what `GET /v2/sizes` says about it, in Skyloom's units. */
export interface DropletSize {
  /** DigitalOcean's size slug, such as `s-2vcpu-4gb`. */
  readonly slug: string
  readonly vcpus: number
  readonly memoryMiB: number
  /** Boot disk in GiB; DigitalOcean fixes it by size. */
  readonly diskGiB: number
  readonly priceMonthly: number
  readonly priceHourly: number
  /** Regions that offer the size; undefined means every region (offline entries). */
  readonly regions?: readonly string[]
  /** `Basic`, `General Purpose`, `CPU-Optimized`, `Memory-Optimized`. */
  readonly description: string
}

/** DigitalOcean's monthly billing cap in hours (28 days). */
export const BILLED_HOURS_PER_MONTH = 672

/**
 * Offline catalog: DigitalOcean's published on-demand prices in USD (regular Basic, General
 * Purpose, CPU-Optimized and Memory-Optimized Droplets). DigitalOcean bills by the hour up to a
 * monthly cap of 672 hours, so `priceHourly = priceMonthly / 672`. Plans use it to show cost
 * without a network call; `provider.refreshSizes()` replaces it with the live `GET /v2/sizes`.
 */
export const DROPLET_SIZES: readonly DropletSize[] = [
  size('s-1vcpu-512mb-10gb', 1, 512, 10, 4, 'Basic'),
  size('s-1vcpu-1gb', 1, 1024, 25, 6, 'Basic'),
  size('s-1vcpu-2gb', 1, 2048, 50, 12, 'Basic'),
  size('s-2vcpu-2gb', 2, 2048, 60, 18, 'Basic'),
  size('s-2vcpu-4gb', 2, 4096, 80, 24, 'Basic'),
  size('s-4vcpu-8gb', 4, 8192, 160, 48, 'Basic'),
  size('s-8vcpu-16gb', 8, 16384, 320, 96, 'Basic'),
  size('g-2vcpu-8gb', 2, 8192, 25, 63, 'General Purpose'),
  size('g-4vcpu-16gb', 4, 16384, 50, 126, 'General Purpose'),
  size('g-8vcpu-32gb', 8, 32768, 100, 252, 'General Purpose'),
  size('g-16vcpu-64gb', 16, 65536, 200, 504, 'General Purpose'),
  size('c-2', 2, 4096, 25, 42, 'CPU-Optimized'),
  size('c-4', 4, 8192, 50, 84, 'CPU-Optimized'),
  size('c-8', 8, 16384, 100, 168, 'CPU-Optimized'),
  size('c-16', 16, 32768, 200, 336, 'CPU-Optimized'),
  size('m-2vcpu-16gb', 2, 16384, 50, 84, 'Memory-Optimized'),
  size('m-4vcpu-32gb', 4, 32768, 100, 168, 'Memory-Optimized'),
  size('m-8vcpu-64gb', 8, 65536, 200, 336, 'Memory-Optimized'),
]

function size(
  slug: string,
  vcpus: number,
  memoryMiB: number,
  diskGiB: number,
  priceMonthly: number,
  description: string,
): DropletSize {
  return {
    slug,
    vcpus,
    memoryMiB,
    diskGiB,
    priceMonthly,
    priceHourly: Math.round((priceMonthly / BILLED_HOURS_PER_MONTH) * 1e5) / 1e5,
    description,
  }
}

/** What a size must offer beyond the neutral CPU and memory. */
export interface SizeConstraints {
  /** Only sizes offered in this region (sizes without a region list count as everywhere). */
  readonly region?: string
  /** Boot disk at least this large: DigitalOcean fixes the disk by size. */
  readonly minDiskGiB?: number
}

/**
 * The cheapest size that satisfies a neutral size (`'small'` or `{ cpus, memoryGiB }`), using
 * core's `cheapestOffer` so that every provider breaks ties the same way.
 */
export function resolveDropletSize(
  catalog: readonly DropletSize[],
  wanted: Size,
  constraints: SizeConstraints = {},
): DropletSize | undefined {
  const bySlug = new Map<string, DropletSize>()
  const offers: SizeOffer[] = []
  for (const entry of catalog) {
    if (constraints.region && entry.regions && !entry.regions.includes(constraints.region)) continue
    if (constraints.minDiskGiB !== undefined && entry.diskGiB < constraints.minDiskGiB) continue
    bySlug.set(entry.slug, entry)
    offers.push({
      name: entry.slug,
      cpus: entry.vcpus,
      memoryGiB: entry.memoryMiB / 1024,
      hourlyUsd: entry.priceHourly,
    })
  }
  const best = cheapestOffer(offers, wanted)
  return best ? bySlug.get(best.name) : undefined
}

/** Explains why no size matched, for error messages. */
export function describeSizeMiss(wanted: Size, constraints: SizeConstraints): string {
  const need = sizeRequirements(wanted)
  const parts = [`${need.cpus} vCPU`, `${need.memoryGiB} GiB memory`]
  if (constraints.minDiskGiB !== undefined) parts.push(`a ${constraints.minDiskGiB} GiB disk`)
  const where = constraints.region ? ` in region ${constraints.region}` : ''
  return `no DigitalOcean Droplet size offers ${parts.join(', ')}${where}`
}
