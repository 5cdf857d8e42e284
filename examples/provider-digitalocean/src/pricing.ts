import { isUnknown, type PricingV1, type Size } from '@skyloom/core/provider'
import { type DropletSize, resolveDropletSize } from './catalog/sizes.js'

/** Block Storage: USD per GiB and month. */
export const VOLUME_PRICE_PER_GIB_MONTH = 0.1

/**
 * Monthly prices from the size catalog: an instance costs its size's `price_monthly`, a group
 * that times `desired`, a volume $0.10 per GiB. VPCs, firewalls and subnets are free.
 */
export function createPricing(sizes: () => readonly DropletSize[]): PricingV1 {
  const droplet = (props: Readonly<Record<string, unknown>>): number | undefined => {
    const options = (props.providerOptions as { digitalocean?: { size?: unknown } } | undefined)?.digitalocean
    const size = props.size
    if (isUnknown(size) || size === undefined) return undefined
    const catalog = sizes()
    const entry =
      typeof options?.size === 'string'
        ? catalog.find((candidate) => candidate.slug === options.size)
        : resolveDropletSize(
            catalog,
            size as Size,
            typeof props.diskGiB === 'number' ? { minDiskGiB: props.diskGiB } : {},
          )
    return entry?.priceMonthly
  }
  return {
    currency: 'USD',
    monthly(kind, props) {
      switch (kind) {
        case 'instance':
          return droplet(props)
        case 'instance-group': {
          const each = droplet(props)
          return each === undefined || typeof props.desired !== 'number' ? undefined : each * props.desired
        }
        case 'volume':
          return typeof props.sizeGiB === 'number' ? props.sizeGiB * VOLUME_PRICE_PER_GIB_MONTH : undefined
        case 'network':
        case 'subnet':
        case 'firewall':
          return 0
        default:
          return undefined
      }
    },
  }
}
