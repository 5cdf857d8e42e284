import {
  type ActionHandlerV1,
  type CheckIssue,
  type FoundResource,
  type InstanceOutputs,
  type InstanceSpec,
  isUnknown,
  type ReadResult,
  type ResourceHandlerV1,
} from '@skyloom/core/provider'
import { waitForAction } from '../api/actions.js'
import type { ApiSession } from '../api/session.js'
import { actionEnvelope, type Droplet, dropletCreated, dropletEnvelope, dropletList } from '../api/wire.js'
import { resolveImage } from '../catalog/images.js'
import { describeSizeMiss, resolveDropletSize } from '../catalog/sizes.js'
import { cloudName } from '../naming.js'
import type { Runtime } from '../runtime.js'
import { decodeTags, hasAllTags, ownershipTags, stackTag, urnTag, userTagsToDigitalOcean } from '../tags.js'
import { dropletOutputs } from './droplet.js'
import { firewallTargetTags } from './firewall.js'
import { ignoreNotFound } from './not-found.js'
import { instanceOptionsSchema, optionsOf } from './options.js'
import { resolvePlacement } from './placement.js'
import { syncTags } from './tagging.js'

/*
 * instance → Droplet. Ownership and user tags are Droplet tags; the firewalls an instance lists
 * are applied by carrying their target tags. A create returns at once with `ready: false` (the
 * Droplet is `new`) and the engine polls `readMany` until it is `active`: one listing by the
 * stack's tag answers for every Droplet of the stack that is waiting, instead of a GET each.
 */

type Read = ReadResult<InstanceSpec, InstanceOutputs>

/** DigitalOcean's power actions behind the neutral action names. */
export const POWER_ACTIONS = { start: 'power_on', stop: 'power_off', reboot: 'reboot' } as const

