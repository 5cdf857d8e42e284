import type { z } from 'zod'
import type { Clock } from '../clock/clock.js'
import type { ErrorClassification } from '../errors/provider-error.js'
import type { Ownership } from '../model/ownership.js'

/**
 * Version 1 of the provider contract. Hand-written and versioned: a change to these types is
 * a breaking change, and a future `ProviderV2` will be accepted beside v1 through an adapter.
 *
 * A minimal provider declares a name and, per kind, a `create`; the core fills in the rest
 * with documented defaults (see `normalizeProvider`).
 */
export interface ProviderV1 {
  readonly specificationVersion: 'v1'
  /** Short name: `aws`, `gcp`, `sim`. Keys `providerOptions` sections. */
  readonly name: string
  /**
   * Identity of this configured instance, stable across runs (for example `aws/123456789012/eu-west-1`).
   * The state records it per resource and the scheduler prefixes rate-limit scopes with it, so
   * two regions of one cloud get separate buckets. Defaults to `name`.
   */
  readonly key?: string
  /** Schema of the settings this provider was created with (for docs and tools). */
  readonly configSchema?: z.ZodType
  /** Handlers per kind: neutral kinds (`network`, `instance`, …) and native ones (`aws:launch-template`). */
  readonly kinds: Readonly<Record<string, ResourceHandlerV1>>
  /** Rate limits, concurrency and batch sizes, as data. */
  readonly limits?: ProviderLimitsV1
  /** Turns an error thrown by the cloud SDK into a classification. */
  classifyError?(error: unknown): ErrorClassification
  /** Offline prices, so plans show cost without network. */
  readonly pricing?: PricingV1
}

/** Rate-limit and concurrency facts the scheduler obeys. They should mirror the cloud's own. */
export interface ProviderLimitsV1 {
  /**
   * Token buckets by scope name (`mutating`, `describe`, `run-instances`, …). A call takes one
   * token from its scope; the scheduler keeps a bucket per provider key and scope.
   */
  readonly scopes: Readonly<Record<string, RateLimitScopeV1>>
  /** Scope used by reads when an operation names none. */
  readonly readScope?: string
  /** Scope used by mutations when an operation names none. */
  readonly mutateScope?: string
  /** Most calls of this provider in flight at once, across scopes. */
  readonly maxConcurrency?: number
  /**
   * How long after a create or update a read or find may still miss the resource (eventual
   * consistency, as on EC2). A miss within this window is not trusted: the engine looks again
   * once it has passed, instead of concluding the resource is gone. Default 0.
   */
  readonly consistencyWindowMs?: number
}

export interface RateLimitScopeV1 {
  /** Burst size: tokens the bucket holds when full. */
  readonly capacity: number
  /** Tokens added per second. */
  readonly refillPerSecond: number
  /** Most calls of this scope in flight at once. */
  readonly concurrency?: number
}

/** Prices from an offline catalog. */
export interface PricingV1 {
  readonly currency: 'USD'
  /** Monthly price of a resource with these (resolved) props, or undefined when unknown. */
  monthly(kind: string, props: Readonly<Record<string, unknown>>): number | undefined
}

/** Operations a handler may implement; used to key limits and expected durations. */
export type OperationName = 'create' | 'read' | 'update' | 'delete' | 'find' | 'list' | 'action'

/** Where an operation's calls are counted and how long it usually takes. */
export interface OperationTraits {
  /** Rate-limit scope; defaults to the provider's read or mutate scope. */
  readonly scope?: string
  /** Typical duration in ms, including the wait until ready; drives critical-path priorities. */
  readonly expectedMs?: number
}

/**
 * How one kind is managed. `P` is the resolved props (references replaced by values, secrets
 * revealed), `O` the outputs. Only `create` is required.
 */
export interface ResourceHandlerV1<P = Record<string, unknown>, O = Record<string, unknown>> {
  /** Props schema for native kinds. Neutral kinds are validated by the core's schemas. */
  readonly schema?: z.ZodType
  /** Output fields references may name (native kinds). */
  readonly outputs?: readonly string[]
  /** Schema of this provider's `providerOptions` section for this kind. */
  readonly providerOptions?: z.ZodType
  /** Top-level props whose change forces replacement, in addition to the kind's own. */
  readonly replaceOn?: readonly string[]
  /** Limits scope and expected duration per operation. */
  readonly operations?: Readonly<Partial<Record<OperationName, OperationTraits>>>
  /** Interval between readiness polls after a create or update that returned `ready: false`. */
  readonly pollIntervalMs?: number
  /** Most ids one `readMany` call accepts (for example 1,000 for DescribeInstances). */
  readonly readBatchSize?: number

