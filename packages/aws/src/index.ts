/**
 * Skyloom's AWS provider: EC2 networks, subnets, security groups, instances and EBS volumes,
 * and Auto Scaling groups, through the AWS SDK for JavaScript v3 (loaded on first use).
 *
 * ```ts
 * import { createAws } from '@skyloom/aws'
 * const aws = createAws({ region: 'eu-west-1' })
 * ```
 * @packageDocumentation
 */

export { type CallCounter, countCalls } from './call-counter.js'
export {
  type CatalogRefresh,
  DEFAULT_INSTANCE_CATALOG,
  InstanceCatalog,
  type ObservedInstanceType,
} from './catalog.js'
export { CREDENTIALS_HELP, classifyAwsError } from './classify.js'
export type { AwsInstanceGroupOutputs } from './handlers/instance-group.js'
export { DEFAULT_IMAGE_FILTERS, type ImageFilter } from './images.js'
export { AWS_LIMITS, AWS_SCOPES, type AwsScope } from './limits.js'
export {
  type FirewallOptions,
  firewallOptionsSchema,
  type InstanceGroupOptions,
  type InstanceOptions,
  instanceGroupOptionsSchema,
  instanceOptionsSchema,
  type NetworkOptions,
  networkOptionsSchema,
  type SubnetOptions,
  subnetOptionsSchema,
  type VolumeOptions,
  volumeOptionsSchema,
} from './options.js'
export { EBS_GIB_MONTH } from './pricing.js'
export { type AwsClients, type AwsHandlers, type AwsProvider, aws, createAws } from './provider.js'
export { AWS_REGIONS } from './regions.js'
export {
  type AwsCredentials,
  type AwsCredentialsProvider,
  type AwsSettings,
  awsSettingsSchema,
} from './settings.js'
