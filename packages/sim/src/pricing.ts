import { HOURS_PER_MONTH, type PricingV1, SIZE_CLASSES, type Size } from '@skyloom/core/provider'
import { resolveMachineType, SIM_VOLUME_PRICES } from './catalog.js'
import { SIM_REGIONS, type SimRegion } from './regions.js'

function asSize(value: unknown): Size | undefined {
  if (typeof value === 'string') return Object.hasOwn(SIZE_CLASSES, value) ? (value as Size) : undefined
  if (typeof value !== 'object' || value === null) return undefined
  const { cpus, memoryGiB } = value as { cpus?: unknown; memoryGiB?: unknown }
  return typeof cpus === 'number' && typeof memoryGiB === 'number' ? { cpus, memoryGiB } : undefined
}

/** Monthly price of one instance of `size` in `region`, or undefined when no machine type fits. */
export function instanceMonthlyUsd(size: Size, region: SimRegion): number | undefined {
  const offer = resolveMachineType(size)
  return offer ? offer.hourlyUsd * HOURS_PER_MONTH * SIM_REGIONS[region].priceFactor : undefined
}

/**
 * Offline prices for a region: instances at their machine type's hourly price × 730 hours,
 * volumes per GiB-month by type, instance groups as desired × one instance, and networks,
 * subnets and firewalls free (as VPCs are). Props may still hold references at plan time, so
 * only plain fields are read; anything unreadable is "unknown", not zero.
 */
export function createSimPricing(region: SimRegion): PricingV1 {
  const factor = SIM_REGIONS[region].priceFactor
  return {
    currency: 'USD',
    monthly(kind, props) {
      switch (kind) {
        case 'network':
        case 'subnet':
        case 'firewall':
          return 0
        case 'instance': {
          const size = asSize(props.size)
          return size ? instanceMonthlyUsd(size, region) : undefined
        }
        case 'volume': {
          const type = (props.type ?? 'ssd') as string
          const perGiB = Object.hasOwn(SIM_VOLUME_PRICES, type)
            ? SIM_VOLUME_PRICES[type as keyof typeof SIM_VOLUME_PRICES]
            : undefined
          return typeof props.sizeGiB === 'number' && perGiB !== undefined
            ? props.sizeGiB * perGiB * factor
            : undefined
        }
        case 'instance-group': {
          const size = asSize(props.size)
          const count = typeof props.desired === 'number' ? props.desired : props.min
          const each = size ? instanceMonthlyUsd(size, region) : undefined
          return each !== undefined && typeof count === 'number' ? each * count : undefined
        }
        default:
          return undefined
      }
    },
  }
}
