import { ProviderError } from '@skyloom/core/provider'
import type { Session } from '../session.js'

/** What {@link describeByIds} needs to know about one kind of EC2 resource. */
export interface DescribeByIdsKind<Item> {
  /** One describe (every page of it) of exactly these ids. */
  readonly describe: (session: Session, ids: string[]) => Promise<Item[]>
  /** The id of a described resource. */
  readonly idOf: (item: Item) => string | undefined
  /** The prefix of the kind's ids (`vpc`, `subnet`, `sg`, `i`, `vol`), to find them in EC2's message. */
  readonly idPrefix: string
  /** The start of the error codes EC2 answers when one of the ids does not exist (`InvalidVpcID`). */
  readonly missingCode: string
  /**
   * A last try for the ids still failing once the named ones were dropped: a query that
   * ignores unknown ids (a filter). Without it, those ids count as missing.
   */
  readonly byFilter?: (session: Session, ids: string[]) => Promise<Item[]>
}

/**
 * Ids named in a "does not exist" message (`The instance IDs 'i-1, i-2' do not exist`). The
 * cloud's own message (the cause) is read, not the wrapped one, which also names the resource.
 */
export function idsInMessage(error: unknown, prefix: string): string[] {
  const cause = error instanceof Error ? error.cause : undefined
  const text = cause instanceof Error ? cause.message : error instanceof Error ? error.message : ''
  return [...new Set(text.match(new RegExp(`\\b${prefix}-[0-9a-f]+\\b`, 'g')) ?? [])]
}

/**
 * The resources with these ids that exist, by id, from one describe call for all of them. EC2
 * fails the whole call when one id does not exist and names the missing ids, so those are
 * dropped and the rest asked again (three tries at most).
 */
export async function describeByIds<Item>(
  session: Session,
  ids: readonly string[],
  kind: DescribeByIdsKind<Item>,
): Promise<Map<string, Item>> {
  const found = new Map<string, Item>()
  const keep = (items: readonly Item[]) => {
    for (const item of items) {
      const id = kind.idOf(item)
      if (id) found.set(id, item)
    }
  }
  let remaining = [...new Set(ids)]
  for (let attempt = 0; attempt < 3 && remaining.length > 0; attempt++) {
    try {
      keep(await kind.describe(session, remaining))
      return found
    } catch (error) {
      const missing = new Set(idsInMessage(error, kind.idPrefix))
      const code = ProviderError.isInstance(error) ? (error.cloudCode ?? '') : ''
      if (!code.startsWith(kind.missingCode) || missing.size === 0) throw error
      remaining = remaining.filter((id) => !missing.has(id))
    }
  }
  if (remaining.length > 0 && kind.byFilter) keep(await kind.byFilter(session, remaining))
  return found
}

/**
 * The one resource with this id; a `not-found` failure carrying EC2's own code when it no
 * longer exists, so callers treat it as they would EC2's answer.
 *
 * @param missing - How the failure names the resource (`security group`) and EC2's code for it.
 */
export async function describeOneById<Item>(
  session: Session,
  id: string,
  kind: DescribeByIdsKind<Item>,
  missing: { readonly what: string; readonly code: string },
): Promise<Item> {
  const item = (await describeByIds(session, [id], kind)).get(id)
  if (!item) throw session.problem('not-found', `${missing.what} ${id} no longer exists`, missing.code)
  return item
}
