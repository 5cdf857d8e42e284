import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Exchange } from '../exchange.js'
import { FakeHttpError } from './http-error.js'
import { type RouteResponse, Router } from './router.js'
import { autoscaleRoutes } from './routes/autoscale.js'
import { catalogRoutes } from './routes/catalog.js'
import { dropletActionRoutes, dropletRoutes } from './routes/droplets.js'
import { firewallRoutes } from './routes/firewalls.js'
import { tagRoutes } from './routes/tags.js'
import { volumeRoutes } from './routes/volumes.js'
import { vpcRoutes } from './routes/vpcs.js'
import { FakeAccount, type FakeSize } from './state.js'

export interface FakeDigitalOceanOptions {
  /** The bearer token the server accepts; default `fake-token`. */
  readonly token?: string
  /** How long a Droplet stays `new`; default 40 ms. */
  readonly bootMs?: number
  /** How long an action stays `in-progress`; default 25 ms. */
  readonly actionMs?: number
  /** Requests per minute before 429; default 250, as DigitalOcean. */
  readonly perMinute?: number
  /** Requests per hour before 429; default 5,000, as DigitalOcean. */
  readonly perHour?: number
  /** Droplets the account may hold; default 50. */
  readonly dropletLimit?: number
  readonly sizes?: readonly FakeSize[]
  /** Largest page served; default 200, as DigitalOcean. Lower it to test pagination with few items. */
  readonly maxPerPage?: number
}

/** A failure to inject: the next `times` matching requests get `status` instead of an answer. */
export interface Fault {
  readonly status: number
  /** How many requests it applies to; default 1. */
  readonly times?: number
  readonly method?: string
  /** Only paths that match (a string matches the whole path). */
  readonly path?: string | RegExp
  /** Sets `Retry-After` (seconds) on the fault's response. */
  readonly retryAfterSeconds?: number
  /** Sets `ratelimit-reset` to now plus this many seconds. */
  readonly resetInSeconds?: number
  /**
   * Handle the request first, then answer with the fault: the cloud did the work but the answer
   * was lost, as when a connection drops after a create. Idempotency tests use it.
   */
  readonly afterHandling?: boolean
}

/** Sizes the local server offers (prices differ a little from the offline catalog on purpose). */
export const FAKE_SIZES: readonly FakeSize[] = [
  { slug: 's-1vcpu-1gb', vcpus: 1, memory: 1024, disk: 25, priceMonthly: 6, description: 'Basic' },
  { slug: 's-1vcpu-2gb', vcpus: 1, memory: 2048, disk: 50, priceMonthly: 12, description: 'Basic' },
  { slug: 's-2vcpu-2gb', vcpus: 2, memory: 2048, disk: 60, priceMonthly: 18, description: 'Basic' },
  { slug: 's-2vcpu-4gb', vcpus: 2, memory: 4096, disk: 80, priceMonthly: 24, description: 'Basic' },
  { slug: 's-4vcpu-8gb', vcpus: 4, memory: 8192, disk: 160, priceMonthly: 48, description: 'Basic' },
  { slug: 's-8vcpu-16gb', vcpus: 8, memory: 16384, disk: 320, priceMonthly: 96, description: 'Basic' },
  {
    slug: 'g-4vcpu-16gb',
    vcpus: 4,
    memory: 16384,
    disk: 50,
    priceMonthly: 126,
    description: 'General Purpose',
  },
  {
    slug: 'g-8vcpu-32gb',
    vcpus: 8,
    memory: 32768,
    disk: 100,
    priceMonthly: 252,
    description: 'General Purpose',
  },
  { slug: 'c-2', vcpus: 2, memory: 4096, disk: 25, priceMonthly: 40, description: 'CPU-Optimized' },
]

/**
 * A local HTTP server that behaves as DigitalOcean's API v2 does for Droplets, VPCs, Cloud
 * Firewalls, Block Storage, tags, actions and Droplet autoscale pools, per the published OpenAPI
 * description: documented status codes and response shapes, asynchronous actions and boots,
 * pagination with `links.pages` and `meta.total`, bearer authentication, and the rate-limit
 * headers and 429s. Every exchange is recorded for the OpenAPI validator; faults (429, 5xx) can
 * be injected. It listens on 127.0.0.1 at a random port.
 */
export class FakeDigitalOcean {
  readonly account: FakeAccount
  readonly exchanges: Exchange[] = []
  readonly token: string
  readonly #server: Server
  readonly #router = new Router()
  readonly #faults: { fault: Fault; left: number }[] = []
  readonly #requestTimes: number[] = []
  readonly #perMinute: number
  readonly #perHour: number
  readonly #maxPerPage: number
  #origin = ''

