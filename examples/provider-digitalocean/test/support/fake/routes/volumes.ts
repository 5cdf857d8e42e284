import { conflict, notFound, unprocessable } from '../http-error.js'
import { objectBody, optionalString, requiredInteger, requiredString, tagList } from '../input.js'
import { actionJson, REGIONS, volumeJson } from '../render.js'
import { page, type RouteRequest, type Router } from '../router.js'
import type { StoredVolume } from '../state.js'

const VOLUME_NAME = /^[a-z][a-z0-9-]{0,63}$/

/** Block Storage: list (by name and region), create, get, delete, and volume actions. */
export function volumeRoutes(router: Router): void {
  router
    .add('GET', '/v2/volumes', (request) => {
      const name = request.query.get('name')
      const region = request.query.get('region')
      const volumes = [...request.account.volumes.values()]
        .filter((volume) => !name || volume.name === name)
        .filter((volume) => !region || volume.region === region)
      return page(
        request,
        'volumes',
        volumes.map((volume) => volumeJson(request.account, volume)),
      )
    })
    .add('POST', '/v2/volumes', (request) => {
      const { account } = request
      const body = objectBody(request.body)
      const name = requiredString(body, 'name')
      if (!VOLUME_NAME.test(name)) {
        throw unprocessable(
          `name ${name} must be lowercase letters, digits and "-", start with a letter, at most 64 characters`,
        )
      }
      const sizeGiB = requiredInteger(body, 'size_gigabytes')
      if (sizeGiB < 1 || sizeGiB > 16_384) throw unprocessable('size_gigabytes must be between 1 and 16384')
      const region = requiredString(body, 'region')
      if (!(region in REGIONS)) throw unprocessable(`region ${region} is not a valid region`)
      for (const volume of account.volumes.values()) {
        if (volume.name === name && volume.region === region) {
          throw conflict(`a volume named ${name} already exists in ${region}`)
        }
      }
      const filesystemType = optionalString(body, 'filesystem_type')
      if (filesystemType !== undefined && !['ext4', 'xfs'].includes(filesystemType)) {
        throw unprocessable('filesystem_type must be ext4 or xfs')
      }
      const tags = tagList(body)
      for (const tag of tags) account.tags.add(tag)
      const volume: StoredVolume = {
        id: account.newUuid(),
        name,
        sizeGiB,
        region,
        description: optionalString(body, 'description') ?? '',
        dropletIds: [],
        tags,
        createdAt: Date.now(),
        filesystemType,
        filesystemLabel: optionalString(body, 'filesystem_label'),
      }
      account.volumes.set(volume.id, volume)
      return { status: 201, body: { volume: volumeJson(account, volume) } }
    })
    .add('GET', '/v2/volumes/{volume_id}', (request) => ({
      status: 200,
      body: { volume: volumeJson(request.account, find(request)) },
    }))
    .add('DELETE', '/v2/volumes/{volume_id}', (request) => {
      const volume = find(request)
      if (volume.dropletIds.length > 0) {
        throw conflict(`volume ${volume.id} is attached to a Droplet; detach it first`)
      }
      request.account.volumes.delete(volume.id)
      return { status: 204 }
    })
    .add('POST', '/v2/volumes/{volume_id}/actions', (request) => volumeAction(request))
    .add('GET', '/v2/volumes/{volume_id}/actions/{action_id}', (request) => {
      const volume = find(request)
      const action = request.account.actions.get(Number(request.params.action_id))
      if (action?.resourceType !== 'volume' || action.region !== volume.region) throw notFound()
      return { status: 200, body: { action: actionJson(request.account, action) } }
    })
}

function find(request: RouteRequest): StoredVolume {
  const volume = request.account.volumes.get(request.params.volume_id!)
  if (!volume) throw notFound()
  return volume
}

function volumeAction(request: RouteRequest) {
  const { account } = request
  const volume = find(request)
  const body = objectBody(request.body)
  const type = requiredString(body, 'type')
  const region = optionalString(body, 'region')
  if (region !== undefined && region !== volume.region) {
    throw unprocessable(`the volume is in ${volume.region}, not ${region}`)
  }
  let effect: () => void
  if (type === 'attach' || type === 'detach') {
    const dropletId = requiredInteger(body, 'droplet_id')
    const droplet = account.droplets.get(dropletId)
    if (!droplet) throw unprocessable(`Droplet ${dropletId} was not found`)
    if (type === 'attach') {
      if (droplet.region !== volume.region)
        throw unprocessable('the Droplet and the volume must be in one region')
      if (droplet.status === 'new')
        throw unprocessable('Droplet is currently processing; try again when it is active')
      if (volume.dropletIds.length > 0) throw unprocessable(`volume ${volume.id} is already attached`)
      effect = () => {
        volume.dropletIds = [dropletId]
        droplet.volumeIds = [...droplet.volumeIds, volume.id]
      }
    } else {
      if (!volume.dropletIds.includes(dropletId))
        throw unprocessable(`volume ${volume.id} is not attached to ${dropletId}`)
      effect = () => {
        volume.dropletIds = volume.dropletIds.filter((id) => id !== dropletId)
        droplet.volumeIds = droplet.volumeIds.filter((id) => id !== volume.id)
      }
    }
  } else if (type === 'resize') {
    const size = requiredInteger(body, 'size_gigabytes')
    if (size <= volume.sizeGiB || size > 16_384)
      throw unprocessable('a volume can only grow, to at most 16384 GiB')
    effect = () => {
      volume.sizeGiB = size
    }
  } else {
    throw unprocessable(`volume action type ${type} must be attach, detach or resize`)
  }
  const action = account.startAction({
    type: type === 'resize' ? 'resize_volume' : `${type}_volume`,
    resourceId: null,
    resourceType: 'volume',
    region: volume.region,
    effect,
  })
  return { status: 202, body: { action: actionJson(account, action) } }
}
