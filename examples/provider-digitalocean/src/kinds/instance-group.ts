import {
  type CheckIssue,
  type FoundResource,
  type InstanceGroupOutputs,
  type InstanceGroupSpec,
  type MutationContext,
  ProviderError,
  type ReadResult,
  type ResourceHandlerV1,
} from '@skyloom/core/provider'
import { PROVIDER_NAME } from '../api/errors.js'
import type { ApiSession } from '../api/session.js'
import { type AutoscalePool, autoscalePoolEnvelope, autoscalePoolList, poolMemberList } from '../api/wire.js'
import { baseName, cloudName } from '../naming.js'
import type { Runtime } from '../runtime.js'
import { decodeTags, hasAllTags, ownershipTags, urnTag, userTagsToDigitalOcean } from '../tags.js'
import { ignoreNotFound } from './not-found.js'
import { type InstanceGroupOptions, instanceGroupOptionsSchema, optionsOf } from './options.js'
import { resolvePlacement } from './placement.js'

/*
 * instance-group → Droplet autoscale pool (`/v2/droplets/autoscale`). Without a utilization
 * target the pool is static and holds exactly `desired` Droplets, which Skyloom (or its
 * autoscaler) sets; with `targetCpuUtilization` or `targetMemoryUtilization` it is dynamic and
 * DigitalOcean scales between `min` and `max` itself. Members carry the group's ownership tags.
 * Deleting the group deletes its Droplets too (the `dangerous` endpoint), as a neutral group delete
 * does on every cloud.
 */

type Read = ReadResult<InstanceGroupSpec, InstanceGroupOutputs>

/** DigitalOcean's bounds: a pool holds 1 to 1,000 Droplets (min_instances at most 500). */
const MAX_INSTANCES = 1_000
const MAX_MIN_INSTANCES = 500

