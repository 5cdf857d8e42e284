/**
 * Skyloom core: the resource model, the planner, the engine, state and events.
 * @packageDocumentation
 */

export { type Clock, ManualClock, systemClock, VirtualClock } from './clock/index.js'
export { createEngine, type Engine } from './engine/engine.js'
export type {
  AdoptResult,
  ApplyOptions,
  ApplyResult,
  EngineOptions,
  RefreshResult,
  ResourceDrift,
  StepResult,
  UpOptions,
} from './engine/types.js'
export * from './errors/index.js'
export {
  type EngineEvent,
  type EngineEventType,
  EventBus,
  type EventOf,
  type FieldDrift,
  type ProgressSnapshot,
  ProgressTracker,
  type RunningStep,
  type StepOutcome,
} from './events/index.js'
export type { Duration } from './model/duration.js'
export { IMAGE_ALIASES, type ImageAlias } from './model/image.js'
export {
  type FirewallOutputs,
  type FirewallProps,
  type FirewallRule,
  type InstanceGroupOutputs,
  type InstanceGroupProps,
  type InstanceOutputs,
  type InstanceProps,
  type InstanceState,
  NEUTRAL_KINDS,
  type NetworkOutputs,
  type NetworkProps,
  type NeutralKind,
  type SubnetOutputs,
  type SubnetProps,
  type Tags,
  type VolumeOutputs,
  type VolumeProps,
} from './model/kinds/index.js'
export { OWNERSHIP_TAG_STACK, OWNERSHIP_TAG_URN, type Ownership } from './model/ownership.js'
export { type Input, isOutputRef, OutputRef } from './model/reference.js'
export {
  firewall,
  instance,
  instanceGroup,
  network,
  type OutputRefs,
  type ResourceDeclaration,
  type ResourceHandle,
  type ResourceOptions,
  resource,
  subnet,
  volume,
} from './model/resource.js'
export { isSecret, Secret, secret } from './model/secret.js'
export { SIZE_CLASSES, type Size, type SizeClass, type SizeRequirements } from './model/size.js'
export { createStack, Stack, type StackOptions, type StackResource } from './model/stack.js'
export { parseUrn, type Urn, urnOf } from './model/urn.js'
export * from './plan/index.js'
export type { Logger, ProviderV1 } from './provider/contract.js'
export { type ApplyReportInput, renderApplyReport } from './report/index.js'
export type { RetryPolicy } from './scheduler/backoff.js'
export { seededRandom } from './scheduler/backoff.js'
export type { ScopeStats } from './scheduler/scope-limiter.js'
export { TokenBucket } from './scheduler/token-bucket.js'
export {
  type FileStateOptions,
  fileState,
  type HistoryEntry,
  memoryState,
  STATE_SCHEMA_VERSION,
  type StateKeyOptions,
  type StateLock,
  type StateStore,
} from './state/index.js'
export type { JournalEntry } from './state/journal.js'
export type { PendingIntent, ResourceState, StackState } from './state/types.js'
