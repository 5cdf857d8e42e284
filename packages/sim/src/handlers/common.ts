import { createHash } from 'node:crypto'
import {
  type CheckIssue,
  type CreateResult,
  type FoundResource,
  type MutationContext,
  type OperationContext,
  OWNERSHIP_TAG_STACK,
  OWNERSHIP_TAG_URN,
  type ReadResult,
  type ResourceHandlerV1,
} from '@skyloom/core/provider'
import { SimApiError } from '../errors.js'
import type { SimKind } from '../kinds.js'
import { settleRecord } from '../lifecycle.js'
import type { SimScope } from '../rate-limits.js'
import type { RecordBase, RecordOf, SimRecord } from '../records.js'
import type { SimCloud } from '../sim-cloud.js'
import { type OutputsOf, type PropsOf, userTags, type View, viewOf } from '../views.js'

/** Most ids one describe call accepts, as with EC2's filters. */
export const READ_BATCH_SIZE = 1_000

/** Resources per page of a `list`. */
export const LIST_PAGE_SIZE = 1_000

/** A handler of one of the sim's kinds. */
export type SimHandler<K extends SimKind> = ResourceHandlerV1<PropsOf<K>, OutputsOf<K>>

/**
 * A typed handler as the provider's `kinds` map holds it. The contract types `diff` as a
 * function property, so a handler typed for its kind's props is not assignable to the untyped
 * map; the engine validates props with the kind's schema before calling, which makes this safe.
 */
export function asProviderHandler<K extends SimKind>(handler: SimHandler<K>): ResourceHandlerV1 {
  return handler as unknown as ResourceHandlerV1
}

/** The describe action of each kind, for stats. */
const DESCRIBE_ACTION: Readonly<Record<SimKind, string>> = {
  network: 'DescribeNetworks',
  subnet: 'DescribeSubnets',
  firewall: 'DescribeFirewalls',
  instance: 'DescribeInstances',
  volume: 'DescribeVolumes',
  'instance-group': 'DescribeInstanceGroups',
}

function toRead<K extends SimKind>(record: RecordOf<K>, view: View<K>): ReadResult<PropsOf<K>, OutputsOf<K>> {
  return {
    id: record.id,
    props: view.props,
    outputs: view.outputs,
    status: view.status,
    ...(view.message === undefined ? {} : { message: view.message }),
  }
}

function toFound<K extends SimKind>(
  cloud: SimCloud,
  record: RecordOf<K>,
): FoundResource<PropsOf<K>, OutputsOf<K>> {
  const stack = record.tags[OWNERSHIP_TAG_STACK]
  const urn = record.tags[OWNERSHIP_TAG_URN]
  return {
    ...toRead(
      record,
      viewOf(record, (id) => cloud.get(id)),
    ),
    tags: { ...record.tags },
    ownership: { ...(stack === undefined ? {} : { stack }), ...(urn === undefined ? {} : { urn }) },
  }
}

/**
 * `read`, `readMany`, `find` and `list` for a kind: describe calls in the `describe` scope that
 * see the cloud as of now, minus resources still inside the consistency window or being deleted.
 */
