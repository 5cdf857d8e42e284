import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CycleError,
  createStack,
  instance,
  network,
  plan,
  planHasChanges,
  renderPlanJson,
  type Stack,
  subnet,
} from '../src/index.js'
import { createMockProvider } from '../src/testing.js'
import { stateFromPlan } from './helpers.js'

const provider = createMockProvider()

/** A random stack shape: networks, subnets in them, instances in subnets, extra acyclic dependsOn. */
interface Shape {
  networks: number
  subnets: Array<{ network: number }>
  instances: Array<{ subnet: number; size: 'small' | 'medium' | 'large'; dependsOn: number[] }>
}

const shapeArb: fc.Arbitrary<Shape> = fc
  .record({
    networks: fc.integer({ min: 1, max: 4 }),
    subnetCount: fc.integer({ min: 1, max: 8 }),
    instanceCount: fc.integer({ min: 0, max: 25 }),
  })
  .chain(({ networks, subnetCount, instanceCount }) =>
    fc.record({
      networks: fc.constant(networks),
      subnets: fc.array(fc.record({ network: fc.integer({ min: 0, max: networks - 1 }) }), {
        minLength: subnetCount,
        maxLength: subnetCount,
      }),
      instances: fc.array(
        fc.record({
          subnet: fc.integer({ min: 0, max: subnetCount - 1 }),
          size: fc.constantFrom('small' as const, 'medium' as const, 'large' as const),
          dependsOn: fc.array(fc.nat(), { maxLength: 3 }),
        }),
        { minLength: instanceCount, maxLength: instanceCount },
      ),
    }),
  )

function build(shape: Shape, extraEdge?: { from: number; to: number }): Stack {
  const stack = createStack('prop', { provider })
  const nets = Array.from({ length: shape.networks }, (_, index) =>
    stack.add(network(`net-${index}`, { cidr: `10.${index}.0.0/16` })),
  )
  const perNetwork = new Map<number, number>()
  const subnets = shape.subnets.map((entry, index) => {
    const count = perNetwork.get(entry.network) ?? 0
    perNetwork.set(entry.network, count + 1)
    return stack.add(
      subnet(`sub-${index}`, {
        network: nets[entry.network]!.out.id,
        cidr: `10.${entry.network}.${count}.0/24`,
      }),
    )
  })
  shape.instances.forEach((entry, index) => {
    // Only earlier instances: acyclic by construction.
    const earlier = entry.dependsOn
      .filter((target) => target < index)
      .map((target) => `instance/vm-${target}`)
    if (extraEdge && extraEdge.from === index) earlier.push(`instance/vm-${extraEdge.to}`)
    stack.add(
      instance(
        `vm-${index}`,
        { size: entry.size, image: 'debian-12', subnet: subnets[entry.subnet]!.out.id },
        { dependsOn: earlier },
      ),
    )
  })
  return stack
}

const fixedNow = () => Date.UTC(2026, 0, 1)

describe('planner properties', () => {
  it('is deterministic', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb, async (shape) => {
        const a = await plan(build(shape), undefined, { now: fixedNow })
        const b = await plan(build(shape), undefined, { now: fixedNow })
        expect(renderPlanJson(a)).toBe(renderPlanJson(b))
      }),
      { numRuns: 60 },
    )
  })

  it('plans any acyclic stack, every step after the steps it depends on', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb, async (shape) => {
        const result = await plan(build(shape), undefined, { now: fixedNow })
        const total = shape.networks + shape.subnets.length + shape.instances.length
        expect(result.summary.create).toBe(total)
        const position = new Map(result.steps.map((step, index) => [step.id, index]))
        for (const step of result.steps) {
          for (const dependency of step.dependsOn) expect(position.has(dependency)).toBe(true)
        }
      }),
      { numRuns: 60 },
    )
  })

  it('fails a stack with a cycle with a CycleError naming a real cycle', async () => {
    const withCycle = shapeArb
      .filter((shape) => shape.instances.length >= 2)
      .chain((shape) =>
        fc.record({
          shape: fc.constant(shape),
          // An edge from an earlier instance to a later one that already depends on it.
          pair: fc.integer({ min: 0, max: shape.instances.length - 2 }).chain((from) =>
            fc.record({
              from: fc.constant(from),
              to: fc.integer({ min: from + 1, max: shape.instances.length - 1 }),
            }),
          ),
        }),
      )
    await fc.assert(
      fc.asyncProperty(withCycle, async ({ shape, pair }) => {
        const instances = shape.instances.map((entry) => ({ ...entry, dependsOn: [...entry.dependsOn] }))
        instances[pair.to]!.dependsOn.push(pair.from) // later depends on earlier ...
        const stack = build({ ...shape, instances }, { from: pair.from, to: pair.to }) // ... and earlier on later
        const error = await plan(stack, undefined).catch((caught: unknown) => caught)
        expect(CycleError.isInstance(error)).toBe(true)
        const cycle = (error as CycleError).cycle
        expect(cycle[0]).toBe(cycle[cycle.length - 1])
        const edges = new Map(stack.resources.map((resource) => [resource.urn, resource]))
        for (let index = 0; index < cycle.length - 1; index++) {
          const from = edges.get(cycle[index]!)!
          const to = cycle[index + 1]!
          const dependsOn = (from.options.dependsOn ?? []).map((entry) =>
            typeof entry === 'string' ? `prop/${entry}` : entry.urn,
          )
          const refs =
            JSON.stringify(from.props).includes(to) ||
            Object.values(from.props).some((value) => (value as { urn?: string })?.urn === to)
          expect(dependsOn.includes(to) || refs).toBe(true)
        }
      }),
      { numRuns: 60 },
    )
  })

  it('plans no changes against the state its own apply would produce', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb, async (shape) => {
        const first = await plan(build(shape), undefined)
        const state = stateFromPlan(first)
        expect(planHasChanges(await plan(build(shape), state))).toBe(false)
      }),
      { numRuns: 60 },
    )
  })

  it('converges after random edits: one plan then nothing left to do', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb, shapeArb, async (before, after) => {
        const state = stateFromPlan(await plan(build(before), undefined))
        const change = await plan(build(after), state)
        const next = stateFromPlan(change, state)
        expect(planHasChanges(await plan(build(after), next))).toBe(false)
      }),
      { numRuns: 60 },
    )
  })
})