  private constructor(options: FakeDigitalOceanOptions) {
    this.token = options.token ?? 'fake-token'
    this.#perMinute = options.perMinute ?? 250
    this.#perHour = options.perHour ?? 5_000
    this.#maxPerPage = options.maxPerPage ?? 200
    this.account = new FakeAccount({
      timing: { bootMs: options.bootMs ?? 40, actionMs: options.actionMs ?? 25 },
      sizes: options.sizes ?? FAKE_SIZES,
      dropletLimit: options.dropletLimit ?? 50,
    })
    for (const routes of [
      autoscaleRoutes,
      dropletRoutes,
      dropletActionRoutes,
      vpcRoutes,
      firewallRoutes,
      volumeRoutes,
      tagRoutes,
      catalogRoutes,
    ]) {
      routes(this.#router)
    }
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        response.statusCode = 500
        response.end(JSON.stringify({ id: 'server_error', message: String(error) }))
      })
    })
  }

  static async start(options: FakeDigitalOceanOptions = {}): Promise<FakeDigitalOcean> {
    const fake = new FakeDigitalOcean(options)
    await new Promise<void>((resolve, reject) => {
      fake.#server.once('error', reject)
      fake.#server.listen(0, '127.0.0.1', () => resolve())
    })
    fake.#origin = `http://127.0.0.1:${(fake.#server.address() as AddressInfo).port}`
    return fake
  }

  /** `http://127.0.0.1:PORT`: pass it as the provider's `baseUrl`. */
  get url(): string {
    return this.#origin
  }

  /** Makes the next matching requests fail (see {@link Fault}). */
  inject(fault: Fault): void {
    this.#faults.push({ fault, left: fault.times ?? 1 })
  }

  /** Exchanges whose method and path match. */
  requests(method?: string, path?: string | RegExp): Exchange[] {
    return this.exchanges.filter(
      (exchange) => (!method || exchange.method === method) && (!path || matches(path, exchange.path)),
    )
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.#origin)
    const method = request.method ?? 'GET'
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([key, value]) => [
        key,
        Array.isArray(value) ? value.join(', ') : (value ?? ''),
      ]),
    )
    const text = await readBody(request)
    let body: unknown
    let answer: RouteResponse
    const extraHeaders: Record<string, string> = {}
    try {
      try {
        body = text === '' ? undefined : (JSON.parse(text) as unknown)
      } catch {
        body = text
        throw new FakeHttpError(400, 'bad_request', 'error parsing request body')
      }
      answer = this.#answer(method, url, headers, body, extraHeaders)
    } catch (error) {
      if (!(error instanceof FakeHttpError)) throw error
      answer = { status: error.status, body: error.body ?? { id: error.id, message: error.message } }
    }
    const responseHeaders: Record<string, string> = { ...this.#rateLimitHeaders(), ...extraHeaders }
    const payload = answer.body === undefined ? '' : JSON.stringify(answer.body)
    if (payload !== '') responseHeaders['content-type'] = 'application/json; charset=utf-8'
    this.exchanges.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      requestHeaders: headers,
      requestBody: body,
      status: answer.status,
      responseHeaders,
      responseBody: answer.body,
    })
    response.writeHead(answer.status, responseHeaders)
    response.end(payload)
  }

  #answer(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: unknown,
    extraHeaders: Record<string, string>,
  ): RouteResponse {
    if (headers.authorization !== `Bearer ${this.token}`) {
      throw new FakeHttpError(401, 'unauthorized', 'Unable to authenticate you')
    }
    this.#countRequest(extraHeaders)
    const fault = this.#takeFault(method, url.pathname)
    if (fault && !fault.afterHandling) throw this.#faultError(fault, extraHeaders)
    this.account.advance()
    const matched = this.#router.match(method, url.pathname)
    if (matched === 'no-path') throw new FakeHttpError(404, 'not_found', `no route ${url.pathname}`)
    if (matched === 'no-method')
      throw new FakeHttpError(405, 'method_not_allowed', `${method} ${url.pathname}`)
    const answer = matched.handler({
      params: matched.params,
      query: url.searchParams,
      headers,
      body,
      origin: this.#origin,
      maxPerPage: this.#maxPerPage,
      path: url.pathname,
      account: this.account,
    })
    if (fault) throw this.#faultError(fault, extraHeaders)
    return answer
  }

  /** Counts the request against the minute and hour windows; over either, answers 429. */
  #countRequest(extraHeaders: Record<string, string>): void {
    const now = Date.now()
    while (this.#requestTimes.length > 0 && this.#requestTimes[0]! <= now - 3_600_000)
      this.#requestTimes.shift()
    const lastMinute = this.#requestTimes.filter((time) => time > now - 60_000)
    if (lastMinute.length >= this.#perMinute) {
      // The slot frees when the oldest request of the minute window ages out.
      extraHeaders['retry-after'] = String(Math.max(1, Math.ceil((lastMinute[0]! + 60_000 - now) / 1000)))
      throw new FakeHttpError(429, 'too_many_requests', 'API rate limit exceeded.')
    }
    if (this.#requestTimes.length >= this.#perHour) {
      throw new FakeHttpError(429, 'too_many_requests', 'API rate limit exceeded.')
    }
    this.#requestTimes.push(now)
  }

  #rateLimitHeaders(): Record<string, string> {
    const oldest = this.#requestTimes[0] ?? Date.now()
    return {
      'ratelimit-limit': String(this.#perHour),
      'ratelimit-remaining': String(Math.max(0, this.#perHour - this.#requestTimes.length)),
      'ratelimit-reset': String(Math.ceil((oldest + 3_600_000) / 1000)),
    }
  }

  #takeFault(method: string, path: string): Fault | undefined {
    const entry = this.#faults.find(
      ({ fault, left }) =>
        left > 0 && (!fault.method || fault.method === method) && (!fault.path || matches(fault.path, path)),
    )
    if (!entry) return undefined
    entry.left--
    if (entry.left === 0) this.#faults.splice(this.#faults.indexOf(entry), 1)
    return entry.fault
  }

  #faultError(fault: Fault, extraHeaders: Record<string, string>): FakeHttpError {
    if (fault.retryAfterSeconds !== undefined) extraHeaders['retry-after'] = String(fault.retryAfterSeconds)
    if (fault.resetInSeconds !== undefined) {
      extraHeaders['ratelimit-reset'] = String(Math.ceil(Date.now() / 1000) + fault.resetInSeconds)
    }
    if (fault.status === 429) return new FakeHttpError(429, 'too_many_requests', 'API rate limit exceeded.')
    if (fault.status >= 500)
      return new FakeHttpError(fault.status, 'server_error', 'Unexpected server-side error')
    return new FakeHttpError(fault.status, 'injected', `injected fault ${fault.status}`)
  }
}

function matches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === 'string' ? pattern === path : pattern.test(path)
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
