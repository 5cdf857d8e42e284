import type { Clock, OperationContext } from '@skyloom/core/provider'
import { formatAddress } from './addresses.js'
import { type CloudData, CloudStore, latestRecordedTime } from './cloud-state.js'
import { SimApiError, type SimErrorCode, toProviderError } from './errors.js'
import { FaultInjector } from './faults.js'
import { ID_PREFIX, type SimKind } from './kinds.js'
import { sampleLatency } from './latency.js'
import { nextChangeAt, settleRecord } from './lifecycle.js'
import { SeededRandom } from './random.js'
import { SIM_SCOPES, type SimScope } from './rate-limits.js'
import type { RecordOf, SimRecord } from './records.js'
import { type SimResourceOptions, simResourceOptionsSchema } from './resource-options.js'
import type { ResolvedSimSettings } from './settings.js'
import { TokenBucket } from './token-bucket.js'

/** The provider name the sim reports in errors and state. */
export const SIM_PROVIDER_NAME = 'sim'

/** Calls and throttled calls of one scope. */
export interface SimScopeStats {
  /** Calls received, throttled ones included. */
  readonly calls: number
  /** Calls refused because the scope's bucket was empty. */
  readonly throttled: number
}

/** API call counts since the provider was created or its stats were reset. */
export interface SimStats {
  /** Calls received in every scope, throttled ones included. */
  readonly calls: number
  /** Calls refused with `RequestLimitExceeded`. */
  readonly throttled: number
  /** Calls failed by injected transient faults. */
  readonly faults: number
  /** Per rate-limit scope. */
  readonly scopes: Readonly<Record<SimScope, SimScopeStats>>
  /** Calls per API action (`RunInstances`, `DescribeInstances`, …). */
  readonly actions: Readonly<Record<string, number>>
}

/** One API call as the gate sees it. */
export interface ApiCall {
  /** The EC2-like action name, counted in stats (`RunInstances`). */
  readonly action: string
  /** The rate-limit scope it draws a token from. */
  readonly scope: SimScope
  /** The contract operation it serves, for error messages (`create`). */
  readonly operation: string
  readonly ctx: OperationContext
}

interface MutableStats {
  faults: number
  scopes: Record<SimScope, { calls: number; throttled: number }>
  actions: Record<string, number>
}

function emptyStats(): MutableStats {
  return {
    faults: 0,
    scopes: Object.fromEntries(SIM_SCOPES.map((scope) => [scope, { calls: 0, throttled: 0 }])) as Record<
      SimScope,
      { calls: number; throttled: number }
    >,
    actions: {},
  }
}

/**
 * The simulated cloud of one region: its data, its token buckets, its dice. Every API call
 * goes through {@link SimCloud.request}, which does what a cloud's front door does: count,
 * throttle, fail at random, take its round-trip time, then run the operation against the
 * state as of now.
 */
export class SimCloud {
  readonly settings: ResolvedSimSettings
  readonly clock: Clock
  readonly region: string
  readonly zones: readonly string[]
  readonly store: CloudStore
  readonly random: SeededRandom
  readonly faults: FaultInjector
  readonly #buckets: Record<SimScope, TokenBucket>
  #stats = emptyStats()
  /** Earliest time any record of this region changes on its own; settling before it is a no-op. */
  #nextChange = Number.NEGATIVE_INFINITY

