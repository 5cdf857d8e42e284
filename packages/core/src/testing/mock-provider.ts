import { ProviderError } from '../errors/provider-error.js'
import { OWNERSHIP_TAG_STACK, OWNERSHIP_TAG_URN } from '../model/ownership.js'
import { type Size, sizeRequirements } from '../model/size.js'
import type {
  FoundResource,
  MutationContext,
  OperationContext,
  ProviderV1,
  ReadResult,
  ResourceHandlerV1,
} from '../provider/contract.js'
import { MockCloud, type MockCloudResource } from './mock-cloud.js'

type Props = Record<string, unknown>
type Outputs = Record<string, unknown>

export interface MockProviderOptions {
  /** Provider name; default `mock`. */
  readonly name?: string
  /** Provider key (account/region identity); default the name. */
  readonly key?: string
  /** Where resources live; default a fresh in-memory cloud. */
  readonly cloud?: MockCloud
  /**
   * Milliseconds each call takes, on the context's clock. Default 0. A create, update or delete
   * changes the cloud halfway through, as over a network: a crash in the second half leaves a
   * change the caller never heard of, which is what recovery is for.
   */
  readonly latencyMs?: number
  /** Milliseconds a create takes to become ready after returning (`ready: false` until then). */
  readonly readyAfterMs?: number
  /** Called before each operation; return an error to make the call fail with it. */
  readonly fail?: (operation: string, target: { urn: string; kind: string; id?: string }) => Error | undefined
  /** Kinds handled; default all six neutral kinds. */
  readonly kinds?: readonly string[]
  /** Rate limits; default none. */
  readonly limits?: ProviderV1['limits']
}

const ID_PREFIX: Record<string, string> = {
  network: 'net',
  subnet: 'subnet',
  firewall: 'fw',
  instance: 'i',
  volume: 'vol',
  'instance-group': 'grp',
}

/** Counts of calls the mock received, by operation. */
export interface MockCallCounts {
  create: number
  read: number
  update: number
  delete: number
  find: number
  action: number
}

export interface MockProvider extends ProviderV1 {
  readonly cloud: MockCloud
  readonly calls: MockCallCounts
}

/**
 * A provider for tests: every neutral kind, over a {@link MockCloud}. It honours idempotency
 * keys, tags with ownership, finds by tags, supports start/stop/reboot, and prices instances
 * (`$0.01` per vCPU-hour) so plans show cost. Use it to test your own code without a cloud.
 */
