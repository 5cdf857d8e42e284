import { FakeHttpError, notFound, unprocessable } from '../http-error.js'
import {
  defaultVpc,
  findDroplet,
  findSize,
  findVpc,
  objectBody,
  optionalBoolean,
  optionalString,
  requiredString,
  tagList,
} from '../input.js'
import { actionJson, dropletJson, IMAGE_SLUGS, REGIONS } from '../render.js'
import { page, type RouteRequest, type Router } from '../router.js'
import type { FakeAccount, StoredDroplet } from '../state.js'

const DROPLET_NAME = /^[a-zA-Z0-9]?[a-z0-9A-Z.-]*[a-z0-9A-Z]$/

/** Droplets: list (by tag or name), create (one or many), get, delete, delete by tag. */
export function dropletRoutes(router: Router): void {
  router
    .add('GET', '/v2/droplets', (request) => {
      const tag = request.query.get('tag_name')
      const name = request.query.get('name')
      if (tag && name) throw unprocessable('tag_name cannot be combined with name')
      const droplets = [...request.account.droplets.values()]
        .filter((droplet) => !tag || droplet.tags.includes(tag))
        .filter((droplet) => !name || droplet.name.toLowerCase() === name.toLowerCase())
      return page(
        request,
        'droplets',
        droplets.map((droplet) => dropletJson(request.account, droplet)),
      )
    })
    .add('POST', '/v2/droplets', (request) => createDroplets(request))
    .add('DELETE', '/v2/droplets', (request) => {
      const tag = request.query.get('tag_name')
      if (!tag) throw unprocessable('tag_name is required')
      for (const droplet of [...request.account.droplets.values()]) {
        if (droplet.tags.includes(tag)) destroyDroplet(request.account, droplet)
      }
      return { status: 204 }
    })
    .add('GET', '/v2/droplets/{droplet_id}', (request) => ({
      status: 200,
      body: {
        droplet: dropletJson(request.account, findDroplet(request.account, request.params.droplet_id!)),
      },
    }))
    .add('DELETE', '/v2/droplets/{droplet_id}', (request) => {
      destroyDroplet(request.account, findDroplet(request.account, request.params.droplet_id!))
      return { status: 204 }
    })
}

function createDroplets(request: RouteRequest) {
  const { account } = request
  const body = objectBody(request.body)
  const multi = Array.isArray(body.names)
  const names = multi ? (body.names as unknown[]) : [requiredString(body, 'name')]
  if (multi && (names.length === 0 || names.length > 10)) throw unprocessable('names must hold 1 to 10 names')
  for (const name of names) {
    if (typeof name !== 'string' || !DROPLET_NAME.test(name) || name.length > 255) {
      throw unprocessable(`Droplet name ${JSON.stringify(name)} is invalid: use letters, digits, "." and "-"`)
    }
  }
  const size = findSize(account, requiredString(body, 'size'))
  const image = body.image
  if (!((typeof image === 'string' && IMAGE_SLUGS.has(image)) || (typeof image === 'number' && image > 0))) {
    throw unprocessable(`You specified an invalid image for Droplet creation: ${JSON.stringify(image)}`)
  }
  const region = optionalString(body, 'region') ?? 'nyc3'
  if (!(region in REGIONS))
    throw unprocessable(`You specified an invalid region for Droplet creation: ${region}`)
  const vpcUuid = optionalString(body, 'vpc_uuid')
  const vpc = vpcUuid
    ? findVpc(account, vpcUuid, () => unprocessable(`vpc_uuid ${vpcUuid} is not a VPC of this account`))
    : defaultVpc(account, region)
  if (vpc.region !== region) {
    throw unprocessable(`VPC ${vpc.id} is in region ${vpc.region}, not ${region}`)
  }
  const publicNetworking = optionalBoolean(body, 'public_networking') ?? true
  const ipv6 = optionalBoolean(body, 'ipv6') ?? false
  if (ipv6 && !publicNetworking) throw unprocessable('ipv6 must be false when public_networking is false')
  const userData = optionalString(body, 'user_data')
  if (userData !== undefined && Buffer.byteLength(userData) > 64 * 1024)
    throw unprocessable('user_data exceeds 64 KiB')
  const tags = tagList(body)
  if (account.droplets.size + names.length > account.dropletLimit) {
    throw unprocessable(
      `creating this/these droplet(s) will exceed your droplet limit (${account.dropletLimit}); contact support to raise it`,
    )
  }
  for (const tag of tags) account.tags.add(tag)
  const created: StoredDroplet[] = []
  for (const name of names as string[]) {
    const droplet: StoredDroplet = {
      id: account.newDropletId(),
      name,
      status: 'new',
      createdAt: Date.now(),
      region,
      size,
      image: image as string | number,
      vpcUuid: vpc.id,
      tags: [...tags],
      volumeIds: [],
      privateIp: account.allocatePrivateIp(vpc),
      publicIp: publicNetworking ? account.nextPublicIp() : undefined,
      ipv6,
      features: [
        'private_networking',
        ...(ipv6 ? ['ipv6'] : []),
        ...(optionalBoolean(body, 'backups') ? ['backups'] : []),
        ...(optionalBoolean(body, 'monitoring') ? ['monitoring'] : []),
      ],
      locked: false,
      poolId: undefined,
    }
    account.droplets.set(droplet.id, droplet)
    created.push(droplet)
  }
  const links = {
    actions: created.map((droplet) => {
      const action = account.startAction({
        type: 'create',
        resourceId: droplet.id,
        resourceType: 'droplet',
        region,
      })
      return { id: action.id, rel: 'create', href: `${request.origin}/v2/actions/${action.id}` }
    }),
  }
  return multi
    ? { status: 202, body: { droplets: created.map((droplet) => dropletJson(account, droplet)), links } }
    : { status: 202, body: { droplet: dropletJson(account, created[0]!), links } }
}

