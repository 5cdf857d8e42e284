/**
 * The provider contract, version 1: everything a provider package needs and nothing of the
 * engine. Providers import only this entry point and declare `@skyloom/core` as a peer.
 * @packageDocumentation
 */
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
export type { Resolved, NetworkSpec, SubnetSpec, FirewallSpec, InstanceSpec, VolumeSpec, InstanceGroupSpec } from './provider/specs.js'
export { defaultClassify, parseRetryAfter } from './provider/classify.js'
export { type ErrorClass, type ErrorClassification, ProviderError, SkyloomError } from './errors/index.js'
export type { Clock } from './clock/clock.js'
export {
  OWNERSHIP_TAG_STACK,
  OWNERSHIP_TAG_URN,
  type Ownership,
} from './model/ownership.js'
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
export { IMAGE_ALIASES, type ImageAlias, isImageAlias } from './model/image.js'
export { isUnknown, UNKNOWN } from './model/unknown.js'
export type { FirewallRule, InstanceState, Tags } from './model/kinds/index.js'
export type {
  FirewallOutputs,
  InstanceGroupOutputs,
  InstanceOutputs,
  NetworkOutputs,
  SubnetOutputs,
  VolumeOutputs,
} from './model/kinds/index.js'
export { resource, type ResourceDeclaration, type ResourceOptions } from './model/resource.js'
export { parseCidr, cidrContains, cidrOverlaps, type Ipv4Block } from './model/cidr.js'
