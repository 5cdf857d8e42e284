import type {
  FirewallSpec,
  InstanceGroupSpec,
  InstanceSpec,
  InstanceState,
  NetworkSpec,
  SubnetSpec,
  VolumeSpec,
} from '@skyloom/core/provider'
import type { SimKind } from './kinds.js'

/** Where a resource is in its life: the sim's equivalent of a provisioning state. */
export type Lifecycle = 'creating' | 'available' | 'failed' | 'deleting'

/** A resource's props as the cloud stores them: what it was given, less tags and secrets. */
type Stored<S> = Omit<S, 'tags' | 'providerOptions' | 'userData'>

/** Fields every stored resource has. Plain JSON, so that the cloud can live in a file. */
export interface RecordBase {
  readonly id: string
  readonly region: string
  lifecycle: Lifecycle
  readonly createdAt: number
  /** Reads before this time miss the resource (eventual consistency). */
  readonly visibleAt: number
  /** When `creating` ends. */
  readyAt: number
  /** When `deleting` ends and the resource disappears. */
  goneAt?: number
  /** Why provisioning fails (set at create for resources chosen to fail). */
  failure?: string
  /** User tags and ownership tags. */
  tags: Record<string, string>
  /** The idempotency key of the create that made it. */
  readonly idempotencyKey?: string
  /** Fingerprint of the create request, to refuse a reused key with different parameters. */
  readonly fingerprint: string
}

/** A stored network. */
export interface NetworkRecord extends RecordBase {
  readonly kind: 'network'
  spec: Stored<NetworkSpec>
}

/** A stored subnet. */
export interface SubnetRecord extends RecordBase {
  readonly kind: 'subnet'
  spec: Stored<SubnetSpec>
  readonly zone: string
}

/** A stored firewall. */
export interface FirewallRecord extends RecordBase {
  readonly kind: 'firewall'
  spec: Stored<FirewallSpec>
}

/** A state the instance will enter at a given time. */
export interface StateTransition {
  readonly at: number
  readonly state: InstanceState
}

/** A stored instance, standalone or a member of an instance group. */
export interface InstanceRecord extends RecordBase {
  readonly kind: 'instance'
  spec: Stored<InstanceSpec>
  state: InstanceState
  /** Scheduled state changes, in time order (stop, start, resize). */
  transitions: StateTransition[]
  machineType: string
  vcpus: number
  readonly zone: string
  readonly networkId: string
  readonly privateAddress: string
  readonly publicAddress?: string
  /** sha256 of the user data: enough to compare requests without keeping the secret. */
  userDataHash?: string
  /** The instance group that launched it. */
  readonly groupId?: string
  /** A rolling replacement retires it: it starts deleting at `at` and is gone at `goneAt`. */
  retire?: { readonly at: number; readonly goneAt: number }
}

/** A stored volume. */
export interface VolumeRecord extends RecordBase {
  readonly kind: 'volume'
  spec: Stored<VolumeSpec>
  readonly zone: string
}

/** A stored instance group: its template and its members. */
export interface InstanceGroupRecord extends RecordBase {
  readonly kind: 'instance-group'
  spec: Stored<InstanceGroupSpec>
  userDataHash?: string
  /** Member instance ids, oldest first, including members still launching or being retired. */
  members: string[]
}

/** Any stored resource. */
export type SimRecord =
  | NetworkRecord
  | SubnetRecord
  | FirewallRecord
  | InstanceRecord
  | VolumeRecord
  | InstanceGroupRecord

/** The stored record type of a kind. */
export type RecordOf<K extends SimKind> = Extract<SimRecord, { kind: K }>
