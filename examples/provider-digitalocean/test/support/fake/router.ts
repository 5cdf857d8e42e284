import type { FakeAccount } from './state.js'

/** What a route handler gets. */
export interface RouteRequest {
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
  readonly headers: Readonly<Record<string, string>>
  readonly body: unknown
  /** `http://127.0.0.1:PORT`, for absolute links. */
  readonly origin: string
  /** Largest page served, whatever `per_page` asks (DigitalOcean: 200). */
  readonly maxPerPage: number
  readonly path: string
  readonly account: FakeAccount
}

/** What a route handler answers: a status and a JSON body (none for 204 and bodiless 202). */
export interface RouteResponse {
  readonly status: number
  readonly body?: unknown
}

export type RouteHandler = (request: RouteRequest) => RouteResponse

interface Route {
  readonly method: string
  readonly pattern: RegExp
  readonly names: readonly string[]
  readonly literals: number
  readonly handler: RouteHandler
}

/** A small method-and-template router; templates read like the OpenAPI paths (`/v2/droplets/{id}`). */
export class Router {
  readonly #routes: Route[] = []

  add(method: string, template: string, handler: RouteHandler): this {
    const names: string[] = []
    const source = template
      .split('/')
      .map((segment) => {
        const match = /^\{(.+)\}$/.exec(segment)
        if (!match) return segment
        names.push(match[1]!)
        return '([^/]+)'
      })
      .join('/')
    const literals = template.split('/').filter((segment) => segment && !segment.startsWith('{')).length
    this.#routes.push({ method, pattern: new RegExp(`^${source}$`), names, literals, handler })
    // Literal paths first: /v2/droplets/autoscale before /v2/droplets/{droplet_id}.
    this.#routes.sort((a, b) => b.literals - a.literals)
    return this
  }

  match(
    method: string,
    path: string,
  ): { handler: RouteHandler; params: Record<string, string> } | 'no-path' | 'no-method' {
    let pathMatched = false
    for (const route of this.#routes) {
      const match = route.pattern.exec(path)
      if (!match) continue
      pathMatched = true
      if (route.method !== method) continue
      const params = Object.fromEntries(
        route.names.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? '')]),
      )
      return { handler: route.handler, params }
    }
    return pathMatched ? 'no-method' : 'no-path'
  }
}

/**
 * One page of a listing, with DigitalOcean's `links.pages` (`first`/`prev` after the first page,
 * `next`/`last` before the last) and `meta.total`. `per_page` defaults to 20, at most `maxPerPage`.
 */
export function page<T>(request: RouteRequest, key: string, items: readonly T[]): RouteResponse {
  const perPage = Math.min(request.maxPerPage, Math.max(1, Number(request.query.get('per_page') ?? 20) || 20))
  const current = Math.max(1, Number(request.query.get('page') ?? 1) || 1)
  const last = Math.max(1, Math.ceil(items.length / perPage))
  const link = (n: number) => {
    const query = new URLSearchParams(request.query)
    query.set('page', String(n))
    query.set('per_page', String(perPage))
    return `${request.origin}${request.path}?${query.toString()}`
  }
  const pages: Record<string, string> = {}
  if (current > 1) {
    pages.first = link(1)
    pages.prev = link(current - 1)
  }
  if (current < last) {
    pages.next = link(current + 1)
    pages.last = link(last)
  }
  return {
    status: 200,
    body: {
      [key]: items.slice((current - 1) * perPage, current * perPage),
      links: Object.keys(pages).length > 0 ? { pages } : {},
      meta: { total: items.length },
    },
  }
}
