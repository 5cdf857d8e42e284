import type { FoundResource, ResourceHandlerV1 } from '@skyloom/core/provider'
import type { AwsRuntime } from '../runtime.js'
import type { Session } from '../session.js'
import { findFilter, type TagFilter, tagFilters } from '../tags.js'
import { type Operations, openSession } from './common.js'

/**
 * `find` and `list` of a kind, as one describe by tag filters each: the create's idempotency
 * key or the URN for `find`, the tags and the stack for `list`.
 *
 * @param describe - Every resource the filters match (all pages).
 * @param found - The described resources as `find` and `list` return them.
 */
export function findAndList<P, O, Item>(
  rt: AwsRuntime,
  ops: Operations,
  describe: (session: Session, filters: TagFilter[]) => Promise<readonly Item[]>,
  found: (
    session: Session,
    items: readonly Item[],
  ) => readonly FoundResource<P, O>[] | Promise<readonly FoundResource<P, O>[]>,
): Required<Pick<ResourceHandlerV1<P, O>, 'find' | 'list'>> {
  return {
    async find(query, ctx) {
      const session = openSession(rt, ctx, 'find', ops)
      return found(session, await describe(session, [findFilter(query)]))
    },
    async *list(filter, ctx) {
      const session = openSession(rt, ctx, 'list', ops)
      yield* await found(session, await describe(session, tagFilters(filter)))
    },
  }
}
