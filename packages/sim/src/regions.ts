/**
 * Regions of the simulated cloud. Each has three zones (`${region}a|b|c`) and a price factor
 * applied to the catalog's reference prices, so that placement by cost has something to choose.
 */
export const SIM_REGIONS = {
  'sim-east-1': { priceFactor: 1 },
  'sim-east-2': { priceFactor: 1 },
  'sim-west-1': { priceFactor: 1.08 },
  'sim-eu-1': { priceFactor: 1.12 },
  'sim-eu-2': { priceFactor: 1.15 },
  'sim-ap-1': { priceFactor: 1.25 },
} as const satisfies Record<string, { readonly priceFactor: number }>

/** A region of the simulated cloud. */
export type SimRegion = keyof typeof SIM_REGIONS

/** The region a sim uses when none is configured. */
export const DEFAULT_SIM_REGION: SimRegion = 'sim-east-1'

/** The zones of a region, in order: `sim-east-1a`, `sim-east-1b`, `sim-east-1c`. */
export function zonesOf(region: SimRegion): readonly string[] {
  return [`${region}a`, `${region}b`, `${region}c`]
}

/** True when `name` is one of the sim's regions. */
export function isSimRegion(name: string): name is SimRegion {
  return Object.hasOwn(SIM_REGIONS, name)
}