export function createInstanceGroupHandler(
  runtime: Runtime,
): ResourceHandlerV1<InstanceGroupSpec, InstanceGroupOutputs> {
  const isDynamic = (options: InstanceGroupOptions) =>
    options.targetCpuUtilization !== undefined || options.targetMemoryUtilization !== undefined

  const config = (props: InstanceGroupSpec, options: InstanceGroupOptions) =>
    isDynamic(options)
      ? {
          min_instances: props.min,
          max_instances: props.max,
          ...(options.targetCpuUtilization === undefined
            ? {}
            : { target_cpu_utilization: options.targetCpuUtilization }),
          ...(options.targetMemoryUtilization === undefined
            ? {}
            : { target_memory_utilization: options.targetMemoryUtilization }),
          ...(options.cooldownMinutes === undefined ? {} : { cooldown_minutes: options.cooldownMinutes }),
        }
      : { target_number_instances: props.desired }

  /** The full pool body (create and PUT take the same complete representation). */
  const poolBody = async (
    session: ApiSession,
    ctx: MutationContext,
    props: InstanceGroupSpec,
    name: string,
  ): Promise<Record<string, unknown>> => {
    const options = optionsOf(instanceGroupOptionsSchema, ctx.providerOptions)
    const placement = await resolvePlacement(runtime, session, {
      subnets: props.subnets,
      size: props.size,
      sizeSlug: options.size,
      image: props.image,
      diskGiB: props.diskGiB,
      firewalls: props.firewalls,
    })
    return {
      name,
      config: config(props, options),
      droplet_template: {
        name: baseName(ctx.name, 'droplet'),
        region: placement.region,
        size: placement.size,
        image: String(placement.image),
        ssh_keys: (options.sshKeys ?? []).map(String),
        tags: [
          ...new Set([
            ...ownershipTags(ctx.ownership),
            ...userTagsToDigitalOcean(props.tags),
            ...placement.firewallTags,
          ]),
        ],
        vpc_uuid: placement.vpcId,
        public_networking: props.publicIp,
        // Utilization scaling needs the metrics agent on every member.
        with_droplet_agent: isDynamic(options),
        ...(props.userData === undefined ? {} : { user_data: props.userData }),
      },
    }
  }

  const target = (pool: AutoscalePool): number =>
    'target_number_instances' in pool.config
      ? Number(pool.config.target_number_instances)
      : Number((pool.config as { min_instances: number }).min_instances)

  const toRead = async (session: ApiSession, pool: AutoscalePool): Promise<Read> => {
    const members = await session.all(
      `/v2/droplets/autoscale/${pool.id}/members`,
      poolMemberList,
      (page) => page.droplets,
    )
    const desired = target(pool)
    const active = members.filter((member) => member.status === 'active').length
    // Only what the pool reads back as it was applied. A static pool keeps `desired` (its
    // target) but not min and max; a dynamic one keeps min and max, and sizes itself. The size
    // and image are slugs resolved from neutral values (many map to one), the subnets collapse
    // to one VPC uuid, the firewalls to target tags and userData is secret: none of these reads
    // back as the neutral value, so the recorded one stands.
    const template = pool.droplet_template
    const props: Partial<InstanceGroupSpec> = {
      ...('target_number_instances' in pool.config
        ? { desired }
        : { min: desired, max: Number((pool.config as { max_instances: number }).max_instances) }),
      ...(template.public_networking === undefined ? {} : { publicIp: template.public_networking }),
      tags: decodeTags(template.tags).user,
    }
    const status =
      pool.status === 'error'
        ? ('failed' as const)
        : pool.status === 'active' && active >= desired
          ? ('ready' as const)
          : ('pending' as const)
    return {
      id: pool.id,
      props,
      outputs: { id: pool.id, desired, instances: members.map((member) => String(member.droplet_id)) },
      status,
      ...(status === 'failed' ? { message: `autoscale pool ${pool.id} is in error` } : {}),
    }
  }
  const toFound = async (
    session: ApiSession,
    pool: AutoscalePool,
  ): Promise<FoundResource<InstanceGroupSpec, InstanceGroupOutputs>> => {
    const tags = decodeTags(pool.droplet_template.tags)
    return { ...(await toRead(session, pool)), ownership: tags.ownership, tags: tags.all }
  }
  const allPools = (session: ApiSession, query: Record<string, string> = {}) =>
    session.all('/v2/droplets/autoscale', autoscalePoolList, (page) => page.autoscale_pools, query)

  return {
    providerOptions: instanceGroupOptionsSchema,
    operations: {
      create: { expectedMs: 60_000 },
      update: { expectedMs: 60_000 },
      delete: { expectedMs: 30_000 },
    },
    pollIntervalMs: runtime.pollIntervalMs,

    check(props, ctx) {
      const issues: CheckIssue[] = []
      const parsed = instanceGroupOptionsSchema.safeParse(ctx.providerOptions ?? {})
      const dynamic = parsed.success && isDynamic(parsed.data)
      if (dynamic ? props.min < 1 : props.desired < 1) {
        issues.push({
          path: dynamic ? 'min' : 'desired',
          severity: 'error',
          message:
            'a DigitalOcean autoscale pool holds at least one Droplet: to scale to zero, delete the group (or use instances)',
        })
      }
      if (props.max > MAX_INSTANCES) {
        issues.push({
          path: 'max',
          severity: 'error',
          message: `a pool holds at most ${MAX_INSTANCES} Droplets`,
        })
      }
      if (dynamic && props.min > MAX_MIN_INSTANCES) {
        issues.push({ path: 'min', severity: 'error', message: `min is at most ${MAX_MIN_INSTANCES}` })
      }
      if (dynamic && props.desired !== props.min) {
        issues.push({
          path: 'desired',
          severity: 'warning',
          message: 'a pool with a utilization target sizes itself between min and max: desired is not used',
        })
      }
      const { maxSurge, maxUnavailable } = props.rolling
      if (maxSurge !== 1 || maxUnavailable !== 0) {
        issues.push({
          path: 'rolling',
          severity: 'warning',
          message:
            'DigitalOcean autoscale pools have no rolling-update policy: template changes apply to new Droplets only',
        })
      }
      return issues
    },

    async create(props, ctx) {
      const session = runtime.session(ctx)
      const name = cloudName(ctx.name, ctx.idempotencyKey, 'pool')
      let [pool] = await allPools(session, { name })
      if (!pool) {
        const body = await poolBody(session, ctx, props, name)
        pool = (await session.json('POST', '/v2/droplets/autoscale', autoscalePoolEnvelope, { body }))
          .autoscale_pool
      }
      const read = await toRead(session, pool)
      return { id: read.id, outputs: read.outputs, ready: read.status === 'ready' }
    },

    async read(id, ctx) {
      const session = runtime.session(ctx)
      const found = await ignoreNotFound(
        session.json('GET', `/v2/droplets/autoscale/${id}`, autoscalePoolEnvelope),
      )
      return found ? toRead(session, found.autoscale_pool) : undefined
    },

    async update(id, change, ctx) {
      const session = runtime.session(ctx)
      // PUT takes the complete pool; its name cannot change.
      const { autoscale_pool: current } = await session.json(
        'GET',
        `/v2/droplets/autoscale/${id}`,
        autoscalePoolEnvelope,
      )
      const body = await poolBody(session, ctx, change.desired, current.name)
      const { autoscale_pool: pool } = await session.json(
        'PUT',
        `/v2/droplets/autoscale/${id}`,
        autoscalePoolEnvelope,
        { body },
      )
      ctx.progress(`autoscale pool ${id} scaling to ${target(pool)}`)
      const read = await toRead(session, pool)
      return { id, outputs: read.outputs, ready: read.status === 'ready' }
    },

    async delete(id, _current, ctx) {
      const session = runtime.session(ctx)
      const sent = await ignoreNotFound(
        session.call('DELETE', `/v2/droplets/autoscale/${id}/dangerous`, {
          headers: { 'X-Dangerous': 'true' },
        }),
      )
      if (!sent) return
      // The pool is `deleting` while its Droplets go; wait until it is gone.
      for (;;) {
        const found = await ignoreNotFound(
          session.json('GET', `/v2/droplets/autoscale/${id}`, autoscalePoolEnvelope),
        )
        if (!found) return
        if (found.autoscale_pool.status === 'error') {
          throw new ProviderError({
            provider: PROVIDER_NAME,
            operation: 'delete',
            class: 'transient',
            urn: ctx.urn,
            message: `autoscale pool ${id} went into error while deleting`,
          })
        }
        ctx.progress(`waiting for autoscale pool ${id} to be deleted`)
        await ctx.clock.sleep(runtime.pollIntervalMs, ctx.signal)
      }
    },

    async find(query, ctx) {
      const session = runtime.session(ctx)
      const byKey = query.idempotencyKey ? cloudName(ctx.name, query.idempotencyKey, 'pool') : undefined
      const owner = urnTag(query.ownership.urn)
      const pools = (await allPools(session)).filter(
        (pool) => pool.name === byKey || pool.droplet_template.tags.includes(owner),
      )
      return Promise.all(pools.map((pool) => toFound(session, pool)))
    },

    async *list(filter, ctx) {
      const session = runtime.session(ctx)
      for await (const pool of session.paginate(
        '/v2/droplets/autoscale',
        autoscalePoolList,
        (page) => page.autoscale_pools,
      )) {
        const tags = decodeTags(pool.droplet_template.tags)
        if (filter.stack && tags.ownership.stack !== filter.stack) continue
        if (filter.tags && !hasAllTags(pool.droplet_template.tags, filter.tags)) continue
        yield await toFound(session, pool)
      }
    },
  }
}
