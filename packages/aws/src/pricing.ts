import { HOURS_PER_MONTH, type PricingV1, type Size } from '@skyloom/core/provider'
import type { InstanceCatalog } from './catalog.js'
import type { EbsVolumeType } from './options.js'

/** EBS storage, USD per GiB-month (us-east-1). */
export const EBS_GIB_MONTH: Readonly<Record<EbsVolumeType, number>> = {
  gp3: 0.08,
  gp2: 0.1,
  io2: 0.125,
  io1: 0.125,
  st1: 0.045,
  sc1: 0.015,
  standard: 0.05,
}
/** Provisioned IOPS, USD per IOPS-month (io1/io2; gp3 above its free 3,000). */
const IOPS_MONTH = { io: 0.065, gp3: 0.005 }
/** gp3 throughput above the free 125 MiB/s, USD per MiB/s-month. */
const GP3_THROUGHPUT_MONTH = 0.04

type Props = Readonly<Record<string, unknown>>

function awsOptions(props: Props): Readonly<Record<string, unknown>> {
  const section = (props.providerOptions as Record<string, unknown> | undefined)?.aws
  return typeof section === 'object' && section !== null ? (section as Record<string, unknown>) : {}
}

function isSize(value: unknown): value is Size {
  return (
    typeof value === 'string' ||
    (typeof value === 'object' && value !== null && 'cpus' in value && 'memoryGiB' in value)
  )
}

/** Monthly EBS cost of one volume. */
export function volumeMonthly(
  type: EbsVolumeType,
  sizeGiB: number,
  iops?: number,
  throughput?: number,
): number {
  let cost = sizeGiB * EBS_GIB_MONTH[type]
  if ((type === 'io1' || type === 'io2') && iops) cost += iops * IOPS_MONTH.io
  if (type === 'gp3' && iops && iops > 3000) cost += (iops - 3000) * IOPS_MONTH.gp3
  if (type === 'gp3' && throughput && throughput > 125) cost += (throughput - 125) * GP3_THROUGHPUT_MONTH
  return cost
}

/**
 * Offline monthly prices (730 hours): instances from the catalog's on-demand rates plus their
 * root disk when sized, EBS volumes by type, groups at their desired size. Networks, subnets
 * and security groups are free.
 */
export function createPricing(catalog: InstanceCatalog): PricingV1 {
  const instanceMonthly = (props: Props): number | undefined => {
    const override = awsOptions(props).instanceType
    const offer =
      typeof override === 'string'
        ? catalog.get(override)
        : isSize(props.size)
          ? catalog.resolve(props.size)
          : undefined
    if (!offer) return undefined
    const disk = typeof props.diskGiB === 'number' ? volumeMonthly('gp3', props.diskGiB) : 0
    return offer.hourlyUsd * HOURS_PER_MONTH + disk
  }
  return {
    currency: 'USD',
    monthly(kind, props) {
      switch (kind) {
        case 'instance':
          return instanceMonthly(props)
        case 'instance-group': {
          const each = instanceMonthly(props)
          const desired =
            typeof props.desired === 'number'
              ? props.desired
              : typeof props.min === 'number'
                ? props.min
                : undefined
          return each === undefined || desired === undefined ? undefined : each * desired
        }
        case 'volume': {
          if (typeof props.sizeGiB !== 'number') return undefined
          const options = awsOptions(props)
          const neutral = props.type
          const type = (typeof options.volumeType === 'string' ? options.volumeType : undefined) as
            | EbsVolumeType
            | undefined
          const ebs: EbsVolumeType =
            type ?? (neutral === 'fast' ? 'io2' : neutral === 'standard' ? 'st1' : 'gp3')
          const iops =
            typeof options.iops === 'number'
              ? options.iops
              : ebs === 'io2'
                ? Math.max(100, Math.min(3000, 500 * props.sizeGiB))
                : ebs === 'io1'
                  ? Math.max(100, Math.min(3000, 50 * props.sizeGiB))
                  : undefined
          const throughput = typeof options.throughput === 'number' ? options.throughput : undefined
          return volumeMonthly(ebs, props.sizeGiB, iops, throughput)
        }
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
