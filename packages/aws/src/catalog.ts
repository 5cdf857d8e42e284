import { cheapestOffer, type Size, type SizeOffer } from '@skyloom/core/provider'

type Row = readonly [name: string, cpus: number, memoryGiB: number, hourlyUsd: number]

/**
 * On-demand Linux list prices in us-east-1 (USD per hour) for current general-purpose,
 * compute- and memory-optimized families. Other regions cost somewhat more; the catalog is
 * for choosing the cheapest fit and estimating, not billing.
 */
const ROWS: readonly Row[] = [
  ['t3.nano', 2, 0.5, 0.0052],
  ['t3.micro', 2, 1, 0.0104],
  ['t3.small', 2, 2, 0.0208],
  ['t3.medium', 2, 4, 0.0416],
  ['t3.large', 2, 8, 0.0832],
  ['t3.xlarge', 4, 16, 0.1664],
  ['t3.2xlarge', 8, 32, 0.3328],
  ['t3a.nano', 2, 0.5, 0.0047],
  ['t3a.micro', 2, 1, 0.0094],
  ['t3a.small', 2, 2, 0.0188],
  ['t3a.medium', 2, 4, 0.0376],
  ['t3a.large', 2, 8, 0.0752],
  ['t3a.xlarge', 4, 16, 0.1504],
  ['t3a.2xlarge', 8, 32, 0.3008],
  ['m6i.large', 2, 8, 0.096],
  ['m6i.xlarge', 4, 16, 0.192],
  ['m6i.2xlarge', 8, 32, 0.384],
  ['m6i.4xlarge', 16, 64, 0.768],
  ['m6i.8xlarge', 32, 128, 1.536],
  ['m6i.12xlarge', 48, 192, 2.304],
  ['m6i.16xlarge', 64, 256, 3.072],
  ['m6i.24xlarge', 96, 384, 4.608],
  ['m6i.32xlarge', 128, 512, 6.144],
  ['c6i.large', 2, 4, 0.085],
  ['c6i.xlarge', 4, 8, 0.17],
  ['c6i.2xlarge', 8, 16, 0.34],
  ['c6i.4xlarge', 16, 32, 0.68],
  ['c6i.8xlarge', 32, 64, 1.36],
  ['c6i.12xlarge', 48, 96, 2.04],
  ['c6i.16xlarge', 64, 128, 2.72],
  ['c6i.24xlarge', 96, 192, 4.08],
  ['c6i.32xlarge', 128, 256, 5.44],
  ['r6i.large', 2, 16, 0.126],
  ['r6i.xlarge', 4, 32, 0.252],
  ['r6i.2xlarge', 8, 64, 0.504],
  ['r6i.4xlarge', 16, 128, 1.008],
  ['r6i.8xlarge', 32, 256, 2.016],
  ['r6i.12xlarge', 48, 384, 3.024],
  ['r6i.16xlarge', 64, 512, 4.032],
  ['r6i.24xlarge', 96, 768, 6.048],
  ['r6i.32xlarge', 128, 1024, 8.064],
]

/** The offline catalog: t3, t3a, m6i, c6i and r6i types with us-east-1 on-demand prices. */
export const DEFAULT_INSTANCE_CATALOG: readonly SizeOffer[] = ROWS.map(
  ([name, cpus, memoryGiB, hourlyUsd]) => ({
    name,
    cpus,
    memoryGiB,
    hourlyUsd,
  }),
)

/** The family of an instance type: `m6i` for `m6i.large`. */
export function familyOf(instanceType: string): string {
  return instanceType.split('.')[0] ?? instanceType
}

/** What DescribeInstanceTypes says about one type (the part the catalog uses). */
export interface ObservedInstanceType {
  readonly name: string
  readonly cpus: number
  readonly memoryGiB: number
}

/** The outcome of refreshing a catalog from DescribeInstanceTypes. */
export interface CatalogRefresh {
  /** Types kept: offered in the region and priced. */
  readonly kept: readonly string[]
  /** Catalog types the region does not offer; sizes no longer resolve to them. */
  readonly removed: readonly string[]
  /** Types whose vCPU or memory figures changed. */
  readonly updated: readonly string[]
}

/**
 * The instance types sizes resolve against. Starts from an offline list with prices (so plans
 * show cost without network) and can be narrowed to what a region really offers with
 * `refresh` (DescribeInstanceTypes).
 */
export class InstanceCatalog {
  #offers: readonly SizeOffer[]
  readonly #families: ReadonlySet<string> | undefined

  constructor(offers: readonly SizeOffer[] = DEFAULT_INSTANCE_CATALOG, families?: readonly string[]) {
    this.#offers = offers
    this.#families = families ? new Set(families) : undefined
  }

  /** Every offer, including families excluded from size resolution. */
  get offers(): readonly SizeOffer[] {
    return this.#offers
  }

  /** The offer for an instance type, if the catalog has it. */
  get(instanceType: string): SizeOffer | undefined {
    return this.#offers.find((offer) => offer.name === instanceType)
  }

  /** The cheapest type that satisfies `size`, within the allowed families. */
  resolve(size: Size): SizeOffer | undefined {
    const families = this.#families
    const allowed = families
      ? this.#offers.filter((offer) => families.has(familyOf(offer.name)))
      : this.#offers
    return cheapestOffer(allowed, size)
  }

  /** Catalog names closest to a mistyped one (same family first), for error messages. */
  suggestions(instanceType: string, count = 4): string[] {
    const family = familyOf(instanceType)
    const sameFamily = this.#offers
      .filter((offer) => familyOf(offer.name) === family)
      .map((offer) => offer.name)
    const pool = sameFamily.length > 0 ? sameFamily : this.#offers.map((offer) => offer.name)
    return pool.slice(0, count)
  }

  /**
   * Narrows the catalog to the types a region offers and takes its vCPU and memory figures from
   * the API. Prices stay the offline ones: DescribeInstanceTypes carries none, and unpriced types
   * cannot be ranked, so types missing from the price list are not added.
   */
  applyObserved(observed: readonly ObservedInstanceType[]): CatalogRefresh {
    const byName = new Map(observed.map((type) => [type.name, type]))
    const kept: string[] = []
    const removed: string[] = []
    const updated: string[] = []
    const next: SizeOffer[] = []
    for (const offer of this.#offers) {
      const seen = byName.get(offer.name)
      if (!seen) {
        removed.push(offer.name)
        continue
      }
      kept.push(offer.name)
      if (seen.cpus !== offer.cpus || seen.memoryGiB !== offer.memoryGiB) updated.push(offer.name)
      next.push({ ...offer, cpus: seen.cpus, memoryGiB: seen.memoryGiB })
    }
    this.#offers = next
    return { kept, removed, updated }
  }
}
