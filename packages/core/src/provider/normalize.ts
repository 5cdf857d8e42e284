import type { ErrorClassification } from '../errors/provider-error.js'
import { defaultClassify } from './classify.js'
import type {
  ActionHandlerV1,
  CheckContext,
  CheckIssue,
  CreateResult,
  DiffResult,
  FindQuery,
  FoundResource,
  ListFilter,
  MutationContext,
  OperationContext,
  OperationName,
  PricingV1,
  ProviderLimitsV1,
  ProviderV1,
  RateLimitScopeV1,
  ReadResult,
  ResourceHandlerV1,
  UpdateRequest,
} from './contract.js'

type Props = Record<string, unknown>
type Outputs = Record<string, unknown>

/** A handler with every optional method filled by its documented default. */
export interface NormalizedHandler {
  readonly kind: string
  readonly raw: ResourceHandlerV1
  readonly replaceOn: readonly string[]
  readonly pollIntervalMs: number
  /** Ids per `readMany` call: the declared batch size, or 1 when reads are not batched. */
  readonly readBatchSize: number
  readonly canRead: boolean
  readonly canUpdate: boolean
  readonly canDelete: boolean
  readonly canFind: boolean
  check(props: Props, ctx: CheckContext): Promise<CheckIssue[]>
  /** Undefined when the handler has no diff: the planner's default diff applies. */
  readonly diff:
    | ((
        current: { props: Props; outputs: Outputs },
        desired: Props,
        ctx: CheckContext,
      ) => Promise<DiffResult>)
    | undefined
  create(props: Props, ctx: MutationContext): Promise<CreateResult<Outputs>>
  readMany(
    ids: readonly string[],
    ctx: OperationContext,
  ): Promise<ReadonlyMap<string, ReadResult<Props, Outputs>>>
  update(
    id: string,
    change: UpdateRequest<Props, Outputs>,
    ctx: MutationContext,
  ): Promise<CreateResult<Outputs>>
  delete(id: string, current: { props: Props; outputs: Outputs }, ctx: MutationContext): Promise<void>
  find(query: FindQuery, ctx: OperationContext): Promise<readonly FoundResource<Props, Outputs>[]>
  readonly list:
    | ((filter: ListFilter, ctx: OperationContext) => AsyncIterable<FoundResource<Props, Outputs>>)
    | undefined
  readonly actions: Readonly<Record<string, ActionHandlerV1<Outputs>>>
  traits(operation: OperationName): { scope: string; expectedMs: number }
}

export interface NormalizedProvider {
  readonly raw: ProviderV1
  readonly name: string
  readonly key: string
  readonly kinds: ReadonlyMap<string, NormalizedHandler>
  readonly scopes: Readonly<Record<string, RateLimitScopeV1>>
  readonly maxConcurrency: number
  readonly consistencyWindowMs: number
  readonly pricing: PricingV1 | undefined
  classify(error: unknown): ErrorClassification
}

/** When a provider declares no limits: no rate limit, a modest concurrency cap. */
export const DEFAULT_SCOPE = 'api'
const DEFAULT_LIMITS: ProviderLimitsV1 = {
  scopes: {
    [DEFAULT_SCOPE]: {
      capacity: Number.POSITIVE_INFINITY,
      refillPerSecond: Number.POSITIVE_INFINITY,
      concurrency: 32,
    },
  },
}
const DEFAULT_EXPECTED_MS: Record<OperationName, number> = {
  create: 5_000,
  read: 500,
  update: 5_000,
  delete: 5_000,
  find: 1_000,
  list: 1_000,
  action: 5_000,
}

const cache = new WeakMap<ProviderV1, NormalizedProvider>()

/** The provider's key: its declared `key`, else its name. */
export function providerKey(provider: ProviderV1): string {
  return provider.key ?? provider.name
}

/**
 * Fills every optional part of a provider with its default: `read` from `readMany` and the
 * reverse, `find` from `list`, limits, classification. Cached per provider object.
 */
