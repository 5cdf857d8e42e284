import { HOURS_PER_MONTH } from '@skyloom/core/provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DROPLET_SIZES, resolveDropletSize, resolveImage } from '../src/index.js'
import { type Harness, startHarness } from './support/harness.js'

describe('size catalog, images and prices', () => {
  it('resolves neutral sizes to the cheapest Droplet size', () => {
    const slug = (size: Parameters<typeof resolveDropletSize>[1], minDiskGiB?: number) =>
      resolveDropletSize(DROPLET_SIZES, size, minDiskGiB === undefined ? {} : { minDiskGiB })?.slug
    expect(slug('small')).toBe('s-1vcpu-2gb')
    expect(slug('medium')).toBe('s-2vcpu-4gb')
    expect(slug('large')).toBe('s-8vcpu-16gb')
    expect(slug('xlarge')).toBe('g-8vcpu-32gb')
    expect(slug({ cpus: 1, memoryGiB: 0.5 })).toBe('s-1vcpu-512mb-10gb')
    // The disk is fixed by size: asking for 100 GiB moves small up to a size with that disk.
    expect(slug('small', 100)).toBe('s-4vcpu-8gb')
    expect(slug({ cpus: 32, memoryGiB: 256 })).toBeUndefined()
  })

  it('keeps hourly prices at monthly / 672, DigitalOcean’s monthly cap', () => {
    for (const size of DROPLET_SIZES) expect(size.priceHourly * 672).toBeCloseTo(size.priceMonthly, 1)
  })

  it('maps image aliases to slugs and passes native images through', () => {
    expect(resolveImage('ubuntu-24.04')).toEqual({ ok: true, image: 'ubuntu-24-04-x64' })
    expect(resolveImage('ubuntu-22.04')).toEqual({ ok: true, image: 'ubuntu-22-04-x64' })
    expect(resolveImage('debian-12')).toEqual({ ok: true, image: 'debian-12-x64' })
    expect(resolveImage('rockylinux-9-x64')).toEqual({ ok: true, image: 'rockylinux-9-x64' })
    expect(resolveImage('123456')).toEqual({ ok: true, image: 123456 })
    expect(resolveImage('rhel-9').ok).toBe(false)
  })

  describe('with a local server', () => {
    let h: Harness
    beforeAll(async () => {
      h = await startHarness({ fake: { maxPerPage: 4 } })
    })
    afterAll(() => h.close())

    it('prices plans offline, then from the live catalog after refreshSizes()', async () => {
      const pricing = h.provider.pricing!
      expect(pricing.monthly('instance', { size: 'medium' })).toBe(24)
      expect(pricing.monthly('instance-group', { size: 'small', desired: 3 })).toBe(36)
      expect(pricing.monthly('volume', { sizeGiB: 50 })).toBe(5)
      expect(pricing.monthly('network', { cidr: '10.0.0.0/16' })).toBe(0)
      expect(
        pricing.monthly('instance', { size: 'medium', providerOptions: { digitalocean: { size: 'c-2' } } }),
      ).toBe(42)

      const sizes = await h.provider.refreshSizes()
      expect(sizes.map((size) => size.slug)).toContain('c-2')
      expect(h.fake.requests('GET', '/v2/sizes').length).toBeGreaterThan(1)
      // The local server sells c-2 for $40 and has no 512 MB size.
      expect(
        pricing.monthly('instance', { size: 'medium', providerOptions: { digitalocean: { size: 'c-2' } } }),
      ).toBe(40)
      expect(resolveDropletSize(h.provider.sizes, { cpus: 1, memoryGiB: 0.5 })?.slug).toBe('s-1vcpu-1gb')
      expect(sizes.every((size) => size.regions?.includes('nyc3'))).toBe(true)
      expect(HOURS_PER_MONTH).toBe(730)
    })
  })
})
