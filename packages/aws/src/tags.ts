import type { ResourceType, Tag, TagSpecification } from '@aws-sdk/client-ec2'
import {
  type FindQuery,
  type OperationContext,
  OWNERSHIP_TAG_STACK,
  OWNERSHIP_TAG_URN,
} from '@skyloom/core/provider'

/**
 * The idempotency key of the create that made a resource. EC2 offers ClientToken only on some
 * calls (and emulators may ignore it), so the key is also kept as a tag: a retried create
 * after a lost response, and crash recovery, find exactly the resource that call made, even
 * when a replacement shares its URN.
 */
export const KEY_TAG = 'skyloom-key'
/** Marks shared helper resources (internet gateway, public route table) the provider manages. */
export const ROLE_TAG = 'skyloom-role'
/** The VPC a shared helper resource belongs to. */
export const VPC_TAG = 'skyloom-vpc'
const RESERVED = 'skyloom'

/** Tags as a plain record. */
export type TagMap = Record<string, string>

export function tagMap(tags: readonly Tag[] | undefined): TagMap {
  const map: TagMap = {}
  for (const tag of tags ?? []) if (tag.Key !== undefined) map[tag.Key] = tag.Value ?? ''
  return map
}

export function tagList(tags: Readonly<TagMap>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }))
}

/** The console's `Name` tag the provider sets when the user set none: `stack-name`. */
export function defaultName(ctx: Pick<OperationContext, 'stack' | 'name'>): string {
  return `${ctx.stack}-${ctx.name}`
}

/**
 * Every tag a created resource carries: the user's, a `Name` for the console (unless the user
 * chose one), the ownership tags and the idempotency key.
 */
export function resourceTags(
  ctx: Pick<OperationContext, 'stack' | 'name' | 'ownership'>,
  userTags: Readonly<TagMap> | undefined,
  idempotencyKey?: string,
): TagMap {
  return {
    Name: defaultName(ctx),
    ...userTags,
    ...ctx.ownership.tags,
    ...(idempotencyKey ? { [KEY_TAG]: idempotencyKey } : {}),
  }
}

export function tagSpecifications(
  types: readonly ResourceType[],
  tags: Readonly<TagMap>,
): TagSpecification[] {
  return types.map((ResourceType) => ({ ResourceType, Tags: tagList(tags) }))
}

/**
 * The user's tags as observed, for drift detection: without the provider's own tags, and
 * without a `Name` equal to the default one the provider set. The default is derived from the
 * resource's own URN tag, not from the operation's context: a batched read covers many
 * resources under one context.
 */
export function observedUserTags(tags: Readonly<TagMap>): TagMap {
  const urn = tags[OWNERSHIP_TAG_URN]
  const providerName = urn ? nameFromUrn(urn) : undefined
  const result: TagMap = {}
  for (const [key, value] of Object.entries(tags)) {
    if (key.toLowerCase().startsWith(RESERVED) || key.startsWith('aws:')) continue
    if (key === 'Name' && value === providerName) continue
    result[key] = value
  }
  return result
}

function nameFromUrn(urn: string): string | undefined {
  const [stack, , name] = urn.split('/')
  return stack && name ? `${stack}-${name}` : undefined
}

/** Ownership read back from tags. */
export function ownershipOf(tags: Readonly<TagMap>): { stack?: string; urn?: string } {
  return {
    ...(tags[OWNERSHIP_TAG_STACK] === undefined ? {} : { stack: tags[OWNERSHIP_TAG_STACK] }),
    ...(tags[OWNERSHIP_TAG_URN] === undefined ? {} : { urn: tags[OWNERSHIP_TAG_URN] }),
  }
}

/** A describe filter on tags (EC2 and Auto Scaling take the same shape). */
export interface TagFilter {
  Name: string
  Values: string[]
}

/** The describe filter for what the create with this idempotency key made (a retried create's first look). */
export function keyFilter(key: string): TagFilter {
  return { Name: `tag:${KEY_TAG}`, Values: [key] }
}

/** The describe filter for `find`: the create's idempotency key when the query has one, else the URN. */
export function findFilter(query: FindQuery): TagFilter {
  return query.idempotencyKey
    ? keyFilter(query.idempotencyKey)
    : { Name: `tag:${OWNERSHIP_TAG_URN}`, Values: [query.ownership.urn] }
}

/** Describe filters for `list`: one `tag:` filter per tag, plus the stack. */
export function tagFilters(filter: { tags?: Readonly<TagMap>; stack?: string }): TagFilter[] {
  const filters = Object.entries(filter.tags ?? {}).map(([key, value]) => ({
    Name: `tag:${key}`,
    Values: [value],
  }))
  if (filter.stack) filters.push({ Name: `tag:${OWNERSHIP_TAG_STACK}`, Values: [filter.stack] })
  return filters
}

/**
 * What to change to move a resource's user tags from `current` to `desired`, leaving the
 * provider's own tags alone.
 */
export function tagChanges(
  current: Readonly<TagMap>,
  desired: Readonly<TagMap>,
  ctx: Pick<OperationContext, 'stack' | 'name' | 'ownership'>,
): { set: TagMap; remove: string[] } {
  // Ownership tags are (re)applied with every tag change, so an imported resource that gets
  // its tags managed also becomes findable by its stack and URN.
  const wanted: TagMap = { Name: defaultName(ctx), ...desired, ...ctx.ownership.tags }
  const set: TagMap = {}
  for (const [key, value] of Object.entries(wanted)) if (current[key] !== value) set[key] = value
  const remove = Object.keys(current).filter(
    (key) => !(key in wanted) && !key.toLowerCase().startsWith(RESERVED) && !key.startsWith('aws:'),
  )
  return { set, remove }
}
