import { cheapestOffer, type Size, type SizeOffer, sizeRequirements } from '@skyloom/core/provider'

/**
 * The sim's machine types with on-demand prices in USD per hour in the reference region
 * (`sim-east-1`). Three families in the manner of the big clouds: general purpose (`g1`,
 * 4 GiB per vCPU above `medium`), compute (`c1`, 2 GiB per vCPU) and memory (`m1`, 8 GiB per vCPU).
 */
export const SIM_MACHINE_TYPES: readonly SizeOffer[] = [
  { name: 'g1.nano', cpus: 1, memoryGiB: 0.5, hourlyUsd: 0.0052 },
  { name: 'g1.micro', cpus: 1, memoryGiB: 1, hourlyUsd: 0.0104 },
  { name: 'g1.small', cpus: 1, memoryGiB: 2, hourlyUsd: 0.0208 },
  { name: 'g1.medium', cpus: 2, memoryGiB: 4, hourlyUsd: 0.0416 },
  { name: 'g1.large', cpus: 2, memoryGiB: 8, hourlyUsd: 0.0832 },
  { name: 'g1.xlarge', cpus: 4, memoryGiB: 16, hourlyUsd: 0.1664 },
  { name: 'g1.2xlarge', cpus: 8, memoryGiB: 32, hourlyUsd: 0.3328 },
  { name: 'g1.4xlarge', cpus: 16, memoryGiB: 64, hourlyUsd: 0.6656 },
  { name: 'g1.8xlarge', cpus: 32, memoryGiB: 128, hourlyUsd: 1.3312 },
  { name: 'g1.16xlarge', cpus: 64, memoryGiB: 256, hourlyUsd: 2.6624 },
  { name: 'c1.large', cpus: 2, memoryGiB: 4, hourlyUsd: 0.085 },
  { name: 'c1.xlarge', cpus: 4, memoryGiB: 8, hourlyUsd: 0.17 },
  { name: 'c1.2xlarge', cpus: 8, memoryGiB: 16, hourlyUsd: 0.34 },
  { name: 'c1.4xlarge', cpus: 16, memoryGiB: 32, hourlyUsd: 0.68 },
  { name: 'c1.9xlarge', cpus: 36, memoryGiB: 72, hourlyUsd: 1.53 },
  { name: 'c1.18xlarge', cpus: 72, memoryGiB: 144, hourlyUsd: 3.06 },
  { name: 'm1.large', cpus: 2, memoryGiB: 16, hourlyUsd: 0.126 },
  { name: 'm1.xlarge', cpus: 4, memoryGiB: 32, hourlyUsd: 0.252 },
  { name: 'm1.2xlarge', cpus: 8, memoryGiB: 64, hourlyUsd: 0.504 },
  { name: 'm1.4xlarge', cpus: 16, memoryGiB: 128, hourlyUsd: 1.008 },
  { name: 'm1.8xlarge', cpus: 32, memoryGiB: 256, hourlyUsd: 2.016 },
  { name: 'm1.16xlarge', cpus: 64, memoryGiB: 512, hourlyUsd: 4.032 },
]

/** Volume prices in USD per GiB-month in the reference region, by neutral volume type. */
export const SIM_VOLUME_PRICES = {
  standard: 0.045,
  ssd: 0.08,
  fast: 0.125,
} as const satisfies Record<string, number>

/** A volume type the sim prices: `standard`, `ssd` or `fast`. */
export type SimVolumeType = keyof typeof SIM_VOLUME_PRICES

/** One image of the sim's catalog. */
export interface SimImage {
  /** The sim's native id, which a prop may also name directly. */
  readonly id: string
  /** The neutral alias that resolves to it. */
  readonly alias: string
  /** Boot disk size when `diskGiB` is omitted, and the smallest it may be. */
  readonly minDiskGiB: number
}

/** Images the sim knows: one per neutral alias. Any other image id fails like an unknown AMI. */
export const SIM_IMAGES: readonly SimImage[] = [
  { id: 'simi-ubuntu-2204', alias: 'ubuntu-22.04', minDiskGiB: 8 },
  { id: 'simi-ubuntu-2404', alias: 'ubuntu-24.04', minDiskGiB: 8 },
  { id: 'simi-debian-12', alias: 'debian-12', minDiskGiB: 8 },
  { id: 'simi-rhel-9', alias: 'rhel-9', minDiskGiB: 10 },
  { id: 'simi-windows-2022', alias: 'windows-2022', minDiskGiB: 30 },
]

/** The image a prop names, by alias or by native id; undefined when the sim has no such image. */
export function resolveImage(image: string): SimImage | undefined {
  return SIM_IMAGES.find((candidate) => candidate.alias === image || candidate.id === image)
}

/** The cheapest machine type that satisfies `size`; undefined when none is large enough. */
export function resolveMachineType(size: Size): SizeOffer | undefined {
  return cheapestOffer(SIM_MACHINE_TYPES, size)
}

/** The machine type named `name`. */
export function machineTypeNamed(name: string): SizeOffer | undefined {
  return SIM_MACHINE_TYPES.find((offer) => offer.name === name)
}

/** Says why no machine type fits, for error messages and plan checks. */
export function describeMissingSize(size: Size): string {
  const need = sizeRequirements(size)
  const maxCpus = Math.max(...SIM_MACHINE_TYPES.map((offer) => offer.cpus))
  const maxMemory = Math.max(...SIM_MACHINE_TYPES.map((offer) => offer.memoryGiB))
  return `no sim machine type has at least ${need.cpus} vCPUs and ${need.memoryGiB} GiB of memory (types go up to ${maxCpus} vCPUs and up to ${maxMemory} GiB); choose a smaller size`
}
