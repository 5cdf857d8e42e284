import { FakeHttpError, notFound, unprocessable } from '../http-error.js'
import { isValidTagName, objectBody, requiredString } from '../input.js'
import { tagJson } from '../render.js'
import { page, type RouteRequest, type Router } from '../router.js'

/** Tags: list, create (idempotent), get, delete, tag and untag resources. */
export function tagRoutes(router: Router): void {
  router
    .add('GET', '/v2/tags', (request) =>
      page(
        request,
        'tags',
        [...request.account.tags].map((name) => tagJson(request.account, name)),
      ),
    )
    .add('POST', '/v2/tags', (request) => {
      const name = requiredString(objectBody(request.body), 'name')
      if (!isValidTagName(name)) {
        const error = `Error validating resource tag: "tag-name \\"${name}\\" contains invalid characters"`
        throw new FakeHttpError(400, 'bad_request', error, {
          error,
          messages: null,
          root_causes: [`rpc error: code = InvalidArgument desc = ${error}`],
        })
      }
      request.account.tags.add(name)
      return { status: 201, body: { tag: tagJson(request.account, name) } }
    })
    .add('GET', '/v2/tags/{tag_id}', (request) => ({
      status: 200,
      body: { tag: tagJson(request.account, find(request)) },
    }))
    .add('DELETE', '/v2/tags/{tag_id}', (request) => {
      const name = find(request)
      for (const droplet of request.account.droplets.values())
        droplet.tags = droplet.tags.filter((t) => t !== name)
      for (const volume of request.account.volumes.values())
        volume.tags = volume.tags.filter((t) => t !== name)
      request.account.tags.delete(name)
      return { status: 204 }
    })
    .add('POST', '/v2/tags/{tag_id}/resources', (request) => retag(request, 'add'))
    .add('DELETE', '/v2/tags/{tag_id}/resources', (request) => retag(request, 'remove'))
}

function find(request: RouteRequest): string {
  const name = request.params.tag_id!
  if (!request.account.tags.has(name)) throw notFound()
  return name
}

function retag(request: RouteRequest, how: 'add' | 'remove') {
  const name = find(request)
  const resources = objectBody(request.body).resources
  if (!Array.isArray(resources) || resources.length === 0)
    throw unprocessable('resources must be a non-empty array')
  const update = (tags: string[]) =>
    how === 'add' ? [...new Set([...tags, name])] : tags.filter((t) => t !== name)
  for (const raw of resources) {
    const resource = objectBody(raw)
    const id = requiredString(resource, 'resource_id')
    const type = requiredString(resource, 'resource_type')
    if (type === 'droplet') {
      const droplet = request.account.droplets.get(Number(id))
      if (!droplet) throw unprocessable(`Droplet ${id} does not exist`)
      droplet.tags = update(droplet.tags)
    } else if (type === 'volume') {
      const volume = request.account.volumes.get(id)
      if (!volume) throw unprocessable(`volume ${id} does not exist`)
      volume.tags = update(volume.tags)
    } else {
      throw unprocessable(`resource_type ${type} is not supported by the local server`)
    }
  }
  return { status: 204 }
}
