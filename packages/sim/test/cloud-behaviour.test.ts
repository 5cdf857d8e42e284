import { ProviderError } from '@skyloom/core/provider'
import { describe, expect, it } from 'vitest'
import { classifySimError, SimApiError } from '../src/index.js'
import { baseNetwork, failure, instanceProps, networkProps, subnetProps, virtualSim } from './helpers.js'

describe('idempotency keys', () => {
  it('gives back the same resource for the same key, and makes no duplicate', async () => {
    const { handlers, ctx, provider } = virtualSim()
    const context = ctx('network', 'net', { idempotencyKey: 'key-1' })
    const first = await handlers.network.create(networkProps(), context)
    const again = await handlers.network.create(
      networkProps(),
      ctx('network', 'net', { idempotencyKey: 'key-1' }),
    )
    expect(again.id).toBe(first.id)
    expect(provider.cloud.resources({ kind: 'network' })).toHaveLength(1)
    const other = await handlers.network.create(
      networkProps(),
      ctx('network', 'net', { idempotencyKey: 'key-2' }),
    )
    expect(other.id).not.toBe(first.id)
  })

  it('refuses a reused key with different parameters', async () => {
    const { handlers, ctx } = virtualSim()
    await handlers.network.create(networkProps('10.0.0.0/16'), ctx('network', 'net', { idempotencyKey: 'k' }))
    const error = await failure(() =>
      handlers.network.create(networkProps('10.1.0.0/16'), ctx('network', 'net', { idempotencyKey: 'k' })),
    )
    expect([error.classification, error.cloudCode]).toEqual(['invalid', 'IdempotentParameterMismatch'])
  })

  it('finds an interrupted create by its key, as crash recovery does', async () => {
    const { handlers, ctx, clock } = virtualSim()
    const created = await handlers.network.create(
      networkProps(),
      ctx('network', 'net', { idempotencyKey: 'crash' }),
    )
    await clock.sleep(1_000)
    const found = await handlers.network.find(
      { idempotencyKey: 'crash', ownership: ctx('network', 'other-name').ownership },
      ctx('network', 'net'),
    )
    expect(found.map((item) => item.id)).toEqual([created.id])
  })
})

describe('eventual consistency', () => {
  it('hides a new resource from reads, find and list for consistencyDelayMs', async () => {
    const { handlers, ctx, clock } = virtualSim({ consistencyDelayMs: 800 })
    const created = await handlers.network.create(networkProps(), ctx('network', 'net'))
    expect(await handlers.network.read(created.id, ctx('network', 'net'))).toBeUndefined()
    expect((await handlers.network.readMany([created.id], ctx('network', 'net'))).size).toBe(0)
    expect(
      await handlers.network.find({ ownership: ctx('network', 'net').ownership }, ctx('network', 'net')),
    ).toEqual([])
    await clock.sleep(799)
    expect(await handlers.network.read(created.id, ctx('network', 'net'))).toBeUndefined()
    await clock.sleep(1)
    expect((await handlers.network.read(created.id, ctx('network', 'net')))?.id).toBe(created.id)
    expect(
      await handlers.network.find({ ownership: ctx('network', 'net').ownership }, ctx('network', 'net')),
    ).toHaveLength(1)
  })

  it('ends the window when the resource is ready, so a resource seen ready is never missed', async () => {
    const { handlers, ctx, clock } = virtualSim({ consistencyDelayMs: 800 })
    const context = ctx('network', 'quick', { providerOptions: { provisionMs: 100 } })
    const created = await handlers.network.create(networkProps(), context)
    await clock.sleep(99)
    expect(await handlers.network.read(created.id, context)).toBeUndefined()
    await clock.sleep(1)
    expect((await handlers.network.read(created.id, context))?.status).toBe('ready')
  })

  it('reads at once when the window is zero', async () => {
    const { handlers, ctx } = virtualSim({ consistencyDelayMs: 0 })
    const created = await handlers.network.create(networkProps(), ctx('network', 'net'))
    expect((await handlers.network.read(created.id, ctx('network', 'net')))?.status).toBe('pending')
  })
})