export function describeOperations<K extends SimKind>(
  cloud: SimCloud,
  kind: K,
): Pick<SimHandler<K>, 'read' | 'readMany' | 'find' | 'list'> {
  const action = DESCRIBE_ACTION[kind]
  const lookup = (id: string) => cloud.get(id)
  const readMany = async (ids: readonly string[], ctx: OperationContext) => {
    const found = new Map<string, ReadResult<PropsOf<K>, OutputsOf<K>>>()
    for (let start = 0; start < ids.length; start += READ_BATCH_SIZE) {
      // The engine paid for the first call; further pages are further API calls.
      if (start > 0) await ctx.acquire('describe')
      const chunk = ids.slice(start, start + READ_BATCH_SIZE)
      await cloud.request({ action, scope: 'describe', operation: 'read', ctx }, (now) => {
        for (const id of chunk) {
          const record = cloud.getOf(kind, id)
          if (record && cloud.visible(record, now)) found.set(id, toRead(record, viewOf(record, lookup)))
        }
      })
    }
    return found
  }
  return {
    readMany,
    async read(id, ctx) {
      return (await readMany([id], ctx)).get(id)
    },
    async find(query, ctx) {
      return cloud.request({ action, scope: 'describe', operation: 'find', ctx }, (now) =>
        cloud
          .records(kind)
          .filter(
            (record) =>
              cloud.visible(record, now) &&
              (record.tags[OWNERSHIP_TAG_URN] === query.ownership.urn ||
                (query.idempotencyKey !== undefined && record.idempotencyKey === query.idempotencyKey)),
          )
          .map((record) => toFound(cloud, record)),
      )
    },
    async *list(filter, ctx) {
      for (let offset = 0, page = 0; ; offset += LIST_PAGE_SIZE, page++) {
        if (page > 0) await ctx.acquire('describe')
        const batch = await cloud.request({ action, scope: 'describe', operation: 'list', ctx }, (now) =>
          cloud
            .records(kind)
            .filter(
              (record) =>
                cloud.visible(record, now) &&
                (filter.stack === undefined || record.tags[OWNERSHIP_TAG_STACK] === filter.stack) &&
                Object.entries(filter.tags ?? {}).every(([key, value]) => record.tags[key] === value),
            )
            .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
            .slice(offset, offset + LIST_PAGE_SIZE)
            .map((record) => toFound(cloud, record)),
        )
        yield* batch
        if (batch.length < LIST_PAGE_SIZE) return
      }
    },
  }
}

/** A stable fingerprint of a create request, to tell a retry from a different request with the same key. */
export function fingerprintOf(kind: SimKind, request: unknown): string {
  return createHash('sha256').update(stableJson({ kind, request })).digest('hex')
}

