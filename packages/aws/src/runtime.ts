import { DEFAULT_INSTANCE_CATALOG, InstanceCatalog } from './catalog.js'
import { ClientFactory } from './clients.js'
import { ImageResolver } from './images.js'
import { KeyedMutex } from './keyed-mutex.js'
import { AwsProblem } from './problem.js'
import { isKnownRegion, similarRegions } from './regions.js'
import type { AwsSettings } from './settings.js'

const DEFAULT_POLL_MS = 2_000
/** How long a just-launched instance may be missing from DescribeInstances (EC2 is eventually consistent). */
export const VISIBILITY_GRACE_MS = 5 * 60_000

/**
 * What the handlers of one provider instance share: settings, lazily created clients, the
 * catalog, the image cache, per-VPC locks and the idempotency keys this process has sent.
 */
export class AwsRuntime {
  readonly settings: AwsSettings
  readonly clients: ClientFactory
  readonly catalog: InstanceCatalog
  readonly images: ImageResolver
  readonly locks = new KeyedMutex()
  readonly pollIntervalMs: number
  /**
   * Idempotency keys this process has sent a create with. When the engine retries a create
   * whose response was lost, the key is here, and the handler first looks for what the lost
   * call made (by its `skyloom-key` tag) instead of creating a second one.
   */
  readonly sentKeys = new Set<string>()
  /** Instances launched by this process and when: a launch not yet visible is pending, not gone. */
  readonly launched = new Map<string, number>()
  #region: string | undefined
  readonly #zones = new Map<string, Promise<string[]>>()

  constructor(settings: AwsSettings) {
    this.settings = settings
    this.clients = new ClientFactory(settings, () => this.region())
    this.catalog = new InstanceCatalog(
      settings.catalog ?? DEFAULT_INSTANCE_CATALOG,
      settings.instanceFamilies,
    )
    this.images = new ImageResolver(settings.images)
    this.pollIntervalMs = settings.pollIntervalMs ?? DEFAULT_POLL_MS
  }

  /** The region if it is known without asking a client: settings, then the environment. */
  configuredRegion(): string | undefined {
    return this.#region ?? this.settings.region ?? envRegion()
  }

  /** What is wrong with the region, checked offline; undefined when it is fine (or comes from a prebuilt client). */
  regionProblem(): string | undefined {
    const region = this.configuredRegion()
    if (region === undefined) {
      if (this.settings.ec2Client) return undefined
      return 'no AWS region is configured. Set createAws({ region: "eu-west-1" }) or the AWS_REGION environment variable.'
    }
    if (this.settings.allowUnknownRegion || isKnownRegion(region)) return undefined
    const source = this.settings.region
      ? 'settings.region'
      : process.env.AWS_REGION
        ? 'AWS_REGION'
        : 'AWS_DEFAULT_REGION'
    return `"${region}" (from ${source}) is not an AWS region. Did you mean one of ${similarRegions(region).join(', ')}? For a region newer than this version of @skyloom/aws, set createAws({ allowUnknownRegion: true }).`
  }

  /** The region, resolved on first use and then fixed for the provider's lifetime. */
  async region(): Promise<string> {
    if (this.#region) return this.#region
    const problem = this.regionProblem()
    if (problem) throw new AwsProblem('invalid', problem, 'RegionNotSet')
    let region = this.configuredRegion()
    if (region === undefined && this.settings.ec2Client) {
      const configured = this.settings.ec2Client.config.region
      region = typeof configured === 'function' ? await configured() : configured
    }
    if (!region)
      throw new AwsProblem(
        'invalid',
        'no AWS region: set createAws({ region }) or AWS_REGION.',
        'RegionNotSet',
      )
    this.#region = region
    return region
  }

  /** The provider key: `aws/<account>/<region>` or `aws/<region>`. */
  key(): string {
    const region = this.configuredRegion() ?? 'default-region'
    return this.settings.account ? `aws/${this.settings.account}/${region}` : `aws/${region}`
  }

  /** Availability zones of the region (sorted), fetched once. */
  zones(region: string, fetch: () => Promise<string[]>): Promise<string[]> {
    let zones = this.#zones.get(region)
    if (!zones) {
      zones = fetch().then((names) => names.slice().sort())
      this.#zones.set(region, zones)
      zones.catch(() => this.#zones.delete(region))
    }
    return zones
  }
}

function envRegion(): string | undefined {
  return process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined
}