describe('cloud-side rate limits', () => {
  it('throttles the sixth RunInstances in a burst with the wait until a token is back, and counts it', async () => {
    const env = virtualSim()
    const { handlers, ctx, clock, provider } = env
    const { subnet } = await baseNetwork(env)
    for (let index = 0; index < 5; index++) {
      await handlers.instance.create(instanceProps(subnet), ctx('instance', `vm-${index}`))
    }
    const throttled = await failure(() =>
      handlers.instance.create(instanceProps(subnet), ctx('instance', 'vm-5')),
    )
    expect([throttled.classification, throttled.cloudCode, throttled.retryAfterMs]).toEqual([
      'throttled',
      'RequestLimitExceeded',
      500,
    ])
    expect(throttled.retryable).toBe(true)
    await clock.sleep(499)
    expect(
      (await failure(() => handlers.instance.create(instanceProps(subnet), ctx('instance', 'vm-5'))))
        .retryAfterMs,
    ).toBe(1)
    await clock.sleep(1)
    await handlers.instance.create(instanceProps(subnet), ctx('instance', 'vm-5'))

    const stats = provider.cloud.stats()
    expect(stats.scopes['run-instances']).toEqual({ calls: 8, throttled: 2 })
    expect(stats.throttled).toBe(2)
    expect(provider.cloud.resources({ kind: 'instance' })).toHaveLength(6)
  })

  it('throttles describes past 100 in a burst, and a batched read of many ids costs one call', async () => {
    const { handlers, ctx, provider } = virtualSim()
    const net = await handlers.network.create(networkProps(), ctx('network', 'net'))
    const ids = Array.from({ length: 900 }, (_, index) => (index === 0 ? net.id : `net-missing-${index}`))
    await handlers.network.readMany(ids, ctx('network', 'net'))
    expect(provider.cloud.stats().scopes.describe.calls).toBe(1)
    for (let index = 1; index < 100; index++) await handlers.network.read(net.id, ctx('network', 'net'))
    const error = await failure(() => handlers.network.read(net.id, ctx('network', 'net')))
    expect([error.classification, error.retryAfterMs]).toEqual(['throttled', 50])
  })
})

describe('fault injection', () => {
  it('fails every call with class transient at rate 1, changing nothing', async () => {
    const { handlers, ctx, provider } = virtualSim({ faults: { transientErrorRate: 1 } })
    const error = await failure(() => handlers.network.create(networkProps(), ctx('network', 'net')))
    expect([error.classification, error.cloudCode]).toEqual(['transient', 'InternalError'])
    expect(error.retryable).toBe(true)
    expect(provider.cloud.resources()).toEqual([])
    expect(provider.cloud.stats().faults).toBe(1)
  })

  it('fails a seeded, repeatable share of calls at a partial rate', async () => {
    const outcomes = async (seed: number) => {
      const { handlers, ctx } = virtualSim({ seed, faults: { transientErrorRate: 0.3 } })
      const results: boolean[] = []
      for (let index = 0; index < 40; index++) {
        results.push(
          await handlers.network
            .create(networkProps(), ctx('network', `net-${index}`))
            .then(() => true)
            .catch(() => false),
        )
      }
      return results
    }
    const first = await outcomes(3)
    expect(await outcomes(3)).toEqual(first)
    const failures = first.filter((ok) => !ok).length
    expect(failures).toBeGreaterThan(3)
    expect(failures).toBeLessThan(25)
  })

  it('lets a chosen resource be created and then fail for good, by name, kind/name or URN', async () => {
    const env = virtualSim({ faults: { failResources: ['web-2', 'subnet/b', 'web/network/doomed'] } })
    const { handlers, ctx, clock } = env
    const { subnet, network } = await baseNetwork(env)
    const doomed = await handlers.instance.create(instanceProps(subnet), ctx('instance', 'web-2'))
    const fine = await handlers.instance.create(instanceProps(subnet), ctx('instance', 'web-1'))
    expect(doomed.ready).toBe(false)
    await clock.sleep(40_000)
    const read = await handlers.instance.read(doomed.id, ctx('instance', 'web-2'))
    expect(read?.status).toBe('failed')
    expect(read?.outputs.state).toBe('terminated')
    expect(read?.message).toMatch(/failed to provision \(injected by faults.failResources\)/)
    expect((await handlers.instance.read(fine.id, ctx('instance', 'web-1')))?.status).toBe('ready')

    const sub = await handlers.subnet.create(subnetProps(network, '10.0.2.0/24'), ctx('subnet', 'b'))
    const net = await handlers.network.create(networkProps('10.5.0.0/16'), ctx('network', 'doomed'))
    await clock.sleep(3_000)
    expect((await handlers.subnet.read(sub.id, ctx('subnet', 'b')))?.status).toBe('failed')
    expect((await handlers.network.read(net.id, ctx('network', 'doomed')))?.status).toBe('failed')
    // A failed resource can still be deleted.
    await handlers.instance.delete(
      doomed.id,
      { props: instanceProps(subnet), outputs: doomed.outputs },
      ctx('instance', 'web-2'),
    )
  })

  it('fails a resource marked with providerOptions.sim.fail, and honours an exact provisionMs', async () => {
    const { handlers, ctx, clock, provider } = virtualSim()
    const failing = await handlers.network.create(
      networkProps(),
      ctx('network', 'a', { providerOptions: { fail: true } }),
    )
    const exact = await handlers.network.create(
      networkProps(),
      ctx('network', 'b', { providerOptions: { provisionMs: 12_345 } }),
    )
    expect(provider.cloud.get(exact.id)?.readyAt).toBe(clock.now() + 12_345)
    await clock.sleep(3_000)
    expect((await handlers.network.read(failing.id, ctx('network', 'a')))?.message).toMatch(
      /providerOptions.sim.fail/,
    )
    const bad = await failure(() =>
      handlers.network.create(networkProps(), ctx('network', 'c', { providerOptions: { provisionMs: -1 } })),
    )
    expect(bad.classification).toBe('invalid')
  })

  it('makes stragglers with latency spikes', async () => {
    const { handlers, ctx, provider, clock } = virtualSim({
      latency: { provision: { network: { meanMs: 1_000 } } },
      faults: { latencySpikes: { rate: 1, multiplier: 8 } },
    })
    const created = await handlers.network.create(networkProps(), ctx('network', 'net'))
    expect(provider.cloud.get(created.id)?.readyAt).toBe(clock.now() + 8_000)
  })
})

