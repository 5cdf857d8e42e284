/** Version of the state format this release writes. Older ones are migrated on read. */
export const STATE_SCHEMA_VERSION = 1

/** What the state knows of one cloud resource. */
export interface ResourceState {
  readonly urn: string
  readonly kind: string
  readonly name: string
  /** Key of the provider instance that manages it. */
  readonly provider: string
  /** The cloud's id. */
  readonly id: string
  /** Props as last applied: references resolved to values, secrets as `Secret` objects. */
  readonly props: Readonly<Record<string, unknown>>
  readonly outputs: Readonly<Record<string, unknown>>
  /** URNs this resource depended on when last applied (deletes run in reverse order). */
  readonly dependencies: readonly string[]
  /**
   * `ready`: created and confirmed. `pending`: created, readiness not confirmed (an interrupted
   * wait); the next plan reads it first. `tainted`: creation failed after the cloud made it;
   * the next plan replaces it.
   */
  readonly status: 'ready' | 'pending' | 'tainted'
  readonly protect?: boolean
  readonly retainOnDelete?: boolean
  readonly createdAt: string
  readonly updatedAt: string
}

/** A cloud mutation that was journaled as started but whose result was not recorded. */
export interface PendingIntent {
  /** The idempotency key given to the provider. */
  readonly key: string
  readonly urn: string
  readonly kind: string
  readonly provider: string
  readonly operation: 'create' | 'update' | 'delete'
  /** Cloud id, for updates and deletes. */
  readonly id?: string
  /** For creates: the props sent (secrets sealed), so recovery can adopt what it finds as intended. */
  readonly props?: Readonly<Record<string, unknown>>
  readonly dependencies?: readonly string[]
  readonly startedAt: string
}

/** The whole state of one stack at one version. */
export interface StackState {
  readonly schemaVersion: number
  readonly stack: string
  /** Increases by one with every recorded change; plans carry the version they saw. */
  readonly version: number
  /** Random, per stack: keys the fingerprints of secrets. */
  readonly salt: string
  readonly resources: Readonly<Record<string, ResourceState>>
  /** Resources replaced by a new one of the same URN, waiting to be deleted. */
  readonly condemned: readonly ResourceState[]
  readonly pending: Readonly<Record<string, PendingIntent>>
  readonly updatedAt: string
}

export function emptyState(stack: string, salt: string, now: string): StackState {
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    stack,
    version: 0,
    salt,
    resources: {},
    condemned: [],
    pending: {},
    updatedAt: now,
  }
}
