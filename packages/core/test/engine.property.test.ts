import fc from 'fast-check'
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
  VirtualClock,
} from '../src/index.js'
import { createMockProvider } from '../src/testing.js'

interface Shape {
  networks: number
  subnets: number[]
  instances: Array<{ subnet: number; after: number[] }>
  failureRate: number
  seed: number
}

const shapeArb: fc.Arbitrary<Shape> = fc
  .record({
    networks: fc.integer({ min: 1, max: 3 }),
    subnets: fc.integer({ min: 1, max: 5 }),
    instances: fc.integer({ min: 0, max: 20 }),
  })
  .chain(({ networks, subnets, instances }) =>
    fc.record({
      networks: fc.constant(networks),
      subnets: fc.array(fc.integer({ min: 0, max: networks - 1 }), {
        minLength: subnets,
        maxLength: subnets,
      }),
      instances: fc.array(
        fc.record({
          subnet: fc.integer({ min: 0, max: subnets - 1 }),
          after: fc.array(fc.nat({ max: 30 }), { maxLength: 2 }),
        }),
        { minLength: instances, maxLength: instances },
      ),
      failureRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
      seed: fc.integer({ min: 1, max: 1_000_000 }),
    }),
  )

function build(shape: Shape, provider: ReturnType<typeof createMockProvider>) {
  const stack = createStack('prop', { provider })
  const nets = Array.from({ length: shape.networks }, (_, index) =>
    stack.add(network(`net-${index}`, { cidr: `10.${index}.0.0/16` })),
  )
  const counts = new Map<number, number>()
  const subs = shape.subnets.map((net, index) => {
    const n = counts.get(net) ?? 0
    counts.set(net, n + 1)
    return stack.add(subnet(`sub-${index}`, { network: nets[net]!.out.id, cidr: `10.${net}.${n}.0/24` }))
  })
  shape.instances.forEach((entry, index) => {
    const after = entry.after.filter((target) => target < index).map((target) => `instance/vm-${target}`)
    stack.add(
      instance(
        `vm-${index}`,
        { size: 'small', image: 'debian-12', subnet: subs[entry.subnet]!.out.id },
        { dependsOn: after },
      ),
    )
  })
  return stack
}

describe('engine properties', () => {
  it('with random transient failures, apply converges, dependents start after dependencies, destroy leaves nothing', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb, async (shape) => {
        const random = seededRandom(shape.seed)
        const provider = createMockProvider({
          latencyMs: 1_000,
          fail: (operation) =>
            random() < shape.failureRate
              ? new ProviderError({
                  provider: 'mock',
                  operation,
                  class: 'transient',
                  message: 'flaky network',
                })
              : undefined,
        })
        const clock = new VirtualClock(0)
        const engine = createEngine({
          state: memoryState(),
          clock,
          random: seededRandom(shape.seed + 1),
          retry: { maxAttempts: 20, stepBudget: 100 },
        })
        const events: EngineEvent[] = []
        engine.events.on('event', (event) => events.push(event))
        const stack = build(shape, provider)
        const result = await engine.up(stack)
        expect(result.ok).toBe(true)
        expect(planHasChanges(await engine.plan(stack))).toBe(false)

        // A step starts only after every step it depends on has ended.
        const endSeq = new Map<string, number>()
        const startSeq = new Map<string, number>()
        for (const event of events) {
          if (event.type === 'step-end') endSeq.set(event.stepId, event.seq)
          if (event.type === 'step-start') startSeq.set(event.stepId, event.seq)
        }
        for (const step of result.plan.steps) {
          for (const dependency of step.dependsOn)
            expect(endSeq.get(dependency)!).toBeLessThan(startSeq.get(step.id)!)
        }
        const ids = provider.cloud.all().map((resource) => resource.tags['skyloom-urn'])
        expect(new Set(ids).size).toBe(ids.length)
        expect(ids.length).toBe(stack.resources.length)

        const destroyed = await engine.destroy(stack)
        expect(destroyed.ok).toBe(true)
        expect(provider.cloud.all()).toEqual([])
      }),
      { numRuns: 40 },
    )
  })
})
