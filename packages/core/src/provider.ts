/**
 * The provider contract, version 1: everything a provider package needs and nothing of the
 * engine. Providers import only this entry point and declare `@skyloom/core` as a peer.
 * @packageDocumentation
 */

export { type Clock, systemClock } from './clock/clock.js'
export { ManualClock } from './clock/manual-clock.js'
export { VirtualClock } from './clock/virtual-clock.js'
export { type ErrorClass, type ErrorClassification, ProviderError, SkyloomError } from './errors/index.js'
export { cidrContains, cidrOverlaps, type Ipv4Block, parseCidr } from './model/cidr.js'
export { IMAGE_ALIASES, type ImageAlias, isImageAlias } from './model/image.js'
export type {
  FirewallOutputs,
  FirewallRule,
  InstanceGroupOutputs,
  InstanceOutputs,
  InstanceState,
  NetworkOutputs,
  SubnetOutputs,
  Tags,
  VolumeOutputs,
} from './model/kinds/index.js'
export {
  OWNERSHIP_TAG_STACK,
  OWNERSHIP_TAG_URN,
  type Ownership,
} from './model/ownership.js'
export { type ResourceDeclaration, type ResourceOptions, resource } from './model/resource.js'
export {
  cheapestOffer,
  HOURS_PER_MONTH,
  SIZE_CLASSES,
  type Size,
  type SizeClass,
  type SizeOffer,
  type SizeRequirements,
  sizeRequirements,
} from './model/size.js'
export { isUnknown, UNKNOWN } from './model/unknown.js'
export { defaultClassify, parseRetryAfter } from './provider/classify.js'
export type {
  ActionHandlerV1,
  CheckContext,
  CheckIssue,
  CreateResult,
  DiffResult,
  FieldChange,
  FindQuery,
  FoundResource,
  ListFilter,
  Logger,
  MutationContext,
  OperationContext,
  OperationName,
  OperationTraits,
  PricingV1,
  ProviderLimitsV1,
  ProviderV1,
  RateLimitScopeV1,
  ReadResult,
  ResourceHandlerV1,
  UpdateRequest,
} from './provider/contract.js'
export { defineHandler } from './provider/contract.js'
export type {
  FirewallSpec,
  InstanceGroupSpec,
  InstanceSpec,
  NetworkSpec,
  Resolved,
  SubnetSpec,
  VolumeSpec,
} from './provider/specs.js'
export { seededRandom } from './scheduler/backoff.js'
export { TokenBucket } from './scheduler/token-bucket.js'
