/**
 * Skyloom core: the resource model, the planner, the engine, state and events.
 * @packageDocumentation
 */
export * from './errors/index.js'
export { createStack, Stack, type StackOptions, type StackResource } from './model/stack.js'
export {
  firewall,
  instance,
  instanceGroup,
  network,
  resource,
  subnet,
  volume,
  type OutputRefs,
  type ResourceDeclaration,
  type ResourceHandle,
  type ResourceOptions,
} from './model/resource.js'
export {
  type FirewallOutputs,
  type FirewallProps,
  type FirewallRule,
  type InstanceGroupOutputs,
  type InstanceGroupProps,
  type InstanceOutputs,
  type InstanceProps,
  type InstanceState,
  type NetworkOutputs,
  type NetworkProps,
  NEUTRAL_KINDS,
  type NeutralKind,
  type SubnetOutputs,
  type SubnetProps,
  type Tags,
  type VolumeOutputs,
  type VolumeProps,
} from './model/kinds/index.js'
export { type Input, isOutputRef, OutputRef } from './model/reference.js'
export { isSecret, Secret, secret } from './model/secret.js'
export { type Size, type SizeClass, SIZE_CLASSES, type SizeRequirements } from './model/size.js'
export { IMAGE_ALIASES, type ImageAlias } from './model/image.js'
export type { Duration } from './model/duration.js'
export { OWNERSHIP_TAG_STACK, OWNERSHIP_TAG_URN, type Ownership } from './model/ownership.js'
export { parseUrn, type Urn, urnOf } from './model/urn.js'
export * from './plan/index.js'
export { type Clock, ManualClock, systemClock, VirtualClock } from './clock/index.js'
export type { ProviderV1 } from './provider/contract.js'
export type { PendingIntent, ResourceState, StackState } from './state/types.js'