export function normalizeProvider(provider: ProviderV1): NormalizedProvider {
  const cached = cache.get(provider)
  if (cached) return cached
  if (provider.specificationVersion !== 'v1') {
    throw new TypeError(
      `Provider "${String(provider.name)}" implements specification ${String(provider.specificationVersion)}; this version of @skyloom/core supports v1. Upgrade @skyloom/core or use a matching provider version.`,
    )
  }
  const limits = provider.limits ?? DEFAULT_LIMITS
  const readScope = limits.readScope ?? Object.keys(limits.scopes)[0] ?? DEFAULT_SCOPE
  const mutateScope = limits.mutateScope ?? readScope
  const scopes = Object.keys(limits.scopes).length > 0 ? limits.scopes : DEFAULT_LIMITS.scopes
  const kinds = new Map<string, NormalizedHandler>()
  for (const [kind, handler] of Object.entries(provider.kinds)) {
    kinds.set(kind, normalizeHandler(kind, handler, readScope, mutateScope))
  }
  const classify = (error: unknown): ErrorClassification => {
    const own = provider.classifyError?.(error)
    return own ?? defaultClassify(error)
  }
  const normalized: NormalizedProvider = {
    raw: provider,
    name: provider.name,
    key: providerKey(provider),
    kinds,
    scopes,
    maxConcurrency: limits.maxConcurrency ?? 64,
    consistencyWindowMs: limits.consistencyWindowMs ?? 0,
    pricing: provider.pricing,
    classify,
  }
  cache.set(provider, normalized)
  return normalized
}

function normalizeHandler(
  kind: string,
  handler: ResourceHandlerV1,
  readScope: string,
  mutateScope: string,
): NormalizedHandler {
  const { read, readMany, find, list } = handler
  const readOne = read
    ? read.bind(handler)
    : readMany
      ? async (id: string, ctx: OperationContext) => (await readMany.call(handler, [id], ctx)).get(id)
      : undefined
  const batched = readMany
    ? readMany.bind(handler)
    : readOne
      ? async (ids: readonly string[], ctx: OperationContext) => {
          const found = new Map<string, ReadResult<Props, Outputs>>()
          for (const id of ids) {
            const result = await readOne(id, ctx)
            if (result) found.set(id, result)
          }
          return found
        }
      : undefined
  const findFromList = list
    ? async (query: FindQuery, ctx: OperationContext) => {
        const found: FoundResource<Props, Outputs>[] = []
        for await (const item of list.call(handler, { tags: query.ownership.tags }, ctx)) {
          if (!item.ownership?.urn || item.ownership.urn === query.ownership.urn) found.push(item)
        }
        return found
      }
    : undefined
  const missing = (method: string) => async (): Promise<never> => {
    throw new TypeError(`The ${kind} handler has no ${method}; the engine should not have called it.`)
  }
  return {
    kind,
    raw: handler,
    replaceOn: handler.replaceOn ?? [],
    pollIntervalMs: handler.pollIntervalMs ?? 2_000,
    readBatchSize: readMany ? Math.max(1, handler.readBatchSize ?? 100) : 1,
    canRead: batched !== undefined,
    canUpdate: handler.update !== undefined,
    canDelete: handler.delete !== undefined,
    canFind: find !== undefined || findFromList !== undefined,
    check: async (props, ctx) => (handler.check ? await handler.check(props, ctx) : []),
    diff: handler.diff ? async (current, desired, ctx) => handler.diff!(current, desired, ctx) : undefined,
    create: (props, ctx) => handler.create(props, ctx),
    readMany: batched ?? missing('read'),
    update: handler.update ? handler.update.bind(handler) : missing('update'),
    delete: handler.delete ? handler.delete.bind(handler) : missing('delete'),
    find: find ? find.bind(handler) : (findFromList ?? (async () => [])),
    list: list?.bind(handler),
    actions: handler.actions ?? {},
    traits(operation) {
      const declared = handler.operations?.[operation]
      const isRead = operation === 'read' || operation === 'find' || operation === 'list'
      return {
        scope: declared?.scope ?? (isRead ? readScope : mutateScope),
        expectedMs: declared?.expectedMs ?? DEFAULT_EXPECTED_MS[operation],
      }
    },
  }
}
