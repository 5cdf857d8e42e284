import type { ApiSession } from '../api/session.js'
import { ignoreNotFound } from './not-found.js'

/** A resource DigitalOcean's tag endpoints take: `droplet` or `volume` here. */
export interface TaggedResource {
  readonly id: string
  readonly type: 'droplet' | 'volume'
}

/**
 * Makes a resource carry exactly `desired` tags. DigitalOcean has no "set the tags" call: tags
 * are assigned and unassigned one tag at a time (`POST`/`DELETE /v2/tags/{tag}/resources`), so
 * this adds what is missing and removes everything else, including tags someone added in the
 * console, which is what converging drift back means. `desired` must hold every tag the provider
 * manages (ownership and firewall targets as well as user tags), or they would be removed.
 */
export async function syncTags(
  session: ApiSession,
  resource: TaggedResource,
  current: readonly string[],
  desired: readonly string[],
): Promise<void> {
  const body = { resources: [{ resource_id: resource.id, resource_type: resource.type }] }
  const path = (tag: string) => `/v2/tags/${encodeURIComponent(tag)}/resources`
  for (const tag of desired.filter((tag) => !current.includes(tag))) {
    // Creating a tag that exists is a no-op on DigitalOcean; assigning one that does not is a 404.
    await session.call('POST', '/v2/tags', { body: { name: tag } })
    await session.call('POST', path(tag), { body })
  }
  for (const tag of current.filter((tag) => !desired.includes(tag))) {
    // A 404 means the tag no longer exists in the account (deleted since the read), and a tag
    // that does not exist is on no resource: the removal is done.
    await ignoreNotFound(session.call('DELETE', path(tag), { body }))
  }
}
