import { describe, expect, it } from 'vitest'
import {
  createEngine,
  createStack,
  type EngineEvent,
  instance,
  memoryState,
  network,
  ProviderError,
  planHasChanges,
  seededRandom,
  subnet,
  TimeoutError,
  TokenBucket,
  VirtualClock,
} from '../src/index.js'
import type { ProviderV1 } from '../src/provider.js'
import { Slicer } from '../src/scheduler/slicer.js'
import { createMockProvider } from '../src/testing.js'

const limits = (capacity: number, refillPerSecond: number): ProviderV1['limits'] => ({
  scopes: { api: { capacity, refillPerSecond } },
})

function simEngine(clock: VirtualClock, seed = 1) {
  return createEngine({ state: memoryState(), clock, random: seededRandom(seed) })
}

describe('scheduler on a virtual clock', () => {
  it('starts the step with the longest remaining path first', async () => {
    const clock = new VirtualClock(0)
    const created: string[] = []
    const provider = createMockProvider({
      latencyMs: 10_000,
      limits: limits(1, 1),
      fail: (operation, target) => {
        if (operation === 'create') created.push(target.urn)
        return undefined
      },
    })
    const stack = createStack('cp', { provider })
    // Five short independent steps declared first, then a three-step chain.
    for (let index = 0; index < 5; index++)
      stack.add(network(`solo-${index}`, { cidr: `10.${index + 1}.0.0/16` }))
    const net = stack.add(network('net', { cidr: '10.0.0.0/16' }))
    const sub = stack.add(subnet('sub', { network: net.out.id, cidr: '10.0.1.0/24' }))
    stack.add(instance('vm', { size: 'small', image: 'debian-12', subnet: sub.out.id }))
    const result = await simEngine(clock).up(stack)
    expect(result.ok).toBe(true)
    expect(created[0]).toBe('cp/network/net')
    // One call per second: net at 0 s, the chain goes on at 10 s and 20 s, done at 30 s.
    expect(result.durationMs).toBe(30_000)
  })

  it('holds a scope to its token bucket: burst, then the refill rate', async () => {
    const clock = new VirtualClock(0)
    const times: number[] = []
    const provider = createMockProvider({
      limits: limits(5, 2),
      fail: (operation) => {
        if (operation === 'create') times.push(clock.now())
        return undefined
      },
    })
    const stack = createStack('rate', { provider })
    for (let index = 0; index < 20; index++) stack.add(network(`n-${index}`, { cidr: `10.${index}.0.0/16` }))
    const result = await simEngine(clock).up(stack)
    expect(result.ok).toBe(true)
    times.sort((a, b) => a - b)
    // The k-th call cannot come before (k - capacity + 1) / rate seconds.
    for (const [k, time] of times.entries())
      expect(time).toBeGreaterThanOrEqual(Math.max(0, ((k - 4) / 2) * 1000))
    expect(times.at(-1)).toBe(7_500)
    expect(result.apiCalls['mock/api']).toEqual({ calls: 20, throttled: 0 })
  })

  it('backs off when the cloud throttles harder than declared, then recovers the declared rate', async () => {
    const clock = new VirtualClock(0)
    // A noisy neighbour shares the account for the first 20 s: the cloud allows only 1 call/s.
    const cloudSide = new TokenBucket(1, 1, clock)
    const times: number[] = []
    const base = createMockProvider({ limits: limits(10, 10) })
    const throttling: ProviderV1 = {
      ...base,
      kinds: {
        ...base.kinds,
        network: {
          ...base.kinds.network!,
          async create(props, ctx) {
            if (clock.now() < 20_000 && cloudSide.tokens < 1) {
              throw new ProviderError({
                provider: 'mock',
                operation: 'create',
                class: 'throttled',
                retryAfterMs: 1_000,
                message: 'Request limit exceeded',
              })
            }
            if (clock.now() < 20_000) await cloudSide.take(1)
            times.push(clock.now())
            return base.kinds.network!.create(props, ctx)
          },
        },
      },
    }
    const stack = createStack('aimd', { provider: throttling })
    for (let index = 0; index < 60; index++) stack.add(network(`n-${index}`, { cidr: `10.${index}.0.0/16` }))
    const engine = simEngine(clock, 7)
    const retries: EngineEvent[] = []
    engine.events.on('step-retry', (event) => retries.push(event))
    const result = await engine.up(stack)
    expect(result.ok).toBe(true)
    const throttled = result.apiCalls['mock/api']!.throttled
    expect(throttled).toBeGreaterThan(0)
    expect(retries.every((event) => event.type === 'step-retry' && event.errorClass === 'throttled')).toBe(
      true,
    )
    // Backing off keeps throttles to a fraction of the calls, not one per call.
    expect(throttled).toBeLessThan(60)
    // After the neighbour leaves, the rate climbs back towards the declared 10/s.
    const late = times.filter((time) => time >= 20_000)
    expect(late.length).toBeGreaterThan(10)
    const lastTen = late.slice(-10)
    expect(lastTen.at(-1)! - lastTen[0]!).toBeLessThan(3_000)
  })

  it('batches readiness polls: one read per round for everything waiting', async () => {
    const clock = new VirtualClock(0)
    const provider = createMockProvider({ readyAfterMs: 60_000 })
    const stack = createStack('batch', { provider })
    const net = stack.add(network('net', { cidr: '10.0.0.0/16' }))
    const sub = stack.add(subnet('sub', { network: net.out.id, cidr: '10.0.0.0/20' }))
    for (let index = 0; index < 40; index++)
      stack.add(instance(`vm-${index}`, { size: 'small', image: 'debian-12', subnet: sub.out.id }))
    const result = await simEngine(clock).up(stack)
    expect(result.ok).toBe(true)
    // 42 resources each waiting 60 s, polled every 15 s: a handful of rounds, not 42 x 4 reads.
    expect(provider.calls.read).toBeLessThanOrEqual(15)
    expect(result.outputs['batch/instance/vm-3']).toMatchObject({ state: 'running' })
  })

  it('cancels: no new steps start, waits stop, state stays consistent and the next run converges', async () => {
    const clock = new VirtualClock(0)
    const provider = createMockProvider({ latencyMs: 5_000, readyAfterMs: 20_000, limits: limits(2, 0.5) })
    const stack = createStack('cancel', { provider })
    for (let index = 0; index < 12; index++) stack.add(network(`n-${index}`, { cidr: `10.${index}.0.0/16` }))
    const engine = simEngine(clock)
    const controller = new AbortController()
    void clock.sleep(12_000).then(() => controller.abort())
    const result = await engine.up(stack, { signal: controller.signal })
    expect(result.outcome).toBe('cancelled')
    expect(result.counts.cancelled).toBeGreaterThan(0)
    expect(result.counts.done).toBeLessThan(12)
    const state = (await engine.readState('cancel'))!
    // What the cloud made is in the state (maybe not confirmed ready), nothing is lost.
    const recorded = new Set(Object.values(state.resources).map((resource) => resource.id))
    const inFlight = Object.keys(state.pending).length
    expect(provider.cloud.all().filter((resource) => !recorded.has(resource.id)).length).toBeLessThanOrEqual(
      inFlight,
    )
    const again = await engine.up(stack)
    expect(again.ok).toBe(true)
    expect(provider.cloud.all()).toHaveLength(12)
    expect(planHasChanges(await engine.plan(stack))).toBe(false)
  })

  it('times out a create that never becomes ready, records it tainted, and replaces it next time', async () => {
    const clock = new VirtualClock(0)
    const provider = createMockProvider({ readyAfterMs: 3_600_000 })
    const stack = createStack('slow', { provider })
    stack.add(network('net', { cidr: '10.0.0.0/16' }, { timeouts: { create: '2m' } }))
    const engine = simEngine(clock)
    const result = await engine.up(stack)
    expect(result.ok).toBe(false)
    expect(TimeoutError.isInstance(result.steps[0]!.error)).toBe(true)
    expect(result.steps[0]!.error!.message).toContain('raise the resource')
    expect(result.durationMs).toBeLessThan(3 * 60_000)
    const state = (await engine.readState('slow'))!
    expect(state.resources['slow/network/net']!.status).toBe('tainted')
    const plan = await engine.plan(stack)
    expect(plan.changes[0]!.action).toBe('replace')
  })

  it('honours failFast: nothing new starts after the first failure', async () => {
    const clock = new VirtualClock(0)
    const provider = createMockProvider({
      latencyMs: 1_000,
      limits: limits(1, 1),
      fail: (operation, target) =>
        operation === 'create' && target.urn === 'ff/network/n-0'
          ? new ProviderError({ provider: 'mock', operation, class: 'invalid', message: 'bad' })
          : undefined,
    })
    const stack = createStack('ff', { provider })
    for (let index = 0; index < 10; index++) stack.add(network(`n-${index}`, { cidr: `10.${index}.0.0/16` }))
    const result = await simEngine(clock).up(stack, { failFast: true })
    expect(result.counts.failed).toBe(1)
    expect(provider.cloud.all().length).toBeLessThan(9)
  })
})