describe('cancellation', () => {
  it('stops waiting for a deletion when the signal aborts, with the abort reason', async () => {
    const { handlers, ctx, clock, provider } = virtualSim()
    const created = await handlers.network.create(networkProps(), ctx('network', 'net'))
    await clock.sleep(3_000)
    const controller = new AbortController()
    const deleting = handlers.network.delete(
      created.id,
      { props: networkProps(), outputs: created.outputs },
      ctx('network', 'net', { signal: controller.signal }),
    )
    await clock.sleep(100)
    controller.abort(new Error('apply cancelled'))
    await expect(deleting).rejects.toThrow('apply cancelled')
    // The cloud goes on deleting on its own.
    expect(provider.cloud.get(created.id)?.status).toBe('deleting')
    await clock.sleep(2_000)
    expect(provider.cloud.get(created.id)).toBeUndefined()
  })
})

describe('find and list', () => {
  it('finds by ownership URN and lists by tags and stack', async () => {
    const { handlers, ctx, clock } = virtualSim()
    const a = await handlers.network.create(networkProps('10.0.0.0/16', { env: 'dev' }), ctx('network', 'a'))
    const b = await handlers.network.create(networkProps('10.1.0.0/16', { env: 'prod' }), ctx('network', 'b'))
    const c = await handlers.network.create(
      networkProps('10.2.0.0/16', { env: 'dev' }),
      ctx('network', 'c', { stack: 'other' }),
    )
    await clock.sleep(1_000)

    const found = await handlers.network.find(
      { ownership: ctx('network', 'b').ownership },
      ctx('network', 'b'),
    )
    expect(found.map((item) => item.id)).toEqual([b.id])
    expect(found[0]?.ownership).toEqual({ stack: 'web', urn: 'web/network/b' })

    const list = async (filter: { tags?: Record<string, string>; stack?: string }) => {
      const ids: string[] = []
      for await (const item of handlers.network.list(filter, ctx('network', 'a'))) ids.push(item.id)
      return ids
    }
    expect(await list({ tags: { env: 'dev' } })).toEqual([a.id, c.id])
    expect(await list({ stack: 'web' })).toEqual([a.id, b.id])
    expect(await list({ stack: 'web', tags: { env: 'dev' } })).toEqual([a.id])
    expect(await list({})).toEqual([a.id, b.id, c.id])
  })
})

describe('classifySimError', () => {
  it('classifies the sim API errors by code and passes anything else to the core default', () => {
    expect(classifySimError(new SimApiError('RequestLimitExceeded', 'slow down', 250))).toEqual({
      class: 'throttled',
      code: 'RequestLimitExceeded',
      retryAfterMs: 250,
    })
    expect(classifySimError(new SimApiError('DependencyViolation', 'in use')).class).toBe('conflict')
    expect(classifySimError(new SimApiError('VcpuLimitExceeded', 'full')).class).toBe('quota')
    expect(
      classifySimError(
        new ProviderError({ provider: 'sim', operation: 'read', class: 'not-found', message: 'x' }),
      ).class,
    ).toBe('not-found')
    expect(classifySimError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })).class).toBe(
      'transient',
    )
    expect(classifySimError(new Error('boom')).class).toBe('fatal')
  })
})
