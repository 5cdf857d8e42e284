import {
  type CheckIssue,
  type FoundResource,
  ProviderError,
  type ReadResult,
  type ResourceHandlerV1,
  type VolumeOutputs,
  type VolumeSpec,
} from '@skyloom/core/provider'
import { waitForAction } from '../api/actions.js'
import { PROVIDER_NAME } from '../api/errors.js'
import type { ApiSession } from '../api/session.js'
import { actionEnvelope, dropletEnvelope, type Volume, volumeEnvelope, volumeList } from '../api/wire.js'
import { cloudName } from '../naming.js'
import type { Runtime } from '../runtime.js'
import { decodeTags, hasAllTags, ownershipTags, urnTag, userTagsToDigitalOcean } from '../tags.js'
import { changedFields, fieldChange } from './diff.js'
import { dropletNumber } from './droplet.js'
import { ignoreNotFound } from './not-found.js'
import { optionsOf, volumeOptionsSchema } from './options.js'
import { syncTags } from './tagging.js'

/*
 * volume → Block Storage volume, attached with a volume action (`POST /v2/volumes/{id}/actions`
 * type `attach`) that create polls to completion. A retry after a failed attach finds the volume
 * by its key-derived name and only attaches it. The volume listing cannot filter by tag, so
 * `find` scans the account's volumes.
 */

type Read = ReadResult<VolumeSpec, VolumeOutputs>

