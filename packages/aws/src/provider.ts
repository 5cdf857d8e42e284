import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import type { EC2Client } from '@aws-sdk/client-ec2'
import {
  type FirewallOutputs,
  type FirewallSpec,
  type InstanceGroupSpec,
  type InstanceOutputs,
  type InstanceSpec,
  type NetworkOutputs,
  type NetworkSpec,
  ProviderError,
  type ProviderV1,
  type ResourceHandlerV1,
  type SubnetOutputs,
  type SubnetSpec,
  type VolumeOutputs,
  type VolumeSpec,
} from '@skyloom/core/provider'
import type { CatalogRefresh, InstanceCatalog, ObservedInstanceType } from './catalog.js'
import { classifyAwsError } from './classify.js'
import { firewallHandler } from './handlers/firewall.js'
import { instanceHandler } from './handlers/instance.js'
import { type AwsInstanceGroupOutputs, instanceGroupHandler } from './handlers/instance-group.js'
import { networkHandler } from './handlers/network.js'
import { eachItem } from './handlers/paginate.js'
import { subnetHandler } from './handlers/subnet.js'
import { volumeHandler } from './handlers/volume.js'
import type { ImageFilter } from './images.js'
import { AWS_LIMITS } from './limits.js'
import { createPricing } from './pricing.js'
import { AwsRuntime } from './runtime.js'
import { type AwsSettings, awsSettingsSchema, parseSettings } from './settings.js'

/** The provider's handlers with their props and outputs types (the `kinds` map, typed). */
export interface AwsHandlers {
  readonly network: ResourceHandlerV1<NetworkSpec, NetworkOutputs>
  readonly subnet: ResourceHandlerV1<SubnetSpec, SubnetOutputs>
  readonly firewall: ResourceHandlerV1<FirewallSpec, FirewallOutputs>
  readonly instance: ResourceHandlerV1<InstanceSpec, InstanceOutputs>
  readonly volume: ResourceHandlerV1<VolumeSpec, VolumeOutputs>
  readonly 'instance-group': ResourceHandlerV1<InstanceGroupSpec, AwsInstanceGroupOutputs>
}

/** The EC2 and Auto Scaling clients a provider uses. */
export interface AwsClients {
  readonly ec2: EC2Client
  readonly autoScaling: AutoScalingClient
}

/** An AWS provider instance: a `ProviderV1` plus AWS-specific helpers. */
export interface AwsProvider extends ProviderV1 {
  readonly name: 'aws'
  /** `aws/<region>`, or `aws/<account>/<region>` when `account` is set; read when first asked. */
  readonly key: string
  /** The same handlers as `kinds`, typed per kind. */
  readonly handlers: AwsHandlers
  /** The instance types sizes resolve against. */
  readonly catalog: InstanceCatalog
  /** The image aliases in use (built-in plus `settings.images`). */
  readonly imageAliases: Readonly<Record<string, ImageFilter>>
  /** The region (settings, environment, or the prebuilt client's), resolved on first use. */
  region(): Promise<string>
  /** The SDK clients, created on first use (loads the SDKs). */
  clients(): Promise<AwsClients>
  /**
   * Narrows the catalog to the instance types the region offers and takes their vCPU and
   * memory figures from DescribeInstanceTypes. One or a few calls; prices stay offline.
   */
  refreshCatalog(options?: { signal?: AbortSignal }): Promise<CatalogRefresh>
}

/**
 * Creates an AWS provider. Nothing is read or loaded here: the region, credentials and the AWS
 * SDKs are resolved on first use, so creating (or importing) a provider never throws for a
 * missing environment and never touches the network.
 *
 * ```ts
 * const aws = createAws({ region: 'eu-west-1' })
 * const stack = createStack('web', { provider: aws })
 * ```
 */
export function createAws(settings: AwsSettings = {}): AwsProvider {
  const checked = parseSettings(settings)
  const rt = new AwsRuntime(checked)
  const handlers: AwsHandlers = {
    network: networkHandler(rt),
    subnet: subnetHandler(rt),
    firewall: firewallHandler(rt),
    instance: instanceHandler(rt),
    volume: volumeHandler(rt),
    'instance-group': instanceGroupHandler(rt),
  }
  return {
    specificationVersion: 'v1',
    name: 'aws',
    get key() {
      return rt.key()
    },
    configSchema: awsSettingsSchema,
    // The contract's map is untyped per kind; `handlers` keeps the types.
    kinds: handlers as unknown as Readonly<Record<string, ResourceHandlerV1>>,
    handlers,
    limits:
      settings.consistencyWindowMs === undefined
        ? AWS_LIMITS
        : { ...AWS_LIMITS, consistencyWindowMs: settings.consistencyWindowMs },
    pricing: createPricing(rt.catalog),
    catalog: rt.catalog,
    imageAliases: rt.images.aliases,
    classifyError(error) {
      const region = rt.configuredRegion()
      return classifyAwsError(error, region ? { region } : {})
    },
    region: () => rt.region(),
    async clients() {
      const [ec2, autoScaling] = await Promise.all([rt.clients.ec2(), rt.clients.autoScaling()])
      return { ec2: ec2.client, autoScaling: autoScaling.client }
    },
    async refreshCatalog(options = {}) {
      const names = rt.catalog.offers.map((offer) => offer.name)
      const observed: ObservedInstanceType[] = []
      try {
        const { client, sdk } = await rt.clients.ec2()
        // Filters take a bounded number of values: ask in slices of 100 names.
        for (let start = 0; start < names.length; start += 100) {
          const types = eachItem(
            (token) =>
              client.send(
                new sdk.DescribeInstanceTypesCommand({
                  Filters: [{ Name: 'instance-type', Values: names.slice(start, start + 100) }],
                  MaxResults: 100,
                  ...(token ? { NextToken: token } : {}),
                }),
                options.signal ? { abortSignal: options.signal } : {},
              ),
            (page) => page.InstanceTypes ?? [],
          )
          for await (const type of types) {
            const cpus = type.VCpuInfo?.DefaultVCpus
            const memoryMiB = type.MemoryInfo?.SizeInMiB
            if (type.InstanceType && cpus && memoryMiB) {
              observed.push({ name: type.InstanceType, cpus, memoryGiB: memoryMiB / 1024 })
            }
          }
        }
      } catch (error) {
        if (ProviderError.isInstance(error)) throw error
        const region = rt.configuredRegion()
        const classification = classifyAwsError(error, region ? { region } : {})
        throw new ProviderError({
          provider: 'aws',
          operation: 'refreshCatalog',
          ...classification,
          message: `DescribeInstanceTypes: ${classification.message ?? (error instanceof Error ? error.message : String(error))}`,
          cause: error,
        })
      }
      return rt.catalog.applyObserved(observed)
    },
  }
}

/**
 * The default provider: region and credentials from the environment (AWS_REGION, the SDK's
 * credential chain), read when first used.
 */
export const aws: AwsProvider = createAws()
