import { ProviderError } from '@skyloom/core/provider'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createDigitalOcean } from '../src/index.js'
import { type Harness, startHarness } from './support/harness.js'
import { createNetwork } from './support/scenario.js'

async function failure(promise: Promise<unknown> | undefined): Promise<ProviderError> {
  const error = await Promise.resolve(promise).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  if (!ProviderError.isInstance(error)) throw new Error(`expected a ProviderError, got ${String(error)}`)
  return error
}

describe('error classification and rate limits', () => {
  let h: Harness
  let subnetId: string
  beforeAll(async () => {
    h = await startHarness({ fake: { dropletLimit: 12 } })
    ;({ subnetId } = await createNetwork(h))
  })
  afterAll(() => h.close())
  afterEach(() => vi.unstubAllEnvs())

  const instance = (input: Record<string, unknown> = {}) =>
    h.props('instance', { size: 'small', image: 'ubuntu-24.04', subnet: subnetId, ...input })

  it('404 is not-found (and reads return undefined)', async () => {
    const handler = h.handler('instance')
    const error = await failure(handler.actions?.start?.('424242', h.ctx('instance', 'x')))
    expect(error.classification).toBe('not-found')
    expect(error.cloudCode).toBe('not_found')
    expect(error.message).toContain('GET /v2/droplets/424242')
    expect(await handler.read?.('424242', h.ctx('instance', 'x'))).toBeUndefined()
  })

  it("422 is invalid, with DigitalOcean's message", async () => {
    const error = await failure(
      h
        .handler('instance')
        .create(instance(), h.ctx('instance', 'bad-size', { providerOptions: { size: 's-99vcpu' } })),
    )
    expect(error.classification).toBe('invalid')
    expect(error.message).toContain('You specified an invalid size for Droplet creation: s-99vcpu')
    expect(error.urn).toBe('test/instance/bad-size')
  })

  it('a 422 about the Droplet limit is quota', async () => {
    h.fake.account.dropletLimit = h.fake.account.droplets.size
    const error = await failure(h.handler('instance').create(instance(), h.ctx('instance', 'one-too-many')))
    h.fake.account.dropletLimit = 50
    expect(error.classification).toBe('quota')
    expect(error.message).toMatch(/droplet limit/)
  })

  it('429 with Retry-After is throttled with that wait', async () => {
    h.fake.inject({ status: 429, retryAfterSeconds: 7 })
    const error = await failure(
      h.handler('network').read?.('00000000-0000-4000-8000-000000000000', h.ctx('network', 'n')),
    )
    expect(error.classification).toBe('throttled')
    expect(error.retryAfterMs).toBe(7_000)
    expect(error.retryable).toBe(true)
  })

  it('429 without Retry-After waits until ratelimit-reset', async () => {
    h.fake.inject({ status: 429, resetInSeconds: 30 })
    const error = await failure(
      h.handler('network').read?.('00000000-0000-4000-8000-000000000000', h.ctx('network', 'n')),
    )
    expect(error.classification).toBe('throttled')
    expect(error.retryAfterMs).toBeGreaterThan(28_000)
    expect(error.retryAfterMs).toBeLessThanOrEqual(31_000)
    expect(h.provider.classifyError?.(error)).toEqual({
      class: 'throttled',
      retryAfterMs: error.retryAfterMs,
      code: 'too_many_requests',
    })
  })

  it('the per-minute limit of the server answers 429, classified throttled', async () => {
    const limited = await startHarness({ fake: { perMinute: 3 } })
    try {
      const read = () =>
        limited.handler('network').read?.('00000000-0000-4000-8000-000000000000', limited.ctx('network', 'n'))
      for (let index = 0; index < 3; index++) await read()
      const error = await failure(read())
      expect(error.classification).toBe('throttled')
      expect(error.retryAfterMs).toBeGreaterThan(0)
      expect(error.retryAfterMs).toBeLessThanOrEqual(60_000)
    } finally {
      await limited.close()
    }
  })

  it('5xx is transient', async () => {
    h.fake.inject({ status: 503 })
    const error = await failure(
      h.handler('network').read?.('00000000-0000-4000-8000-000000000000', h.ctx('network', 'n')),
    )
    expect(error.classification).toBe('transient')
  })

  it('401 is fatal and says to set DIGITALOCEAN_TOKEN', async () => {
    const provider = createDigitalOcean({ baseUrl: h.fake.url, token: 'wrong' })
    const error = await failure(provider.kinds.network?.read?.('x', h.ctx('network', 'n')))
    expect(error.classification).toBe('fatal')
    expect(error.message).toMatch(/Set DIGITALOCEAN_TOKEN/)
  })

  it('a missing token is fatal, found when a request is made (never at creation)', async () => {
    vi.stubEnv('DIGITALOCEAN_TOKEN', '')
    const provider = createDigitalOcean({ baseUrl: h.fake.url })
    const error = await failure(provider.kinds.network?.read?.('x', h.ctx('network', 'n')))
    expect(error.classification).toBe('fatal')
    expect(error.message).toMatch(/no DigitalOcean API token: set DIGITALOCEAN_TOKEN/)
    // The environment is read per request: setting it afterwards works without a new provider.
    vi.stubEnv('DIGITALOCEAN_TOKEN', h.fake.token)
    expect(
      await provider.kinds.network?.read?.('00000000-0000-4000-8000-000000000000', h.ctx('network', 'n')),
    ).toBeUndefined()
  })

  it('a token function is called per request', async () => {
    let calls = 0
    const provider = createDigitalOcean({
      baseUrl: h.fake.url,
      token: async () => {
        calls++
        return h.fake.token
      },
    })
    await provider.kinds.network?.read?.('00000000-0000-4000-8000-000000000000', h.ctx('network', 'n'))
    await provider.kinds.network?.read?.('00000000-0000-4000-8000-000000000000', h.ctx('network', 'n'))
    expect(calls).toBe(2)
  })

  it('an unreachable API is transient', async () => {
    const provider = createDigitalOcean({ baseUrl: 'http://127.0.0.1:9', token: 't' })
    const error = await failure(provider.kinds.network?.read?.('x', h.ctx('network', 'n')))
    expect(error.classification).toBe('transient')
    expect(error.message).toMatch(/could not reach the DigitalOcean API/)
  })

  it('keeps the rate-limit headers of the last response', async () => {
    await h.handler('network').read?.('00000000-0000-4000-8000-000000000000', h.ctx('network', 'n'))
    const snapshot = h.provider.rateLimit
    expect(snapshot?.limit).toBe(5_000)
    expect(snapshot?.remaining).toBeGreaterThan(4_000)
    expect(snapshot?.resetAtMs).toBeGreaterThan(Date.now())
  })

  it('takes a rate-limit token for every request after the first of a handler call', async () => {
    h.acquired.clear()
    const before = h.fake.exchanges.length
    await h.handler('instance').create(instance(), h.ctx('instance', 'counted'))
    const requests = h.fake.exchanges.length - before
    expect(requests).toBeGreaterThan(2)
    expect(h.acquired.get('api')).toBe(requests - 1)
  })
})

describe('a spent hourly budget', () => {
  it('is reported as throttled without sending the request DigitalOcean would refuse', async () => {
    const h = await startHarness({ fake: { perHour: 3 } })
    const warnings: string[] = []
    try {
      const ctx = h.ctx('network', 'n')
      const logged = {
        ...ctx,
        logger: { ...ctx.logger, warn: (_: unknown, message: string) => warnings.push(message) },
      }
      const read = () => h.handler('network').read?.('00000000-0000-4000-8000-000000000000', logged)
      for (let index = 0; index < 3; index++) await read()
      expect(h.provider.rateLimit?.remaining).toBe(0)
      const sent = h.fake.exchanges.length
      const error = await failure(read())
      expect(error.classification).toBe('throttled')
      expect(error.retryAfterMs).toBeGreaterThan(3_500_000)
      expect(h.fake.exchanges.length).toBe(sent)
      expect(warnings[0]).toMatch(/budget nearly spent/)
    } finally {
      await h.close()
    }
  })
})