export function createVolumeHandler(runtime: Runtime): ResourceHandlerV1<VolumeSpec, VolumeOutputs> {
  const toRead = (volume: Volume): Read => {
    const attached = volume.droplet_ids?.[0]
    const attachedTo = attached === undefined ? undefined : String(attached)
    return {
      id: volume.id,
      props: { sizeGiB: volume.size_gigabytes, attachTo: attachedTo, tags: decodeTags(volume.tags).user },
      outputs: { id: volume.id, zone: volume.region.slug, ...(attachedTo ? { attachedTo } : {}) },
    }
  }
  const toFound = (volume: Volume): FoundResource<VolumeSpec, VolumeOutputs> => {
    const tags = decodeTags(volume.tags)
    return { ...toRead(volume), ownership: tags.ownership, tags: tags.all }
  }
  const allVolumes = (session: ApiSession, query: Record<string, string> = {}) =>
    session.all('/v2/volumes', volumeList, (page) => page.volumes, query)

  /** Runs an attach, detach or resize action on a volume and waits for it. */
  const volumeAction = async (session: ApiSession, volume: Volume, body: Record<string, unknown>) => {
    const { action } = await session.json('POST', `/v2/volumes/${volume.id}/actions`, actionEnvelope, {
      body: { ...body, region: volume.region.slug },
    })
    await waitForAction(
      session,
      action,
      runtime.pollIntervalMs,
      `${String(body.type)} of volume ${volume.id}`,
    )
  }
  const dropletId = (session: ApiSession, id: string): number => {
    const number = dropletNumber(id)
    if (Number.isNaN(number)) {
      throw new ProviderError({
        provider: PROVIDER_NAME,
        operation: 'attach',
        class: 'invalid',
        urn: session.ctx.urn,
        message: `attachTo must be a Droplet id (an integer such as 3164444), got "${id}"`,
      })
    }
    return number
  }
  const attach = async (session: ApiSession, volume: Volume, to: string) => {
    session.ctx.logger.debug({ volume: volume.id, droplet: to }, 'attaching volume')
    await volumeAction(session, volume, { type: 'attach', droplet_id: dropletId(session, to) })
  }
  const detachAll = async (session: ApiSession, volume: Volume) => {
    for (const droplet of volume.droplet_ids ?? []) {
      await volumeAction(session, volume, { type: 'detach', droplet_id: droplet })
    }
  }
  const fetchVolume = async (session: ApiSession, id: string) =>
    (await session.json('GET', `/v2/volumes/${id}`, volumeEnvelope)).volume

  return {
    providerOptions: volumeOptionsSchema,
    operations: {
      create: { expectedMs: 10_000 },
      update: { expectedMs: 10_000 },
      delete: { expectedMs: 10_000 },
    },

    check(props) {
      const issues: CheckIssue[] = []
      if (props.type !== 'ssd') {
        issues.push({
          path: 'type',
          severity: 'warning',
          message: `DigitalOcean Block Storage has one type (SSD): "${props.type}" is served by an SSD volume`,
        })
      }
      if (props.sizeGiB > 16_384) {
        issues.push({
          path: 'sizeGiB',
          severity: 'error',
          message: 'DigitalOcean volumes hold at most 16,384 GiB',
        })
      }
      return issues
    },

    diff(current, desired) {
      const changes = changedFields(current.props, desired).flatMap((field) => {
        const before = current.props.sizeGiB
        if (field === 'sizeGiB' && typeof before === 'number' && desired.sizeGiB < before) {
          // The resize action only grows a volume. Shrinking (back from drift too) takes a new,
          // empty volume; growing stays in place.
          return fieldChange(
            field,
            true,
            `shrinks from ${before} to ${desired.sizeGiB} GiB, and DigitalOcean volumes only grow: a new, empty volume replaces this one (its data is not copied)`,
          )
        }
        if (field === 'zone') {
          // An omitted zone means "wherever the provider puts it", and naming the region the
          // volume is already in changes nothing: neither may cost a replacement (and the data).
          if (desired.zone === undefined || desired.zone === current.outputs.zone) return []
          return fieldChange(
            field,
            true,
            `moves the volume from ${current.outputs.zone} to ${desired.zone}, and a DigitalOcean volume cannot change region`,
          )
        }
        return fieldChange(field, false)
      })
      return { changes }
    },

    async create(props, ctx) {
      const session = runtime.session(ctx)
      const options = optionsOf(volumeOptionsSchema, ctx.providerOptions)
      const name = cloudName(ctx.name, ctx.idempotencyKey, 'volume')
      let region = props.zone
      if (props.attachTo) {
        // A volume attaches only to a Droplet of its own region. Checked before the volume is
        // made, so that an impossible zone fails the create without leaving a volume behind.
        const { droplet } = await session.json('GET', `/v2/droplets/${props.attachTo}`, dropletEnvelope)
        if (region && region !== droplet.region.slug) {
          throw new ProviderError({
            provider: PROVIDER_NAME,
            operation: 'create',
            class: 'invalid',
            urn: ctx.urn,
            message: `zone ${region} differs from the region of Droplet ${props.attachTo} (${droplet.region.slug}), and a volume attaches only to Droplets of its region: omit zone or use ${droplet.region.slug}`,
          })
        }
        region = droplet.region.slug
      }
      region ??= runtime.region
      let [volume] = await allVolumes(session, { name, region })
      if (!volume) {
        const response = await session.json('POST', '/v2/volumes', volumeEnvelope, {
          body: {
            name,
            size_gigabytes: props.sizeGiB,
            region,
            tags: [...ownershipTags(ctx.ownership), ...userTagsToDigitalOcean(props.tags)],
            ...(options.description ? { description: options.description } : {}),
            ...(options.filesystemType ? { filesystem_type: options.filesystemType } : {}),
            ...(options.filesystemLabel ? { filesystem_label: options.filesystemLabel } : {}),
          },
        })
        volume = response.volume
      }
      if (props.attachTo && !(volume.droplet_ids ?? []).map(String).includes(props.attachTo)) {
        ctx.progress(`attaching volume ${volume.id} to Droplet ${props.attachTo}`)
        await attach(session, volume, props.attachTo)
        volume = await fetchVolume(session, volume.id)
      }
      const read = toRead(volume)
      return { id: read.id, outputs: read.outputs, ready: true }
    },

    async read(id, ctx) {
      const found = await ignoreNotFound(
        runtime.session(ctx).json('GET', `/v2/volumes/${id}`, volumeEnvelope),
      )
      return found ? toRead(found.volume) : undefined
    },

    async update(id, change, ctx) {
      const session = runtime.session(ctx)
      let volume = await fetchVolume(session, id)
      const { desired } = change
      if (desired.sizeGiB < volume.size_gigabytes) {
        // `diff` plans a smaller size as a replacement, so this is reached only when the volume
        // grew behind Skyloom's back since the plan was made (or a caller skipped the plan).
        throw new ProviderError({
          provider: PROVIDER_NAME,
          operation: 'update',
          class: 'invalid',
          urn: ctx.urn,
          message: `DigitalOcean volumes only grow (${volume.size_gigabytes} GiB to ${desired.sizeGiB} GiB): refresh and plan again, and the smaller size is planned as a replacement by a new, empty volume`,
        })
      }
      if (desired.sizeGiB > volume.size_gigabytes) {
        await volumeAction(session, volume, { type: 'resize', size_gigabytes: desired.sizeGiB })
      }
      const attachedTo = volume.droplet_ids?.[0]
      if (String(attachedTo ?? '') !== (desired.attachTo ?? '')) {
        await detachAll(session, volume)
        if (desired.attachTo) await attach(session, volume, desired.attachTo)
      }
      if (change.changed.includes('tags')) {
        const desiredTags = [...ownershipTags(ctx.ownership), ...userTagsToDigitalOcean(desired.tags)]
        await syncTags(session, { id: volume.id, type: 'volume' }, volume.tags, desiredTags)
      }
      volume = await fetchVolume(session, id)
      return { id, outputs: toRead(volume).outputs }
    },

    async delete(id, _current, ctx) {
      const session = runtime.session(ctx)
      const found = await ignoreNotFound(session.json('GET', `/v2/volumes/${id}`, volumeEnvelope))
      if (!found) return
      // DigitalOcean refuses to delete an attached volume.
      await detachAll(session, found.volume)
      await ignoreNotFound(session.call('DELETE', `/v2/volumes/${id}`))
    },

    async find(query, ctx) {
      const byKey = query.idempotencyKey ? cloudName(ctx.name, query.idempotencyKey, 'volume') : undefined
      const owner = urnTag(query.ownership.urn)
      return (await allVolumes(runtime.session(ctx)))
        .filter((volume) => volume.name === byKey || volume.tags.includes(owner))
        .map(toFound)
    },

    async *list(filter, ctx) {
      for await (const volume of runtime
        .session(ctx)
        .paginate('/v2/volumes', volumeList, (page) => page.volumes)) {
        const found = toFound(volume)
        if (filter.stack && found.ownership?.stack !== filter.stack) continue
        if (filter.tags && !hasAllTags(volume.tags, filter.tags)) continue
        yield found
      }
    },
  }
}
