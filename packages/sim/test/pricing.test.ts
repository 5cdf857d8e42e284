import { HOURS_PER_MONTH } from '@skyloom/core/provider'
import { describe, expect, it } from 'vitest'
import { createSim, resolveMachineType, SIM_MACHINE_TYPES, sim } from '../src/index.js'

describe('pricing', () => {
  it('resolves each size class to the cheapest machine type that fits', () => {
    expect(resolveMachineType('small')?.name).toBe('g1.small')
    expect(resolveMachineType('medium')?.name).toBe('g1.medium')
    expect(resolveMachineType('large')?.name).toBe('g1.xlarge')
    expect(resolveMachineType('xlarge')?.name).toBe('g1.2xlarge')
    expect(resolveMachineType({ cpus: 2, memoryGiB: 12 })?.name).toBe('m1.large')
    expect(resolveMachineType({ cpus: 1000, memoryGiB: 1 })).toBeUndefined()
    // Every type is reachable as the cheapest for its own shape.
    for (const offer of SIM_MACHINE_TYPES) {
      const chosen = resolveMachineType({ cpus: offer.cpus, memoryGiB: offer.memoryGiB })
      expect(chosen!.hourlyUsd).toBeLessThanOrEqual(offer.hourlyUsd)
    }
  })

  it('prices instances monthly at 730 hours, volumes per GiB, groups as desired × one instance', () => {
    const { pricing } = sim
    expect(pricing.currency).toBe('USD')
    expect(pricing.monthly('instance', { size: 'small' })).toBeCloseTo(0.0208 * HOURS_PER_MONTH, 6)
    expect(pricing.monthly('instance', { size: { cpus: 2, memoryGiB: 4 } })).toBeCloseTo(0.0416 * 730, 6)
    expect(pricing.monthly('volume', { sizeGiB: 100, type: 'ssd' })).toBeCloseTo(8, 6)
    expect(pricing.monthly('volume', { sizeGiB: 100 })).toBeCloseTo(8, 6)
    expect(pricing.monthly('volume', { sizeGiB: 200, type: 'standard' })).toBeCloseTo(9, 6)
    expect(pricing.monthly('instance-group', { size: 'small', desired: 5, min: 1 })).toBeCloseTo(
      5 * 0.0208 * 730,
      6,
    )
    expect(pricing.monthly('instance-group', { size: 'small', min: 2 })).toBeCloseTo(2 * 0.0208 * 730, 6)
    expect(pricing.monthly('network', { cidr: '10.0.0.0/16' })).toBe(0)
    expect(pricing.monthly('subnet', {})).toBe(0)
    expect(pricing.monthly('firewall', {})).toBe(0)
  })

  it('says "unknown" rather than zero for what it cannot price', () => {
    expect(sim.pricing.monthly('instance', { size: { cpus: 4096, memoryGiB: 1 } })).toBeUndefined()
    expect(sim.pricing.monthly('volume', { sizeGiB: { ref: 'x' } })).toBeUndefined()
    expect(sim.pricing.monthly('aws:launch-template', {})).toBeUndefined()
  })

  it('applies the region price factor', () => {
    const ap = createSim({ region: 'sim-ap-1' })
    expect(ap.pricing.monthly('instance', { size: 'small' })).toBeCloseTo(0.0208 * 730 * 1.25, 6)
  })
})
