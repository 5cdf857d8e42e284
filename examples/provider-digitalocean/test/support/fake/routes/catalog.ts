import { notFound } from '../http-error.js'
import { actionJson, REGIONS, regionJson, sizeJson } from '../render.js'
import { page, type Router } from '../router.js'

/** Read-only account data: sizes, regions and the action log. */
export function catalogRoutes(router: Router): void {
  router
    .add('GET', '/v2/sizes', (request) => page(request, 'sizes', request.account.sizes.map(sizeJson)))
    .add('GET', '/v2/regions', (request) =>
      page(
        request,
        'regions',
        Object.keys(REGIONS).map((slug) => regionJson(request.account, slug)),
      ),
    )
    .add('GET', '/v2/actions', (request) =>
      page(
        request,
        'actions',
        [...request.account.actions.values()].map((action) => actionJson(request.account, action)),
      ),
    )
    .add('GET', '/v2/actions/{action_id}', (request) => {
      const action = request.account.actions.get(Number(request.params.action_id))
      if (!action) throw notFound()
      return { status: 200, body: { action: actionJson(request.account, action) } }
    })
}
