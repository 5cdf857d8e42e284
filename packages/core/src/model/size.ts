import { z } from 'zod'

/**
 * Neutral size classes. Each provider resolves a class (or explicit `{ cpus, memoryGiB }`) to
 * the cheapest machine type in its catalog that has at least these resources.
 */
export const SIZE_CLASSES = {
  small: { cpus: 1, memoryGiB: 2 },
  medium: { cpus: 2, memoryGiB: 4 },
  large: { cpus: 4, memoryGiB: 16 },
  xlarge: { cpus: 8, memoryGiB: 32 },
} as const satisfies Record<string, SizeRequirements>

export type SizeClass = keyof typeof SIZE_CLASSES

/** Minimum resources a machine must have. */
export interface SizeRequirements {
  readonly cpus: number
  readonly memoryGiB: number
}

/** A neutral size: a class name or explicit minimum resources. */
export type Size = SizeClass | SizeRequirements

export const sizeSchema = z.union(
  [
    z.enum(Object.keys(SIZE_CLASSES) as [SizeClass, ...SizeClass[]]),
    z.strictObject({
      cpus: z.number().int().min(1).max(896),
      memoryGiB: z.number().positive().max(32_768),
    }),
  ],
  {
    error: (issue) =>
      `size must be one of ${Object.keys(SIZE_CLASSES).join(', ')} or { cpus, memoryGiB }, got ${JSON.stringify(issue.input)}`,
  },
)

export function sizeRequirements(size: Size): SizeRequirements {
  return typeof size === 'string' ? SIZE_CLASSES[size] : size
}

/** One machine type of a provider's catalog, with its on-demand price. */
export interface SizeOffer {
  /** Provider-native type name: `t3.medium`, `e2-medium`, `Standard_B2s`. */
  readonly name: string
  readonly cpus: number
  readonly memoryGiB: number
  /** On-demand price in USD per hour in the provider's reference region. */
  readonly hourlyUsd: number
}

/**
 * The cheapest offer that satisfies `size`; ties go to fewer CPUs, then less memory, then name,
 * so the choice is stable.
 */
export function cheapestOffer(offers: readonly SizeOffer[], size: Size): SizeOffer | undefined {
  const need = sizeRequirements(size)
  let best: SizeOffer | undefined
  for (const offer of offers) {
    if (offer.cpus < need.cpus || offer.memoryGiB < need.memoryGiB) continue
    if (!best || compareOffers(offer, best) < 0) best = offer
  }
  return best
}

function compareOffers(a: SizeOffer, b: SizeOffer): number {
  return (
    a.hourlyUsd - b.hourlyUsd || a.cpus - b.cpus || a.memoryGiB - b.memoryGiB || a.name.localeCompare(b.name)
  )
}

/** Hours in the month used for monthly cost figures (730 = 8,760 / 12, the clouds' convention). */
export const HOURS_PER_MONTH = 730
