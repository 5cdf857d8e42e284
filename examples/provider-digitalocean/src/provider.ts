import { defaultClassify, type ProviderV1, type ResourceHandlerV1 } from '@skyloom/core/provider'
import { ApiClient } from './api/client.js'
import { classifyDigitalOceanError, PROVIDER_NAME } from './api/errors.js'
import type { RateLimitSnapshot } from './api/rate-limit.js'
import { fetchDropletSizes } from './catalog/refresh.js'
import { DROPLET_SIZES, type DropletSize } from './catalog/sizes.js'
import { createFirewallHandler } from './kinds/firewall.js'
import { createInstanceHandler } from './kinds/instance.js'
import { createInstanceGroupHandler } from './kinds/instance-group.js'
import { createNetworkHandler } from './kinds/network.js'
import { createSubnetHandler } from './kinds/subnet.js'
import { createVolumeHandler } from './kinds/volume.js'
import { DIGITALOCEAN_LIMITS } from './limits.js'
import { createPricing } from './pricing.js'
import { createRuntime } from './runtime.js'
import {
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_REGION,
  type DigitalOceanSettings,
  digitalOceanSettingsSchema,
} from './settings.js'

/** A configured DigitalOcean provider: a {@link ProviderV1} plus catalog and rate-limit access. */
export interface DigitalOceanProvider extends ProviderV1 {
  readonly name: 'digitalocean'
  /** The size catalog in use: the offline one until {@link refreshSizes} replaces it. */
  readonly sizes: readonly DropletSize[]
  /** Rate-limit headers (`ratelimit-remaining`, `ratelimit-reset`) of the last response, if any. */
  readonly rateLimit: RateLimitSnapshot | undefined
  /** Replaces the size catalog with the live `GET /v2/sizes` (available sizes, real regions and prices). */
  refreshSizes(options?: { signal?: AbortSignal }): Promise<readonly DropletSize[]>
}

/**
 * Creates a DigitalOcean provider. Nothing is read or called here: the token is looked up when a
 * request is made (settings, then `DIGITALOCEAN_TOKEN`), so creating or importing never throws.
 *
 * @example
 * ```ts
 * const stack = createStack('web', { provider: createDigitalOcean({ region: 'fra1' }) })
 * ```
 */
export function createDigitalOcean(settings: DigitalOceanSettings = {}): DigitalOceanProvider {
  let sizes: readonly DropletSize[] = settings.sizes ?? DROPLET_SIZES
  const client = new ApiClient({
    ...(settings.token === undefined ? {} : { token: settings.token }),
    ...(settings.baseUrl === undefined ? {} : { baseUrl: settings.baseUrl }),
    ...(settings.fetch === undefined ? {} : { fetch: settings.fetch }),
    ...(settings.userAgent === undefined ? {} : { userAgent: settings.userAgent }),
  })
  const runtime = createRuntime({
    client,
    region: settings.region ?? DEFAULT_REGION,
    pollIntervalMs: settings.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    sizes: () => sizes,
  })
  return {
    specificationVersion: 'v1',
    name: PROVIDER_NAME,
    key: settings.account ? `${PROVIDER_NAME}/${settings.account}` : PROVIDER_NAME,
    configSchema: digitalOceanSettingsSchema,
    kinds: {
      network: untyped(createNetworkHandler(runtime)),
      subnet: untyped(createSubnetHandler(runtime)),
      firewall: untyped(createFirewallHandler(runtime)),
      instance: untyped(createInstanceHandler(runtime)),
      volume: untyped(createVolumeHandler(runtime)),
      'instance-group': untyped(createInstanceGroupHandler(runtime)),
    },
    limits: DIGITALOCEAN_LIMITS,
    classifyError: (error) => classifyDigitalOceanError(error) ?? defaultClassify(error),
    pricing: createPricing(() => sizes),
    get sizes() {
      return sizes
    },
    get rateLimit() {
      return client.rateLimit
    },
    async refreshSizes(options = {}) {
      sizes = await fetchDropletSizes(client, options.signal)
      return sizes
    },
  }
}

/**
 * Each handler is typed with its kind's resolved props and outputs; the contract's `kinds` map
 * holds handlers of every kind, so it types them loosely. The engine validates props with the
 * kind's schema before it calls a handler, which is what makes this widening sound.
 */
function untyped<P, O>(handler: ResourceHandlerV1<P, O>): ResourceHandlerV1 {
  return handler as unknown as ResourceHandlerV1
}

/** A provider with default settings: token from `DIGITALOCEAN_TOKEN`, region `nyc3`. */
export const digitalocean: DigitalOceanProvider = createDigitalOcean()