export function createInstanceHandler(runtime: Runtime): ResourceHandlerV1<InstanceSpec, InstanceOutputs> {
  const toRead = (droplet: Droplet): Read => {
    const tags = decodeTags(droplet.tags)
    const outputs = dropletOutputs(droplet)
    const booting = droplet.status === 'new'
    return {
      id: outputs.id,
      // Only what reads back unambiguously: the neutral size and image do not (a slug maps to
      // many sizes and aliases), so they are compared through outputs.machineType instead.
      props: { tags: tags.user, ...(booting ? {} : { publicIp: outputs.publicAddress !== undefined }) },
      outputs,
      ...(booting ? { status: 'pending' as const } : {}),
      ...(droplet.status === 'archive'
        ? { status: 'failed' as const, message: `Droplet ${droplet.id} is archived` }
        : {}),
    }
  }
  const toFound = (droplet: Droplet): FoundResource<InstanceSpec, InstanceOutputs> => {
    const tags = decodeTags(droplet.tags)
    return { ...toRead(droplet), ownership: tags.ownership, tags: tags.all }
  }
  const getDroplet = async (session: ApiSession, id: string) =>
    (await ignoreNotFound(session.json('GET', `/v2/droplets/${id}`, dropletEnvelope)))?.droplet
  const byName = (session: ApiSession, name: string) =>
    session.all('/v2/droplets', dropletList, (page) => page.droplets, { name })

  const power =
    (action: keyof typeof POWER_ACTIONS): ActionHandlerV1<InstanceOutputs> =>
    async (id, ctx) => {
      const session = runtime.session(ctx)
      const droplet = await session.json('GET', `/v2/droplets/${id}`, dropletEnvelope)
      // power_on of a running Droplet (or power_off of a stopped one) is refused with 422.
      const already =
        (action === 'start' && droplet.droplet.status === 'active') ||
        (action === 'stop' && droplet.droplet.status === 'off')
      if (!already)
        await runAction(session, id, { type: POWER_ACTIONS[action] }, `${action} of Droplet ${id}`)
      const after = await session.json('GET', `/v2/droplets/${id}`, dropletEnvelope)
      return { state: dropletOutputs(after.droplet).state }
    }

  const runAction = async (session: ApiSession, id: string, body: Record<string, unknown>, what: string) => {
    const { action } = await session.json('POST', `/v2/droplets/${id}/actions`, actionEnvelope, { body })
    return waitForAction(session, action, runtime.pollIntervalMs, what)
  }

  return {
    providerOptions: instanceOptionsSchema,
    operations: {
      create: { expectedMs: 45_000 },
      update: { expectedMs: 60_000 },
      delete: { expectedMs: 5_000 },
      action: { expectedMs: 20_000 },
    },
    pollIntervalMs: runtime.pollIntervalMs,
    // A page of a tag listing holds 200 Droplets.
    readBatchSize: 200,

    check(props, ctx) {
      const issues: CheckIssue[] = []
      const options = instanceOptionsSchema.safeParse(ctx.providerOptions ?? {})
      const sizeSlug = options.success ? options.data.size : undefined
      if (!isUnknown(props.image)) {
        const image = resolveImage(props.image)
        if (!image.ok) issues.push({ path: 'image', severity: 'error', message: image.reason })
      }
      if (!sizeSlug && !isUnknown(props.size)) {
        const constraints = props.diskGiB === undefined ? {} : { minDiskGiB: props.diskGiB }
        if (!resolveDropletSize(runtime.sizes(), props.size, constraints)) {
          issues.push({ path: 'size', severity: 'error', message: describeSizeMiss(props.size, constraints) })
        }
      }
      if (props.diskGiB !== undefined) {
        issues.push({
          path: 'diskGiB',
          severity: 'warning',
          message:
            'DigitalOcean fixes the boot disk by size: the cheapest size with at least this disk is chosen',
        })
      }
      if (options.success && options.data.ipv6 && !props.publicIp) {
        issues.push({
          path: 'providerOptions.digitalocean.ipv6',
          severity: 'error',
          message: 'IPv6 needs public networking: set publicIp: true or drop ipv6',
        })
      }
      return issues
    },

    async create(props, ctx) {
      const session = runtime.session(ctx)
      const options = optionsOf(instanceOptionsSchema, ctx.providerOptions)
      const name = cloudName(ctx.name, ctx.idempotencyKey, 'droplet')
      // A retry of a create that reached DigitalOcean finds the Droplet by its key-derived name.
      const [existing] = await byName(session, name)
      if (existing) return created(toRead(existing))
      const placement = await resolvePlacement(runtime, session, {
        subnets: [props.subnet],
        zone: props.zone,
        size: props.size,
        sizeSlug: options.size,
        image: props.image,
        diskGiB: props.diskGiB,
        firewalls: props.firewalls,
      })
      const tags = unique([
        ...ownershipTags(ctx.ownership),
        ...userTagsToDigitalOcean(props.tags),
        ...placement.firewallTags,
      ])
      const response = await session.json('POST', '/v2/droplets', dropletCreated, {
        body: {
          name,
          region: placement.region,
          size: placement.size,
          image: placement.image,
          vpc_uuid: placement.vpcId,
          tags,
          ssh_keys: options.sshKeys ?? [],
          public_networking: props.publicIp,
          ipv6: options.ipv6 ?? false,
          monitoring: options.monitoring ?? false,
          backups: options.backups ?? false,
          ...(props.userData === undefined ? {} : { user_data: props.userData }),
        },
      })
      ctx.progress(`Droplet ${response.droplet.id} is booting`)
      return created(toRead(response.droplet))
    },

    async read(id, ctx) {
      const droplet = await getDroplet(runtime.session(ctx), id)
      return droplet ? toRead(droplet) : undefined
    },

    async readMany(ids, ctx) {
      const session = runtime.session(ctx)
      const wanted = new Set(ids)
      const found = new Map<string, Read>()
      if (ids.length > 1) {
        // One listing of the stack's Droplets covers every id of a batch.
        for await (const droplet of session.paginate('/v2/droplets', dropletList, (page) => page.droplets, {
          tag_name: stackTag(ctx.stack),
        })) {
          if (wanted.has(String(droplet.id))) found.set(String(droplet.id), toRead(droplet))
        }
      }
      // Droplets that lost the stack tag out of band (or a batch of one) are read one by one.
      for (const id of ids) {
        if (found.has(id)) continue
        const droplet = await getDroplet(session, id)
        if (droplet) found.set(id, toRead(droplet))
      }
      return found
    },

    async update(id, change, ctx) {
      const session = runtime.session(ctx)
      const options = optionsOf(instanceOptionsSchema, ctx.providerOptions)
      let droplet = await session.json('GET', `/v2/droplets/${id}`, dropletEnvelope).then((r) => r.droplet)
      if (change.changed.includes('size') || change.changed.includes('providerOptions')) {
        droplet = await resize(session, droplet, change.desired, options.size)
      }
      if (change.changed.includes('tags') || change.changed.includes('firewalls')) {
        // The Droplet ends with exactly the tags a create would give it: ownership (re-added if
        // someone removed it), the user's tags, and the target tags of the firewalls it lists.
        // Anything else, such as a tag added in the console or a firewall's tag the instance no
        // longer lists, is removed.
        const desired = unique([
          ...ownershipTags(ctx.ownership),
          ...userTagsToDigitalOcean(change.desired.tags),
          ...(await firewallTargetTags(session, change.desired.firewalls)),
        ])
        await syncTags(session, { id, type: 'droplet' }, droplet.tags, desired)
        droplet = (await session.json('GET', `/v2/droplets/${id}`, dropletEnvelope)).droplet
      }
      return { id, outputs: dropletOutputs(droplet), ready: droplet.status !== 'new' }
    },

    async delete(id, _current, ctx) {
      await ignoreNotFound(runtime.session(ctx).call('DELETE', `/v2/droplets/${id}`))
    },

    async find(query, ctx) {
      const session = runtime.session(ctx)
      const results = new Map<number, Droplet>()
      const owned = await session.all('/v2/droplets', dropletList, (page) => page.droplets, {
        tag_name: urnTag(query.ownership.urn),
      })
      for (const droplet of owned) results.set(droplet.id, droplet)
      if (query.idempotencyKey) {
        for (const droplet of await byName(session, cloudName(ctx.name, query.idempotencyKey, 'droplet'))) {
          results.set(droplet.id, droplet)
        }
      }
      return [...results.values()].map(toFound)
    },

    async *list(filter, ctx) {
      // DigitalOcean filters by one tag server-side; the rest is filtered here.
      const [firstTag] = Object.entries(filter.tags ?? {})
      const tagName = filter.stack ? stackTag(filter.stack) : firstTag ? encodeFirst(firstTag) : undefined
      const pages = runtime
        .session(ctx)
        .paginate('/v2/droplets', dropletList, (page) => page.droplets, tagName ? { tag_name: tagName } : {})
      for await (const droplet of pages) {
        if (filter.tags && !hasAllTags(droplet.tags, filter.tags)) continue
        yield toFound(droplet)
      }
    },

    actions: { start: power('start'), stop: power('stop'), reboot: power('reboot') },
  }

  /**
   * Resizes a Droplet to the size `desired` resolves to: power off, resize (CPU and memory only,
   * `disk: false`, so that it can be undone), power on. Each step is an action polled to the end.
   */
  async function resize(
    session: ApiSession,
    droplet: Droplet,
    desired: InstanceSpec,
    sizeSlug: string | undefined,
  ): Promise<Droplet> {
    const constraints = {
      region: droplet.region.slug,
      ...(desired.diskGiB === undefined ? {} : { minDiskGiB: desired.diskGiB }),
    }
    const target = sizeSlug ?? resolveDropletSize(runtime.sizes(), desired.size, constraints)?.slug
    if (!target || target === droplet.size_slug) return droplet
    const id = String(droplet.id)
    const wasOn = droplet.status === 'active'
    if (wasOn)
      await runAction(session, id, { type: 'power_off' }, `power-off of Droplet ${id} before resizing`)
    await runAction(
      session,
      id,
      { type: 'resize', size: target, disk: false },
      `resize of Droplet ${id} to ${target}`,
    )
    if (wasOn) await runAction(session, id, { type: 'power_on' }, `power-on of Droplet ${id} after resizing`)
    return (await session.json('GET', `/v2/droplets/${id}`, dropletEnvelope)).droplet
  }

  function encodeFirst([key, value]: [string, string]): string {
    return userTagsToDigitalOcean({ [key]: value })[0]!
  }
}

function created(read: Read): { id: string; outputs: InstanceOutputs; ready: boolean } {
  return { id: read.id, outputs: read.outputs, ready: read.status !== 'pending' }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)]
}