  constructor(settings: ResolvedSimSettings, clock: Clock, zones: readonly string[]) {
    this.settings = settings
    this.clock = clock
    this.region = settings.region
    this.zones = zones
    // A virtual clock resumes where the saved cloud stopped: a new process starting its clock
    // earlier would see finished provisioning as still pending.
    this.store = new CloudStore(settings.stateFile, (data) => {
      const advanceTo = (clock as { advanceTo?: (time: number) => void }).advanceTo
      if (advanceTo) advanceTo.call(clock, latestRecordedTime(data))
    })
    this.random = new SeededRandom(settings.seed)
    this.faults = new FaultInjector(settings.faults, this.random)
    this.#buckets = Object.fromEntries(
      SIM_SCOPES.map((scope) => {
        const bucket = settings.rateLimits[scope]
        return [scope, new TokenBucket(bucket.capacity, bucket.refillPerSecond)]
      }),
    ) as Record<SimScope, TokenBucket>
  }

  /**
   * Runs one API call: counts it, takes a token from its scope (or fails `throttled` with the
   * time until one is there), injects faults, waits the round trip, settles the state to now
   * and runs `body`. Mutating calls persist the state. Errors come out as `ProviderError`.
   */
  async request<T>(call: ApiCall, body: (now: number) => T): Promise<T> {
    try {
      const scopeStats = this.#stats.scopes[call.scope]
      scopeStats.calls++
      this.#stats.actions[call.action] = (this.#stats.actions[call.action] ?? 0) + 1
      const admitted = this.#buckets[call.scope].take(this.clock.now())
      if (!admitted.ok) {
        scopeStats.throttled++
        throw new SimApiError(
          'RequestLimitExceeded',
          `${call.action} exceeded the "${call.scope}" request rate of ${this.region} (${this.#buckets[call.scope].capacity} burst, ${this.#buckets[call.scope].refillPerSecond}/s); retry after ${admitted.retryAfterMs} ms`,
          admitted.retryAfterMs,
        )
      }
      const fault = this.faults.transient(call.action, call.ctx)
      if (fault) {
        this.#stats.faults++
        throw fault
      }
      const roundTrip = this.scaled(
        sampleLatency(this.settings.latency.api, this.random, 'api', `${call.ctx.urn}|${call.action}`),
      )
      if (roundTrip > 0) await this.clock.sleep(roundTrip, call.ctx.signal)
      // Sync first: loading a saved cloud may move a virtual clock forward.
      this.sync()
      const now = this.clock.now()
      const result = body(now)
      if (call.scope !== 'describe') this.store.commit()
      return result
    } catch (error) {
      // A cancelled apply is not a cloud failure: let the abort reason through as it is.
      if (call.ctx.signal.aborted && error === call.ctx.signal.reason) throw error
      throw toProviderError(error, {
        provider: SIM_PROVIDER_NAME,
        operation: call.operation,
        urn: call.ctx.urn,
      })
    }
  }

  /**
   * Runs cloud logic outside an API call (a response the sim already has, a precondition),
   * turning its errors into `ProviderError` like {@link SimCloud.request} does.
   */
  guard<T>(ctx: OperationContext, operation: string, body: () => T): T {
    try {
      return body()
    } catch (error) {
      throw toProviderError(error, { provider: SIM_PROVIDER_NAME, operation, urn: ctx.urn })
    }
  }

  /** Reloads the file if another process changed it, then applies every change due by `now`. */
  sync(at?: number): void {
    if (this.store.refresh()) this.#nextChange = Number.NEGATIVE_INFINITY
    // Load first: loading a saved cloud may move a virtual clock forward to where it stopped.
    const data = this.store.data
    const now = at ?? this.clock.now()
    if (now < this.#nextChange) return
    let next = Number.POSITIVE_INFINITY
    for (const record of Object.values(data.resources)) {
      if (record.region !== this.region) continue
      if (settleRecord(record, now) === 'gone') {
        this.#remove(data, record)
        continue
      }
      const at = nextChangeAt(record)
      if (at !== undefined && at < next) next = at
    }
    this.#nextChange = next
  }

  /** Marks that a record gained a scheduled change, so the next sync does not skip it. */
  scheduled(at: number): void {
    if (at < this.#nextChange) this.#nextChange = at
  }

  /**
   * Waits on the clock until `done` holds for the resource (or it will never change again),
   * waking exactly when the cloud changes it: a provider's built-in waiter, costing no API calls.
   */
  async waitUntil(
    id: string,
    done: (record: SimRecord | undefined) => boolean,
    signal: AbortSignal,
  ): Promise<SimRecord | undefined> {
    for (;;) {
      const now = this.clock.now()
      this.sync(now)
      const record = this.get(id)
      if (done(record)) return record
      const at = record ? nextChangeAt(record) : undefined
      if (at === undefined) return record
      await this.clock.sleep(Math.max(1, at - now), signal)
    }
  }

  /** Every record of this region, optionally of one kind. */
  records<K extends SimKind>(kind: K): RecordOf<K>[]
  records(): SimRecord[]
  records(kind?: SimKind): SimRecord[] {
    return Object.values(this.store.data.resources).filter(
      (record) => record.region === this.region && (kind === undefined || record.kind === kind),
    )
  }

  /** A record of this region by id. */
  get(id: string): SimRecord | undefined {
    const record = this.store.data.resources[id]
    return record?.region === this.region ? record : undefined
  }

  /** A record of `kind`, or undefined when there is none with this id. */
  getOf<K extends SimKind>(kind: K, id: string): RecordOf<K> | undefined {
    const record = this.get(id)
    return record?.kind === kind ? (record as RecordOf<K>) : undefined
  }

  /**
   * A resource another one refers to (the subnet of an instance): it must exist and be neither
   * failed nor being deleted, else the request is invalid with `code`.
   */
  requireReference<K extends SimKind>(kind: K, id: string, code: SimErrorCode, field: string): RecordOf<K> {
    const record = this.getOf(kind, id)
    if (!record || record.lifecycle === 'deleting') {
      throw new SimApiError(
        code,
        `${field} refers to ${kind} "${id}", which does not exist in ${this.region}; check the id, or create the ${kind} first`,
      )
    }
    if (record.lifecycle === 'failed') {
      throw new SimApiError(
        code,
        `${field} refers to ${kind} "${id}", which failed to provision; replace it first`,
      )
    }
    return record
  }

  /** A resource an operation targets: not-found when it does not exist (or is on its way out). */
  requireTarget<K extends SimKind>(kind: K, id: string): RecordOf<K> {
    const record = this.getOf(kind, id)
    if (!record || record.lifecycle === 'deleting') {
      throw new SimApiError('InvalidResourceID.NotFound', `${kind} "${id}" does not exist in ${this.region}`)
    }
    return record
  }

  /** The record created with this idempotency key, if it still exists. */
  byIdempotencyKey(key: string): SimRecord | undefined {
    const id = this.store.data.idempotency[key]
    return id === undefined ? undefined : this.get(id)
  }

  /** A fresh id for a resource of `kind`. */
  nextId(kind: SimKind): string {
    const data = this.store.data
    data.counter++
    return `${ID_PREFIX[kind]}-${data.counter.toString(16).padStart(8, '0')}`
  }

  /** A fresh public address from 198.18.0.0/15 (the benchmarking range, never routed). */
  nextPublicAddress(): string {
    const data = this.store.data
    data.publicCounter++
    return formatAddress((0xc6120000 + (data.publicCounter % 0x20000)) >>> 0)
  }

  /** Stores a new record and indexes its idempotency key. */
  insert(record: SimRecord): void {
    const data = this.store.data
    data.resources[record.id] = record
    if (record.idempotencyKey !== undefined) data.idempotency[record.idempotencyKey] = record.id
    const at = nextChangeAt(record)
    if (at !== undefined) this.scheduled(at)
  }

  /** Whether reads at `now` see the record: created long enough ago and not being deleted. */
  visible(record: SimRecord, now: number): boolean {
    return now >= record.visibleAt && record.lifecycle !== 'deleting'
  }

  /**
   * When a resource created at `now` becomes visible to reads: after the consistency window,
   * but never after it is ready, so that whoever saw it ready (and refreshes) also sees it.
   */
  visibleFrom(now: number, readyAt: number): number {
    return Math.min(now + this.scaled(this.settings.consistencyDelayMs), readyAt)
  }

  /** The validated `providerOptions.sim` section of the resource a call is about. */
  resourceOptions(ctx: OperationContext): SimResourceOptions {
    const parsed = simResourceOptionsSchema.safeParse(ctx.providerOptions ?? {})
    if (!parsed.success) {
      throw new SimApiError(
        'InvalidParameterValue',
        `providerOptions.sim of ${ctx.urn} is invalid: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'} ${issue.message}`).join('; ')}`,
      )
    }
    return parsed.data
  }

  /** How long provisioning a resource takes: its option, else a draw; scaled, maybe a straggler. */
  provisionMs(kind: SimKind, ctx: OperationContext, subject = ctx.urn): number {
    const override = this.resourceOptions(ctx).provisionMs
    const drawn =
      override ??
      sampleLatency(this.settings.latency.provision[kind], this.random, `provision:${kind}`, subject)
    return this.scaled(drawn * this.faults.spike('provision', subject))
  }

  /** How long deleting a resource takes: its option, else a draw; scaled, maybe a straggler. */
  deletionMs(kind: SimKind, ctx: OperationContext, subject = ctx.urn): number {
    const override = this.resourceOptions(ctx).deletionMs
    const drawn =
      override ??
      sampleLatency(this.settings.latency.deletion[kind], this.random, `deletion:${kind}`, subject)
    return this.scaled(drawn * this.faults.spike('deletion', subject))
  }

  /** Applies `latency.scale`, rounding to whole milliseconds. */
  scaled(ms: number): number {
    return Math.round(ms * this.settings.latency.scale)
  }

  /** Counts so far. */
  stats(): SimStats {
    const scopes = Object.fromEntries(
      SIM_SCOPES.map((scope) => [scope, { ...this.#stats.scopes[scope] }]),
    ) as Record<SimScope, SimScopeStats>
    const all = Object.values(scopes)
    return {
      calls: all.reduce((sum, scope) => sum + scope.calls, 0),
      throttled: all.reduce((sum, scope) => sum + scope.throttled, 0),
      faults: this.#stats.faults,
      scopes,
      actions: { ...this.#stats.actions },
    }
  }

  /** Zeroes the counters. */
  resetStats(): void {
    this.#stats = emptyStats()
  }

  /** Forgets this region's resources, refills the buckets, rewinds the dice and zeroes the stats. */
  reset(): void {
    this.store.refresh()
    const data = this.store.data
    for (const record of this.records()) this.#remove(data, record)
    this.store.replace(data)
    for (const bucket of Object.values(this.#buckets)) bucket.reset()
    this.random.reset()
    this.resetStats()
    this.#nextChange = Number.NEGATIVE_INFINITY
  }

  /** Removes a record for good, with what goes with it: its key, its group membership, attachments to it. */
  removeNow(id: string): boolean {
    const record = this.get(id)
    if (!record) return false
    this.#remove(this.store.data, record)
    return true
  }

  #remove(data: CloudData, record: SimRecord): void {
    delete data.resources[record.id]
    if (record.idempotencyKey !== undefined && data.idempotency[record.idempotencyKey] === record.id) {
      delete data.idempotency[record.idempotencyKey]
    }
    if (record.kind === 'instance') {
      if (record.groupId !== undefined) {
        const group = data.resources[record.groupId]
        if (group?.kind === 'instance-group') group.members = group.members.filter((id) => id !== record.id)
      }
      for (const volume of Object.values(data.resources)) {
        if (volume.kind === 'volume' && volume.spec.attachTo === record.id) delete volume.spec.attachTo
      }
    }
  }
}
