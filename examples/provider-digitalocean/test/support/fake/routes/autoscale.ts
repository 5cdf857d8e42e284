import { FakeHttpError, notFound, unprocessable } from '../http-error.js'
import { defaultVpc, findSize, findVpc, objectBody, requiredString, tagList } from '../input.js'
import { IMAGE_SLUGS, memberJson, poolJson, REGIONS } from '../render.js'
import { page, type RouteRequest, type Router } from '../router.js'
import type { FakeAccount, StoredDroplet, StoredPool } from '../state.js'

/**
 * Droplet autoscale pools: list (by name), create, get, update (PUT, the full pool), delete,
 * delete with its Droplets (`dangerous`), and members. A pool keeps its member count at the
 * static target (or the dynamic minimum); members boot like any Droplet.
 */
export function autoscaleRoutes(router: Router): void {
  router
    .add('GET', '/v2/droplets/autoscale', (request) => {
      const name = request.query.get('name')
      const pools = [...request.account.pools.values()].filter((pool) => !name || pool.name === name)
      return page(
        request,
        'autoscale_pools',
        pools.map((pool) => poolJson(request.account, pool)),
      )
    })
    .add('POST', '/v2/droplets/autoscale', (request) => {
      const { account } = request
      const body = objectBody(request.body)
      const name = requiredString(body, 'name')
      for (const pool of account.pools.values()) {
        if (pool.name === name) throw unprocessable(`an autoscale pool named ${name} already exists`)
      }
      const now = Date.now()
      const pool: StoredPool = {
        id: account.newUuid(),
        name,
        config: checkConfig(body.config),
        template: checkTemplate(account, body.droplet_template),
        createdAt: now,
        updatedAt: now,
        status: 'active',
        deletingSince: undefined,
      }
      account.pools.set(pool.id, pool)
      reconcile(account, pool)
      return { status: 202, body: { autoscale_pool: poolJson(account, pool) } }
    })
    .add('GET', '/v2/droplets/autoscale/{autoscale_pool_id}', (request) => ({
      status: 200,
      body: { autoscale_pool: poolJson(request.account, find(request)) },
    }))
    .add('PUT', '/v2/droplets/autoscale/{autoscale_pool_id}', (request) => {
      const { account } = request
      const pool = find(request)
      const body = objectBody(request.body)
      if (requiredString(body, 'name') !== pool.name)
        throw unprocessable('the name of an autoscale pool cannot be changed')
      pool.config = checkConfig(body.config)
      pool.template = checkTemplate(account, body.droplet_template)
      pool.updatedAt = Date.now()
      reconcile(account, pool)
      return { status: 200, body: { autoscale_pool: poolJson(account, pool) } }
    })
    .add('DELETE', '/v2/droplets/autoscale/{autoscale_pool_id}', (request) => {
      const pool = find(request)
      // The plain delete leaves the Droplets running on their own.
      for (const droplet of request.account.droplets.values())
        if (droplet.poolId === pool.id) droplet.poolId = undefined
      startDeleting(pool)
      return { status: 202 }
    })
    .add('DELETE', '/v2/droplets/autoscale/{autoscale_pool_id}/dangerous', (request) => {
      const pool = find(request)
      if (request.headers['x-dangerous'] !== 'true') {
        throw new FakeHttpError(
          412,
          'precondition_failed',
          'set the X-Dangerous: true header to delete the pool and its Droplets',
        )
      }
      startDeleting(pool)
      return { status: 202 }
    })
    .add('GET', '/v2/droplets/autoscale/{autoscale_pool_id}/members', (request) => {
      const pool = find(request)
      const members = [...request.account.droplets.values()].filter((droplet) => droplet.poolId === pool.id)
      return page(request, 'droplets', members.map(memberJson))
    })
}

function find(request: RouteRequest): StoredPool {
  const pool = request.account.pools.get(request.params.autoscale_pool_id!)
  if (!pool) throw notFound()
  return pool
}

function startDeleting(pool: StoredPool): void {
  if (pool.status === 'deleting') return
  pool.status = 'deleting'
  pool.deletingSince = Date.now()
}

function checkConfig(value: unknown): Record<string, unknown> {
  const config = objectBody(value)
  const int = (field: string, min: number, max: number) => {
    const n = config[field]
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw unprocessable(`config.${field} must be an integer from ${min} to ${max}`)
    }
    return n
  }
  if ('target_number_instances' in config) {
    return { target_number_instances: int('target_number_instances', 1, 1000) }
  }
  const min = int('min_instances', 1, 500)
  const max = int('max_instances', 1, 1000)
  if (min > max) throw unprocessable('config.min_instances must not exceed max_instances')
  if (config.target_cpu_utilization === undefined && config.target_memory_utilization === undefined) {
    throw unprocessable('a dynamic config needs target_cpu_utilization or target_memory_utilization')
  }
  return { ...config }
}

function checkTemplate(account: FakeAccount, value: unknown): Record<string, unknown> {
  const template = objectBody(value)
  const region = requiredString(template, 'region')
  if (!(region in REGIONS)) throw unprocessable(`droplet_template.region ${region} is not valid`)
  findSize(account, requiredString(template, 'size'))
  const image = requiredString(template, 'image')
  if (!IMAGE_SLUGS.has(image) && !/^\d+$/.test(image))
    throw unprocessable(`droplet_template.image ${image} is not valid`)
  if (!Array.isArray(template.ssh_keys))
    throw unprocessable('droplet_template.ssh_keys is required (it may be empty)')
  const vpcUuid = template.vpc_uuid
  if (vpcUuid !== undefined) {
    const vpc = findVpc(account, String(vpcUuid), () =>
      unprocessable(`droplet_template.vpc_uuid ${String(vpcUuid)} is not a VPC`),
    )
    if (vpc.region !== region) throw unprocessable(`VPC ${vpc.id} is in ${vpc.region}, not ${region}`)
  }
  tagList(template)
  return { ...template }
}

/** Adds or removes members (newest first) until the pool holds its target. */
function reconcile(account: FakeAccount, pool: StoredPool): void {
  const target = Number(pool.config.target_number_instances ?? pool.config.min_instances)
  const members = [...account.droplets.values()].filter((droplet) => droplet.poolId === pool.id)
  const template = pool.template
  const region = String(template.region)
  const vpc = template.vpc_uuid ? findVpc(account, String(template.vpc_uuid)) : defaultVpc(account, region)
  const tags = tagList(template)
  for (const tag of tags) account.tags.add(tag)
  for (let index = members.length; index < target; index++) {
    const droplet: StoredDroplet = {
      id: account.newDropletId(),
      name: `${String(template.name ?? 'pool')}-${Math.random().toString(16).slice(2, 8)}`,
      status: 'new',
      createdAt: Date.now(),
      region,
      size: findSize(account, String(template.size)),
      image: String(template.image),
      vpcUuid: vpc.id,
      tags: [...tags],
      volumeIds: [],
      privateIp: account.allocatePrivateIp(vpc),
      publicIp: template.public_networking === false ? undefined : account.nextPublicIp(),
      ipv6: template.ipv6 === true,
      features: ['private_networking'],
      locked: false,
      poolId: pool.id,
    }
    account.droplets.set(droplet.id, droplet)
  }
  const extra = members
    .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
    .slice(0, Math.max(0, members.length - target))
  for (const droplet of extra) account.droplets.delete(droplet.id)
}
