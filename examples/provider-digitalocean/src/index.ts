/**
 * A Skyloom provider plugin for DigitalOcean, written only against `@skyloom/core/provider`:
 * the worked example of the provider-authoring guide.
 * @packageDocumentation
 */

export type { RateLimitSnapshot } from './api/rate-limit.js'
export { IMAGE_SLUGS, resolveImage } from './catalog/images.js'
export { DROPLET_SIZES, type DropletSize, resolveDropletSize } from './catalog/sizes.js'
export type {
  InstanceGroupOptions,
  InstanceOptions,
  NetworkOptions,
  VolumeOptions,
} from './kinds/options.js'
export { DIGITALOCEAN_LIMITS } from './limits.js'
export { createDigitalOcean, type DigitalOceanProvider, digitalocean } from './provider.js'
export type { DigitalOceanSettings, TokenSource } from './settings.js'