export function createMockProvider(options: MockProviderOptions = {}): MockProvider {
  const name = options.name ?? 'mock'
  const cloud = options.cloud ?? new MockCloud()
  const calls: MockCallCounts = { create: 0, read: 0, update: 0, delete: 0, find: 0, action: 0 }
  const latency = options.latencyMs ?? 0
  const readyAfter = options.readyAfterMs ?? 0
  const readyAt = new Map<string, number>()

  const pause = async (ctx: OperationContext, share = 1) => {
    if (latency > 0) await ctx.clock.sleep(latency * share, ctx.signal)
  }
  const maybeFail = (operation: string, ctx: OperationContext, id?: string) => {
    const error = options.fail?.(operation, { urn: ctx.urn, kind: ctx.kind, ...(id ? { id } : {}) })
    if (error) throw error
  }
  const notFound = (id: string, operation: string) =>
    new ProviderError({ provider: name, operation, class: 'not-found', message: `no resource ${id}` })

  const toRead = (resource: MockCloudResource, ctx: OperationContext): ReadResult<Props, Outputs> => {
    const due = readyAt.get(resource.id)
    const pending = due !== undefined && ctx.clock.now() < due
    return {
      id: resource.id,
      props: { ...resource.props, tags: userTags(resource.tags) },
      outputs: {
        ...resource.outputs,
        ...(resource.kind === 'instance' && pending ? { state: 'pending' } : {}),
      },
      status: pending ? 'pending' : 'ready',
    }
  }
  const toFound = (resource: MockCloudResource, ctx: OperationContext): FoundResource<Props, Outputs> => ({
    ...toRead(resource, ctx),
    tags: resource.tags,
    ownership: { stack: resource.tags[OWNERSHIP_TAG_STACK], urn: resource.tags[OWNERSHIP_TAG_URN] },
  })

  const handler = (kind: string): ResourceHandlerV1 => ({
    operations: {
      create: { expectedMs: latency + readyAfter },
      update: { expectedMs: latency },
      delete: { expectedMs: latency },
      read: { expectedMs: latency },
    },
    pollIntervalMs: Math.max(1, Math.ceil(readyAfter / 4)),
    readBatchSize: 500,
    async create(props, ctx: MutationContext) {
      calls.create++
      cloud.refresh()
      await pause(ctx, 0.5)
      maybeFail('create', ctx)
      const existing = cloud.all().find((resource) => resource.createdWith === ctx.idempotencyKey)
      if (existing) return { id: existing.id, outputs: existing.outputs, ready: true }
      const id = cloud.nextId(ID_PREFIX[kind] ?? 'res')
      const tags = { ...asTags(props.tags), ...ctx.ownership.tags }
      const resource: MockCloudResource = {
        id,
        kind,
        props: stripTags(props),
        outputs: outputsFor(kind, id, props, cloud),
        tags,
        createdWith: ctx.idempotencyKey,
      }
      cloud.put(resource)
      if (readyAfter > 0) readyAt.set(id, ctx.clock.now() + readyAfter)
      await pause(ctx, 0.5)
      return { id, outputs: resource.outputs, ready: readyAfter === 0 }
    },
    async readMany(ids, ctx) {
      calls.read++
      cloud.refresh()
      await pause(ctx)
      maybeFail('read', ctx)
      const found = new Map<string, ReadResult<Props, Outputs>>()
      for (const id of ids) {
        const resource = cloud.get(id)
        if (resource) found.set(id, toRead(resource, ctx))
      }
      return found
    },
    async update(id, change, ctx) {
      calls.update++
      cloud.refresh()
      await pause(ctx, 0.5)
      maybeFail('update', ctx, id)
      const resource = cloud.get(id)
      if (!resource) throw notFound(id, 'update')
      resource.props = stripTags(change.desired)
      resource.tags = { ...asTags(change.desired.tags), ...ctx.ownership.tags }
      resource.outputs = {
        ...outputsFor(kind, id, change.desired, cloud),
        ...pick(resource.outputs, ['privateAddress']),
      }
      cloud.put(resource)
      await pause(ctx, 0.5)
      return { id, outputs: resource.outputs }
    },
    async delete(id, _current, ctx) {
      calls.delete++
      cloud.refresh()
      await pause(ctx, 0.5)
      maybeFail('delete', ctx, id)
      if (!cloud.remove(id)) throw notFound(id, 'delete')
      await pause(ctx, 0.5)
    },
    async find(query, ctx) {
      calls.find++
      cloud.refresh()
      await pause(ctx)
      return cloud
        .all()
        .filter(
          (resource) => resource.kind === kind && resource.tags[OWNERSHIP_TAG_URN] === query.ownership.urn,
        )
        .map((resource) => toFound(resource, ctx))
    },
    async *list(filter, ctx) {
      cloud.refresh()
      for (const resource of cloud.all()) {
        if (resource.kind !== kind) continue
        if (filter.stack && resource.tags[OWNERSHIP_TAG_STACK] !== filter.stack) continue
        if (filter.tags && Object.entries(filter.tags).some(([key, value]) => resource.tags[key] !== value))
          continue
        yield toFound(resource, ctx)
      }
    },
    ...(kind === 'instance' ? { actions: instanceActions(cloud, calls, pause) } : {}),
  })

  const kinds = options.kinds ?? Object.keys(ID_PREFIX)
  return {
    specificationVersion: 'v1',
    name,
    ...(options.key ? { key: options.key } : {}),
    kinds: Object.fromEntries(kinds.map((kind) => [kind, handler(kind)])),
    ...(options.limits ? { limits: options.limits } : {}),
    pricing: {
      currency: 'USD',
      monthly(kind, props) {
        if (kind === 'instance') return sizeRequirements(props.size as Size).cpus * 0.01 * 730
        if (kind === 'volume') return Number(props.sizeGiB) * 0.08
        return kind === 'instance-group' ? undefined : 0
      },
    },
    cloud,
    calls,
  }
}

function instanceActions(
  cloud: MockCloud,
  calls: MockCallCounts,
  pause: (ctx: OperationContext) => Promise<void>,
): ResourceHandlerV1['actions'] {
  const setState = (state: string) => async (id: string, ctx: MutationContext) => {
    calls.action++
    cloud.refresh()
    await pause(ctx)
    const resource = cloud.get(id)
    if (!resource)
      throw new ProviderError({
        provider: 'mock',
        operation: 'action',
        class: 'not-found',
        message: `no instance ${id}`,
      })
    resource.outputs = { ...resource.outputs, state }
    cloud.put(resource)
    return { state }
  }
  return { start: setState('running'), stop: setState('stopped'), reboot: setState('running') }
}

function outputsFor(kind: string, id: string, props: Props, cloud: MockCloud): Outputs {
  switch (kind) {
    case 'network':
      return { id, cidr: props.cidr }
    case 'subnet':
      return { id, cidr: props.cidr, zone: props.zone ?? 'mock-1a' }
    case 'instance': {
      const host = Number.parseInt(id.split('-')[1] ?? '0', 16)
      return {
        id,
        privateAddress: `10.${(host >> 16) & 255}.${(host >> 8) & 255}.${host & 255}`,
        ...(props.publicIp ? { publicAddress: `203.0.113.${host & 255}` } : {}),
        zone: props.zone ?? 'mock-1a',
        state: 'running',
        machineType: `mock-${sizeRequirements(props.size as Size).cpus}cpu`,
      }
    }
    case 'volume':
      return { id, zone: props.zone ?? 'mock-1a', ...(props.attachTo ? { attachedTo: props.attachTo } : {}) }
    case 'instance-group': {
      const desired = Number(props.desired ?? props.min ?? 0)
      return {
        id,
        desired,
        instances: Array.from({ length: desired }, (_, index) => `${id}-member-${index}`),
      }
    }
    default:
      void cloud
      return { id }
  }
}

function asTags(value: unknown): Record<string, string> {
  return typeof value === 'object' && value !== null ? (value as Record<string, string>) : {}
}

function userTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => !key.startsWith('skyloom-')))
}

function stripTags(props: Props): Props {
  const { tags: _tags, ...rest } = props
  return rest
}

function pick(outputs: Outputs, keys: readonly string[]): Outputs {
  return Object.fromEntries(keys.filter((key) => key in outputs).map((key) => [key, outputs[key]]))
}
