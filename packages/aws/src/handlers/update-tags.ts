import type { Session } from '../session.js'
import { type TagMap, tagChanges, tagList } from '../tags.js'

/**
 * Moves an EC2 resource's user tags from `current` to `desired` (see {@link tagChanges}): one
 * CreateTags for what is new or different and one DeleteTags for what went, each only when
 * there is something to send.
 */
export async function updateTags(
  session: Session,
  id: string,
  current: Readonly<TagMap> | undefined,
  desired: Readonly<TagMap> | undefined,
): Promise<void> {
  const { set, remove } = tagChanges(current ?? {}, desired ?? {}, session.ctx)
  if (Object.keys(set).length > 0) {
    await session.ec2('CreateTags', ({ client, sdk }, options) =>
      client.send(new sdk.CreateTagsCommand({ Resources: [id], Tags: tagList(set) }), options),
    )
  }
  if (remove.length > 0) {
    await session.ec2('DeleteTags', ({ client, sdk }, options) =>
      client.send(
        new sdk.DeleteTagsCommand({ Resources: [id], Tags: remove.map((Key) => ({ Key })) }),
        options,
      ),
    )
  }
}