  /** Provider-level validation: errors block the plan, warnings are shown in it. */
  check?(props: P, ctx: CheckContext): CheckIssue[] | Promise<CheckIssue[]>
  /**
   * Field-level diff. Default: compare props field by field; a field in `replaceOn` (the kind's
   * or the handler's) forces replacement. Secrets arrive as fingerprints, so compare with ===.
   */
  diff?(
    current: { readonly props: P; readonly outputs: O },
    desired: P,
    ctx: CheckContext,
  ): DiffResult | Promise<DiffResult>
  /** Creates the resource. Must honour `ctx.idempotencyKey` and tag it with `ctx.ownership`. */
  create(props: P, ctx: MutationContext): Promise<CreateResult<O>>
  /** Reads one resource; `undefined` when it no longer exists. Default: `readMany` of one id. */
  read?(id: string, ctx: OperationContext): Promise<ReadResult<P, O> | undefined>
  /** Reads many at once; ids missing from the map no longer exist. Default: `read` in a loop. */
  readMany?(ids: readonly string[], ctx: OperationContext): Promise<ReadonlyMap<string, ReadResult<P, O>>>
  /** Updates in place. Default when absent: every change replaces. */
  update?(id: string, change: UpdateRequest<P, O>, ctx: MutationContext): Promise<CreateResult<O>>
  /** Deletes. A `not-found` error counts as success. Default when absent: forget it (with a warning). */
  delete?(
    id: string,
    current: { readonly props: P; readonly outputs: O },
    ctx: MutationContext,
  ): Promise<void>
  /** Finds resources by idempotency key or ownership tags: crash recovery and adoption use it. */
  find?(query: FindQuery, ctx: OperationContext): Promise<readonly FoundResource<P, O>[]>
  /** Lists resources, optionally filtered by tags: the unified imperative API uses it. */
  list?(filter: ListFilter, ctx: OperationContext): AsyncIterable<FoundResource<P, O>>
  /** Imperative actions such as start, stop and reboot. */
  readonly actions?: Readonly<Record<string, ActionHandlerV1<O>>>
}

export type ActionHandlerV1<O = Record<string, unknown>> = (
  id: string,
  ctx: MutationContext,
  args?: Readonly<Record<string, unknown>>,
) => Promise<Partial<O> | undefined>

/** A problem a provider finds in props. `path` is relative to the props (`size`, `ingress.0.ports`). */
export interface CheckIssue {
  readonly path: string
  readonly message: string
  readonly severity: 'error' | 'warning'
}

export interface FieldChange {
  /** Top-level prop name, or a dotted path below it. */
  readonly path: string
  /** True when this change cannot be made in place. */
  readonly replace: boolean
  /** Why, when it forces replacement: "the cloud cannot move a subnet". */
  readonly reason?: string
}

export interface DiffResult {
  readonly changes: readonly FieldChange[]
  /** Delete the old resource before creating the new one (when names must be unique). */
  readonly deleteBeforeReplace?: boolean
}

export interface CreateResult<O> {
  /** The cloud's id for the resource. */
  readonly id: string
  readonly outputs: O
  /**
   * `false` when the cloud accepted the request but the resource is not usable yet; the engine
   * then polls `read`/`readMany` (batched with others waiting) until `status` is `ready`.
   */
  readonly ready?: boolean
}

export interface ReadResult<P, O> {
  readonly id: string
  /**
   * Props as observed in the cloud, for drift detection: give the fields the provider can
   * read back, leave out those it cannot (user data, say), and give `null` for a field the
   * cloud no longer has (a volume detached in the console). Arrays of plain values are
   * compared without regard to order.
   */
  readonly props: { readonly [K in keyof P]?: P[K] | null }
  readonly outputs: O
  /** Defaults to `ready`. `failed` ends a wait with an error carrying `message`. */
  readonly status?: 'pending' | 'ready' | 'failed'
  readonly message?: string
}

export interface UpdateRequest<P, O> {
  readonly current: { readonly props: P; readonly outputs: O }
  readonly desired: P
  /** Top-level prop names that differ. */
  readonly changed: readonly string[]
}

export interface FindQuery {
  /** The idempotency key of an interrupted create, when the cloud indexes by it. */
  readonly idempotencyKey?: string
  /** Ownership of the resource sought: its stack and URN tags. */
  readonly ownership: Ownership
}

export interface FoundResource<P, O> extends ReadResult<P, O> {
  /** Ownership tags read back from the cloud, if any. */
  readonly ownership?: { readonly stack?: string; readonly urn?: string }
  readonly tags?: Readonly<Record<string, string>>
}

export interface ListFilter {
  readonly tags?: Readonly<Record<string, string>>
  readonly stack?: string
}

/** Logging interface satisfied by console and pino. */
export interface Logger {
  debug(fields: Record<string, unknown>, message: string): void
  info(fields: Record<string, unknown>, message: string): void
  warn(fields: Record<string, unknown>, message: string): void
  error(fields: Record<string, unknown>, message: string): void
}

export interface CheckContext {
  readonly urn: string
  readonly stack: string
  readonly kind: string
  readonly name: string
  /** Validated `providerOptions[provider.name]` section, if any. */
  readonly providerOptions: Readonly<Record<string, unknown>> | undefined
}

export interface OperationContext {
  readonly urn: string
  readonly stack: string
  readonly kind: string
  readonly name: string
  readonly ownership: Ownership
  /** Aborted when the apply is cancelled or the operation times out: stop polling. */
  readonly signal: AbortSignal
  readonly clock: Clock
  readonly logger: Logger
  readonly providerOptions: Readonly<Record<string, unknown>> | undefined
  /**
   * Takes a token from a rate-limit scope before an extra API call. The engine already takes
   * one for the operation itself; call this for each further call it makes.
   */
  acquire(scope: string, tokens?: number): Promise<void>
}

export interface MutationContext extends OperationContext {
  /**
   * Journaled before the call and reused on retry and after a crash: EC2 ClientToken, GCE
   * requestId (it is a UUID), or the seed of a deterministic name.
   */
  readonly idempotencyKey: string
  /** Reports progress of a long operation ("waiting for instance to run"). */
  progress(message: string): void
}

/**
 * Types a handler against its kind's props and outputs, and returns it in the form the
 * provider's `kinds` map takes: `kinds: { network: defineHandler<NetworkSpec, NetworkOutputs>({ … }) }`.
 */
export function defineHandler<P, O>(handler: ResourceHandlerV1<P, O>): ResourceHandlerV1 {
  return handler as unknown as ResourceHandlerV1
}
