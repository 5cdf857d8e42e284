import { createStack, type ResourceHandle, resource, type Stack } from '@skyloom/core'
import type { SimKind, SimProvider, SimRegion } from '../src/index.js'

/** A reference to another resource's cloud id, resolved when the resource is created. */
export class Ref {
  constructor(readonly name: string) {}
}

/** Shorthand for a reference to `name`'s id. */
export const ref = (name: string): Ref => new Ref(name)

/**
 * One resource of a scenario, described once and turned into a Skyloom declaration or into a
 * baseline walker's create request, so that every contender builds exactly the same thing.
 */
export interface ResourceSpec {
  readonly kind: Exclude<SimKind, 'instance-group'>
  /** Unique in the scenario; the URN is `stack/kind/name`. */
  readonly name: string
  /** Index into {@link Scenario.regions}: the provider instance that creates it. */
  readonly region: number
  /**
   * Props as the sim's handler takes them, with {@link Ref}s where an id of another resource
   * goes. They are already in the handler's normalized form (defaults spelled out), so the
   * baselines can pass them straight to the handlers.
   */
  readonly props: Readonly<Record<string, unknown>>
  /** Ordering edges without data (names of earlier resources). */
  readonly dependsOn: readonly string[]
}

/** A benchmark scenario: regions and resources, in an order where references point backwards. */
export interface Scenario {
  readonly name: string
  /** One line for the table's legend and the docs. */
  readonly description: string
  readonly regions: readonly SimRegion[]
  readonly resources: readonly ResourceSpec[]
}

/** The stack every scenario is applied as; URNs are `bench/kind/name`. */
export const STACK_NAME = 'bench'

/** The URN of a resource of the scenario. */
export const urnOf = (spec: Pick<ResourceSpec, 'kind' | 'name'>): string =>
  `${STACK_NAME}/${spec.kind}/${spec.name}`

/** Names a resource depends on: its references and its explicit `dependsOn`. */
export function dependenciesOf(spec: ResourceSpec): string[] {
  const names = new Set<string>(spec.dependsOn)
  const visit = (value: unknown): void => {
    if (value instanceof Ref) names.add(value.name)
    else if (Array.isArray(value)) value.forEach(visit)
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(visit)
  }
  visit(spec.props)
  return [...names]
}

/** Replaces every {@link Ref} in `props` with `resolve(name)`. */
export function resolveProps(
  props: Readonly<Record<string, unknown>>,
  resolve: (name: string) => unknown,
): Record<string, unknown> {
  const walk = (value: unknown): unknown => {
    if (value instanceof Ref) return resolve(value.name)
    if (Array.isArray(value)) return value.map(walk)
    if (value !== null && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]))
    return value
  }
  return walk(props) as Record<string, unknown>
}

/** The scenario as a Skyloom stack on the given providers (one per region, in order). */
export function toStack(scenario: Scenario, providers: readonly SimProvider[]): Stack {
  const stack = createStack(STACK_NAME, { provider: providers[0]! })
  const handles = new Map<string, ResourceHandle>()
  for (const spec of scenario.resources) {
    const props = resolveProps(spec.props, (name) => {
      const handle = handles.get(name)
      if (!handle)
        throw new Error(`${scenario.name}: ${spec.name} refers to ${name}, declared later or not at all`)
      return handle.out.id
    })
    const dependsOn = spec.dependsOn.map((name) => {
      const handle = handles.get(name)
      if (!handle) throw new Error(`${scenario.name}: ${spec.name} depends on unknown ${name}`)
      return handle
    })
    const provider = spec.region === 0 ? {} : { provider: providers[spec.region]! }
    // `resource(kind, …)` makes the same declaration as `instance(…)`, `subnet(…)`, … do.
    handles.set(spec.name, stack.add(resource(spec.kind, spec.name, props, { dependsOn, ...provider })))
  }
  return stack
}
