import {
  createStack,
  isOutputRef,
  isSecret,
  type Plan,
  type ProviderV1,
  type ResourceState,
  type StackState,
} from '../src/index.js'
import { createMockProvider } from '../src/testing.js'

export function mockStack(name = 'web', provider: ProviderV1 = createMockProvider()) {
  return createStack(name, { provider })
}

/**
 * The state an apply of `plan` would leave, with made-up ids: lets planner tests check
 * "plan against the state it would produce" before an engine exists.
 */
export function stateFromPlan(plan: Plan, previous?: StackState): StackState {
  const resources: Record<string, ResourceState> = { ...(previous?.resources ?? {}) }
  const outputsOf = (urn: string): Record<string, unknown> => resources[urn]?.outputs ?? {}
  const resolve = (value: unknown): unknown => {
    if (isOutputRef(value)) return outputsOf(value.urn)[value.path]
    if (isSecret(value)) return value
    if (Array.isArray(value)) return value.map(resolve)
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolve(inner)]))
    }
    return value
  }
  for (const change of plan.changes) {
    if (change.action === 'delete' || change.action === 'forget') {
      delete resources[change.urn]
      continue
    }
    const id =
      change.action === 'create' || change.action === 'replace'
        ? `id:${change.urn}:${plan.stateVersion}`
        : change.id!
    const props = resolve(change.props ?? resources[change.urn]?.props ?? {}) as Record<string, unknown>
    resources[change.urn] = {
      urn: change.urn,
      kind: change.kind,
      name: change.name,
      provider: change.provider,
      id,
      props,
      outputs: { id, ...fakeOutputs(change.kind, props) },
      dependencies: change.dependencies,
      status: 'ready',
      ...(change.options.protect ? { protect: true } : {}),
      ...(change.options.retainOnDelete ? { retainOnDelete: true } : {}),
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    }
  }
  return {
    schemaVersion: 1,
    stack: plan.stack,
    version: plan.stateVersion + 1,
    salt: previous?.salt ?? 'test-salt',
    resources,
    condemned: [],
    pending: {},
    updatedAt: '2026-01-01T00:00:00.000Z',
  }
}

function fakeOutputs(kind: string, props: Record<string, unknown>): Record<string, unknown> {
  switch (kind) {
    case 'network':
      return { cidr: props.cidr }
    case 'subnet':
      return { cidr: props.cidr, zone: props.zone ?? 'z1' }
    case 'instance':
      return { privateAddress: '10.0.0.1', zone: props.zone ?? 'z1', state: 'running', machineType: 'm' }
    case 'volume':
      return { zone: 'z1' }
    case 'instance-group':
      return { desired: props.desired, instances: [] }
    default:
      return {}
  }
}
