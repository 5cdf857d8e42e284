import type { OperationContext } from '@skyloom/core/provider'
import type { z } from 'zod'
import type { ApiClient, ApiRequest, ApiResponse, HttpMethod } from './client.js'
import { unexpectedResponse } from './errors.js'
import type { pageLinksSchema } from './wire.js'

type PageLinks = z.output<typeof pageLinksSchema>

/** The one rate-limit scope: DigitalOcean counts every request of a token against one budget. */
export const API_SCOPE = 'api'

/** Largest page DigitalOcean serves (`per_page` maximum 200): fewer requests per listing. */
export const MAX_PER_PAGE = 200

type Query = ApiRequest['query']

/**
 * The API as one handler call sees it. The engine takes one rate-limit token before it calls a
 * handler; every further request the handler makes (a lookup before a create, a poll, the next
 * page) takes its own token through `ctx.acquire`, so the scheduler's bucket counts what
 * DigitalOcean counts. Requests carry the operation's abort signal and URN.
 */
export class ApiSession {
  readonly #client: ApiClient
  readonly #ctx: OperationContext
  #requests = 0

  constructor(client: ApiClient, ctx: OperationContext) {
    this.#client = client
    this.#ctx = ctx
  }

  get ctx(): OperationContext {
    return this.#ctx
  }

  /** Requests made so far through this session. */
  get requestCount(): number {
    return this.#requests
  }

  async send(request: Omit<ApiRequest, 'signal' | 'urn'>): Promise<ApiResponse> {
    if (this.#requests > 0) await this.#ctx.acquire(API_SCOPE)
    this.#requests++
    try {
      return await this.#client.request({ ...request, signal: this.#ctx.signal, urn: this.#ctx.urn })
    } finally {
      // Error responses (a 404 of a read) carry the headers too.
      this.#warnWhenLow()
    }
  }

  #warned = false

  /** Says once per operation when less than 5% of the hourly budget is left. */
  #warnWhenLow(): void {
    const snapshot = this.#client.rateLimit
    if (this.#warned || snapshot?.remaining === undefined || snapshot.limit === undefined) return
    if (snapshot.remaining >= snapshot.limit * 0.05) return
    this.#warned = true
    this.#ctx.logger.warn(
      { remaining: snapshot.remaining, limit: snapshot.limit, resetAt: snapshot.resetAtMs },
      'DigitalOcean API budget nearly spent for this token; calls will be throttled until ratelimit-reset',
    )
  }

  /** Sends a request and checks the response body against `schema`. */
  async json<S extends z.ZodType>(
    method: HttpMethod,
    path: string,
    schema: S,
    options: { query?: Query; body?: unknown } = {},
  ): Promise<z.output<S>> {
    const response = await this.send({ method, path, ...options })
    const parsed = schema.safeParse(response.body)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : ''
      throw unexpectedResponse(
        { method, path, urn: this.#ctx.urn },
        `${method} ${path} answered ${response.status} with a body that does not match${where}: ${issue?.message ?? 'unknown'}`,
      )
    }
    return parsed.data
  }

  /** Sends a request whose response body does not matter (204, 202 without content). */
  async call(
    method: HttpMethod,
    path: string,
    options: { query?: Query; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    return this.send({ method, path, ...options })
  }

  /**
   * Every item of a paginated listing, following `links.pages.next` until the last page.
   * `pick` takes the items out of one page (`page.droplets`).
   */
  async *paginate<S extends z.ZodType<PageLinks>, T>(
    path: string,
    schema: S,
    pick: (page: z.output<S>) => readonly T[],
    query: Query = {},
  ): AsyncGenerator<T> {
    let next: string | undefined = path
    let pageQuery: Query = { ...query, per_page: MAX_PER_PAGE }
    while (next) {
      const page: z.output<S> = await this.json('GET', next, schema, { query: pageQuery })
      yield* pick(page)
      next = page.links?.pages?.next ?? undefined
      // The next link already carries every query parameter.
      pageQuery = {}
    }
  }

  /** Collects a paginated listing into an array. */
  async all<S extends z.ZodType<PageLinks>, T>(
    path: string,
    schema: S,
    pick: (page: z.output<S>) => readonly T[],
    query: Query = {},
  ): Promise<T[]> {
    const items: T[] = []
    for await (const item of this.paginate(path, schema, pick, query)) items.push(item)
    return items
  }
}