/** sha256 of a secret, so the cloud can compare it without keeping it. */
export function hashSecret(value: string | undefined): string | undefined {
  return value === undefined ? undefined : createHash('sha256').update(value).digest('hex')
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${stableJson(inner)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/**
 * The resource an earlier create with this idempotency key made, if any. A reused key with
 * different parameters is refused, as EC2 refuses a reused ClientToken.
 */
export function existingForKey<K extends SimKind>(
  cloud: SimCloud,
  kind: K,
  ctx: MutationContext,
  fingerprint: string,
): RecordOf<K> | undefined {
  const existing = cloud.byIdempotencyKey(ctx.idempotencyKey)
  if (!existing) return undefined
  if (existing.kind !== kind || existing.fingerprint !== fingerprint) {
    throw new SimApiError(
      'IdempotentParameterMismatch',
      `idempotency key ${ctx.idempotencyKey} was already used for a different request (${existing.kind} ${existing.id}); use a new key for a new request`,
    )
  }
  return existing as RecordOf<K>
}

/**
 * The fields every new record starts with: creating, tagged with user and ownership tags.
 * `provisionMs` defaults to a draw of the kind's provisioning latency.
 */
export function newRecordBase(
  cloud: SimCloud,
  kind: SimKind,
  ctx: MutationContext,
  now: number,
  options: { fingerprint: string; tags: Readonly<Record<string, string>> | undefined; provisionMs?: number },
): RecordBase {
  const provisionMs = options.provisionMs ?? cloud.provisionMs(kind, ctx)
  const failure = cloud.faults.permanentFailure(ctx, cloud.resourceOptions(ctx).fail === true)
  const readyAt = now + provisionMs
  return {
    id: cloud.nextId(kind),
    region: cloud.region,
    lifecycle: 'creating',
    createdAt: now,
    visibleAt: cloud.visibleFrom(now, readyAt),
    readyAt,
    tags: { ...(options.tags ?? {}), ...ctx.ownership.tags },
    idempotencyKey: ctx.idempotencyKey,
    fingerprint: options.fingerprint,
    ...(failure === undefined ? {} : { failure }),
  }
}

/** Stores a new record and settles it at once, so that zero latency means ready on return. */
export function insertRecord(cloud: SimCloud, record: SimRecord, now: number): void {
  cloud.insert(record)
  settleRecord(record, now)
}

/** What a create asked for, as its fingerprint covers it. */
export interface CreateRequest {
  readonly spec: unknown
  readonly tags: Readonly<Record<string, string>> | undefined
  readonly userDataHash?: string | undefined
}

/**
 * The body of a create that honours its idempotency key: the request is fingerprinted, the
 * resource an earlier create with the same key made answers for it (a different request with
 * that key is refused), and otherwise `make` checks the request against the cloud and builds
 * the record, which is stored and settled.
 *
 * @param make - Builds the new record; it runs for a first create only. `newBase` is
 *   {@link newRecordBase} for this request (its fingerprint and tags), called once the checks pass.
 */
export function createOnce<K extends SimKind>(
  cloud: SimCloud,
  kind: K,
  ctx: MutationContext,
  now: number,
  request: CreateRequest,
  make: (newBase: (options?: { provisionMs?: number }) => RecordBase) => RecordOf<K>,
): CreateResult<OutputsOf<K>> {
  const fingerprint = fingerprintOf(kind, request)
  const existing = existingForKey(cloud, kind, ctx, fingerprint)
  if (existing) return resultOf(cloud, existing)
  const record = make((options) =>
    newRecordBase(cloud, kind, ctx, now, { fingerprint, tags: request.tags, ...options }),
  )
  insertRecord(cloud, record, now)
  return resultOf(cloud, record)
}

/** What a create or update returns for a record: its outputs, and whether it is usable yet. */
export function resultOf<K extends SimKind>(cloud: SimCloud, record: RecordOf<K>) {
  const view = viewOf(record, (id) => cloud.get(id))
  return { id: record.id, outputs: view.outputs, ready: view.status === 'ready' }
}

/** Replaces a record's user tags, keeping the ownership and `sim:` tags. */
export function setUserTags(record: SimRecord, tags: Readonly<Record<string, string>> | undefined): void {
  const kept = Object.fromEntries(
    Object.entries(record.tags).filter(([key]) => key.startsWith('skyloom-') || key.startsWith('sim:')),
  )
  record.tags = { ...(tags ?? {}), ...kept }
}

/** True when the record's user tags differ from `tags`. */
export function tagsDiffer(record: SimRecord, tags: Readonly<Record<string, string>> | undefined): boolean {
  const current = userTags(record.tags)
  const desired = tags ?? {}
  const keys = new Set([...Object.keys(current), ...Object.keys(desired)])
  return [...keys].some((key) => current[key] !== desired[key])
}

/**
 * Runs the API calls of one operation in order. The engine took a token for the first; each
 * further call takes its own through `ctx.acquire`, as the contract asks.
 */
export async function callsInOrder(ctx: MutationContext, calls: readonly UpdateCall[]): Promise<void> {
  for (const [index, call] of calls.entries()) {
    if (index > 0) await ctx.acquire(call.scope)
    await call.run()
  }
}

/**
 * Requests deletion and waits until the resource is gone. `usedBy` names the resources that
 * block it while they exist (EC2's DependencyViolation), `check` refuses it for reasons of the
 * resource's own; deleting something already being deleted just waits.
 */
export async function deleteAndWait<K extends SimKind>(
  cloud: SimCloud,
  kind: K,
  id: string,
  ctx: MutationContext,
  call: {
    action: string
    scope: SimScope
    usedBy?: (other: SimRecord, record: RecordOf<K>) => boolean
    check?: (record: RecordOf<K>) => void
    onDelete?: (record: RecordOf<K>, now: number, goneAt: number) => void
  },
): Promise<void> {
  await cloud.request({ action: call.action, scope: call.scope, operation: 'delete', ctx }, (now) => {
    const record = cloud.getOf(kind, id)
    if (!record) {
      throw new SimApiError('InvalidResourceID.NotFound', `${kind} "${id}" does not exist in ${cloud.region}`)
    }
    if (record.lifecycle === 'deleting') return
    const { usedBy } = call
    if (usedBy)
      refuseIfUsed(
        `${kind} ${record.id}`,
        cloud.records().filter((other) => usedBy(other, record)),
      )
    call.check?.(record)
    const goneAt = now + cloud.deletionMs(kind, ctx)
    record.lifecycle = 'deleting'
    record.goneAt = goneAt
    const stored: SimRecord = record
    if (stored.kind === 'instance') {
      stored.state = 'terminated'
      stored.transitions = []
    }
    call.onDelete?.(record, now, goneAt)
    cloud.scheduled(goneAt)
  })
  ctx.progress(`waiting for ${kind} ${id} to be deleted`)
  await cloud.waitUntil(id, (record) => record === undefined, ctx.signal)
}

/** Refuses a deletion while `dependents` exist, as EC2's DependencyViolation does. */
export function refuseIfUsed(what: string, dependents: readonly SimRecord[]): void {
  if (dependents.length === 0) return
  const listed = dependents
    .slice(0, 5)
    .map((record) => `${record.kind} ${record.id}`)
    .join(', ')
  const more = dependents.length > 5 ? ` and ${dependents.length - 5} more` : ''
  throw new SimApiError(
    'DependencyViolation',
    `${what} has dependent resources (${listed}${more}); delete them first, then retry`,
  )
}

/** Plan-time check that a zone belongs to the sim's region. */
export function checkZone(cloud: SimCloud, zone: unknown, path = 'zone'): CheckIssue[] {
  if (typeof zone !== 'string' || cloud.zones.includes(zone)) return []
  return [
    {
      path,
      severity: 'error',
      message: `zone "${zone}" is not in region ${cloud.region}; use one of ${cloud.zones.join(', ')}`,
    },
  ]
}

/** Refuses a zone outside the region at call time. */
export function requireZone(cloud: SimCloud, zone: string, field = 'zone'): void {
  if (!cloud.zones.includes(zone)) {
    throw new SimApiError(
      'InvalidZone',
      `${field} "${zone}" is not a zone of ${cloud.region}; use one of ${cloud.zones.join(', ')}`,
    )
  }
}

/** One API call of an update. */
export interface UpdateCall {
  readonly scope: SimScope
  readonly run: () => Promise<unknown>
}

/**
 * Runs an update: refuses fields the cloud cannot change in place (the engine should have
 * replaced), makes the kind's calls in order, then CreateTags when the user tags changed (every
 * kind's tags change that way), and answers with the resource as it now is.
 *
 * @param update - The changed fields, the desired user tags, the fields the kind changes in
 *   place and its own calls.
 */
export async function runUpdate<K extends SimKind>(
  cloud: SimCloud,
  kind: K,
  id: string,
  ctx: MutationContext,
  update: {
    changed: readonly string[]
    tags: Readonly<Record<string, string>> | undefined
    inPlace: readonly string[]
    calls: readonly UpdateCall[]
  },
): Promise<CreateResult<OutputsOf<K>>> {
  cloud.guard(ctx, 'update', () => {
    const fixed = update.changed.filter((field) => !update.inPlace.includes(field))
    if (fixed.length > 0) {
      throw new SimApiError(
        'UnsupportedOperation',
        `a ${kind} cannot change ${fixed.join(', ')} in place; replace it instead (these fields force replacement)`,
      )
    }
  })
  const tagCalls = update.changed.includes('tags') ? [tagsCall(cloud, kind, id, ctx, update.tags)] : []
  await callsInOrder(ctx, [...update.calls, ...tagCalls])
  return cloud.guard(ctx, 'update', () => {
    cloud.sync()
    return resultOf(cloud, cloud.requireTarget(kind, id))
  })
}

/** The CreateTags call of an update, when the user tags changed. */
export function tagsCall(
  cloud: SimCloud,
  kind: SimKind,
  id: string,
  ctx: MutationContext,
  tags: Readonly<Record<string, string>> | undefined,
): UpdateCall {
  return {
    scope: 'mutate',
    run: () =>
      cloud.request({ action: 'CreateTags', scope: 'mutate', operation: 'update', ctx }, () => {
        const record = cloud.requireTarget(kind, id)
        if (tagsDiffer(record, tags)) setUserTags(record, tags)
      }),
  }
}