describe('virtual time with real I/O', () => {
  it('stands still while the file store writes, so no deadline fires during an fsync', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { fileState } = await import('../src/index.js')
    const dir = await mkdtemp(join(tmpdir(), 'skyloom-vclock-'))
    try {
      const clock = new VirtualClock(0)
      const provider = createMockProvider({ latencyMs: 2_000, readyAfterMs: 30_000 })
      const stack = createStack('held', { provider })
      for (let index = 0; index < 30; index++)
        stack.add(network(`n-${index}`, { cidr: `10.${index}.0.0/16` }, { timeouts: { create: '5m' } }))
      const engine = createEngine({ state: fileState({ dir }), clock })
      const result = await engine.up(stack)
      expect(result.ok, result.steps.find((step) => step.error)?.error?.message).toBe(true)
      // 2 s to create, 30 s to be ready, polled every 7.5 s: a few tens of seconds, not 5 minutes.
      expect(result.durationMs).toBeLessThan(60_000)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('Slicer', () => {
  it('lets work go on within its budget, then releases waiters in order, a batch per turn', async () => {
    const roomy = new Slicer(60_000, 2)
    expect(roomy.turn()).toBeUndefined()

    const spent = new Slicer(0, 2)
    const order: string[] = []
    const waits = ['a', 'b', 'c', 'd', 'e'].map((name) => spent.turn()!.then(() => order.push(name)))
    // Each turn of the event loop releases two; the others wait for the next turns.
    await new Promise((resolve) => setImmediate(resolve))
    expect(order).toEqual(['a', 'b'])
    await new Promise((resolve) => setImmediate(resolve))
    expect(order).toEqual(['a', 'b', 'c', 'd'])
    await Promise.all(waits)
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e'])
  })
})