/** Removes a Droplet and what points at it (volume attachments, firewall assignments). */
export function destroyDroplet(account: FakeAccount, droplet: StoredDroplet): void {
  account.droplets.delete(droplet.id)
  for (const volume of account.volumes.values()) {
    volume.dropletIds = volume.dropletIds.filter((id) => id !== droplet.id)
  }
  for (const firewall of account.firewalls.values()) {
    firewall.dropletIds = firewall.dropletIds.filter((id) => id !== droplet.id)
  }
}

/** Droplet actions: power_on, power_off, shutdown, reboot, power_cycle, resize, rename. */
export function dropletActionRoutes(router: Router): void {
  router
    .add('POST', '/v2/droplets/{droplet_id}/actions', (request) => {
      const { account } = request
      const droplet = findDroplet(account, request.params.droplet_id!)
      const body = objectBody(request.body)
      const type = requiredString(body, 'type')
      if (droplet.status === 'new' || hasPendingAction(account, droplet.id)) {
        throw unprocessable('Droplet already has a pending event.')
      }
      let effect: () => void
      switch (type) {
        case 'power_on':
          if (droplet.status === 'active') throw unprocessable('Droplet is already powered on.')
          effect = () => {
            droplet.status = 'active'
          }
          break
        case 'power_off':
        case 'shutdown':
          if (droplet.status === 'off') throw unprocessable('Droplet is already powered off.')
          effect = () => {
            droplet.status = 'off'
          }
          break
        case 'reboot':
        case 'power_cycle':
          effect = () => {
            droplet.status = 'active'
          }
          break
        case 'resize': {
          if (droplet.status !== 'off') throw unprocessable('Droplet must be powered off before resizing.')
          const size = findSize(account, requiredString(body, 'size'))
          effect = () => {
            droplet.size = size
          }
          break
        }
        case 'rename': {
          const name = requiredString(body, 'name')
          effect = () => {
            droplet.name = name
          }
          break
        }
        default:
          throw new FakeHttpError(
            422,
            'unprocessable_entity',
            `action type ${type} is not supported by the local server`,
          )
      }
      const action = account.startAction({
        type,
        resourceId: droplet.id,
        resourceType: 'droplet',
        region: droplet.region,
        effect,
      })
      return { status: 201, body: { action: actionJson(account, action) } }
    })
    .add('GET', '/v2/droplets/{droplet_id}/actions', (request) => {
      const droplet = findDroplet(request.account, request.params.droplet_id!)
      const actions = [...request.account.actions.values()].filter(
        (action) => action.resourceType === 'droplet' && action.resourceId === droplet.id,
      )
      return page(
        request,
        'actions',
        actions.map((action) => actionJson(request.account, action)),
      )
    })
    .add('GET', '/v2/droplets/{droplet_id}/actions/{action_id}', (request) => {
      const droplet = findDroplet(request.account, request.params.droplet_id!)
      const action = request.account.actions.get(Number(request.params.action_id))
      if (!action || action.resourceId !== droplet.id) throw notFound()
      return { status: 200, body: { action: actionJson(request.account, action) } }
    })
}

function hasPendingAction(account: FakeAccount, dropletId: number): boolean {
  for (const action of account.actions.values()) {
    if (
      action.resourceType === 'droplet' &&
      action.resourceId === dropletId &&
      action.status === 'in-progress'
    ) {
      if (action.type !== 'create') return true
    }
  }
  return false
}
