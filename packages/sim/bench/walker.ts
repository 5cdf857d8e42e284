import type { Clock, MutationContext, ResourceHandlerV1 } from '@skyloom/core/provider'
import { ProviderError } from '@skyloom/core/provider'
import { testContext } from '@skyloom/core/testing'
import type { SimProvider } from '../src/index.js'
import {
  dependenciesOf,
  type ResourceSpec,
  resolveProps,
  type Scenario,
  STACK_NAME,
  urnOf,
} from './scenario.js'

/** How a baseline walker behaves: its parallelism and its retries. */
export interface WalkerPolicy {
  /** Steps in flight at once (create, then wait until ready, holding the slot). Infinity: no limit. */
  readonly slots: number
  /**
   * The wait before retrying a call that failed with a throttled or transient error, after
   * `attempt` attempts; undefined gives up (the step fails).
   */
  retryDelay(attempt: number, error: ProviderError): number | undefined
  /** The wait before the `poll`-th readiness poll of a resource (1 for the first). */
  pollDelay(poll: number): number
}

/** What a baseline walk produced. */
export interface WalkResult {
  /** From the walk's start until the last step ended, in ms of simulated time. */
  readonly makespanMs: number
  readonly done: number
  /** Steps whose call retries ran out, or whose resource failed to provision. */
  readonly failed: number
  /** Steps never run because something they depend on failed. */
  readonly skipped: number
  /** API calls the clouds received (throttled ones included) and throttled calls. */
  readonly calls: number
  readonly throttled: number
}

interface Node {
  readonly spec: ResourceSpec
  readonly dependencies: readonly string[]
  readonly dependents: Node[]
  waitingOn: number
  state: 'waiting' | 'ready' | 'running' | 'done' | 'failed' | 'skipped'
}

/**
 * A baseline walker outside the engine: it calls the sim's handlers directly, on the same
 * virtual clock, the way a Terraform- or Pulumi-like tool drives a provider. Steps become
 * ready when their dependencies are done and start in that order (first ready, first
 * started; no priorities) as slots allow. Each step creates its resource with the provider's
 * retries, then polls that one resource (one describe call per poll, as per-resource waiters
 * do) on the policy's schedule until it is ready, holding its slot throughout.
 * It takes no tokens of its own: no rate awareness beyond retrying what the cloud refuses.
 */
export async function walk(
  scenario: Scenario,
  providers: readonly SimProvider[],
  clock: Clock,
  policy: WalkerPolicy,
): Promise<WalkResult> {
  const nodes = new Map<string, Node>()
  for (const spec of scenario.resources) {
    const node: Node = {
      spec,
      dependencies: dependenciesOf(spec),
      dependents: [],
      waitingOn: 0,
      state: 'waiting',
    }
    nodes.set(spec.name, node)
  }
  for (const node of nodes.values()) {
    node.waitingOn = node.dependencies.length
    for (const name of node.dependencies) nodes.get(name)!.dependents.push(node)
  }
  const ids = new Map<string, string>()
  const queue: Node[] = [...nodes.values()].filter((node) => node.waitingOn === 0)
  for (const node of queue) node.state = 'ready'
  let inFlight = 0
  let finished = 0
  const started = clock.now()
  let lastEnd = started
  let resolveAll: () => void = () => {}
  const all = new Promise<void>((resolve) => {
    resolveAll = resolve
  })

  const settle = (node: Node, state: 'done' | 'failed' | 'skipped') => {
    node.state = state
    finished++
  }
  const pump = (): void => {
    while (inFlight < policy.slots && queue.length > 0) {
      const node = queue.shift()!
      node.state = 'running'
      inFlight++
      void runStep(node).then(
        () => {
          inFlight--
          settle(node, 'done')
          lastEnd = clock.now()
          for (const next of node.dependents) {
            next.waitingOn--
            if (next.waitingOn === 0 && next.state === 'waiting') {
              next.state = 'ready'
              queue.push(next)
            }
          }
          pump()
        },
        () => {
          inFlight--
          settle(node, 'failed')
          lastEnd = clock.now()
          const stack = [...node.dependents]
          while (stack.length > 0) {
            const next = stack.pop()!
            if (next.state !== 'waiting') continue
            settle(next, 'skipped')
            stack.push(...next.dependents)
          }
          pump()
        },
      )
    }
    if (finished === nodes.size) resolveAll()
  }

  async function runStep(node: Node): Promise<void> {
    const { spec } = node
    const provider = providers[spec.region]!
    const handler = provider.kinds[spec.kind] as ResourceHandlerV1
    const props = resolveProps(spec.props, (name) => ids.get(name))
    const sections = props.providerOptions as Record<string, Record<string, unknown>> | undefined
    const ctx: MutationContext = testContext({
      stack: STACK_NAME,
      kind: spec.kind,
      name: spec.name,
      clock,
      // One key per resource, reused on every retry, as SDKs reuse their ClientToken.
      idempotencyKey: urnOf(spec),
      ...(sections?.sim ? { providerOptions: sections.sim } : {}),
    })
    const created = await withRetries(() => handler.create(props, ctx))
    ids.set(spec.name, created.id)
    if (created.ready !== false) return
    for (let poll = 1; ; poll++) {
      await clock.sleep(policy.pollDelay(poll))
      // A miss right after the create is eventual consistency: keep polling, as waiters do.
      const read = await withRetries(() => handler.read!(created.id, ctx))
      if (read?.status === 'failed') throw new Error(`${urnOf(spec)} failed to provision`)
      if (read && (read.status === undefined || read.status === 'ready')) return
    }
  }

  async function withRetries<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call()
      } catch (error) {
        if (!ProviderError.isInstance(error)) throw error
        if (error.classification !== 'throttled' && error.classification !== 'transient') throw error
        const delay = policy.retryDelay(attempt, error)
        if (delay === undefined) throw error
        await clock.sleep(delay)
      }
    }
  }

  pump()
  await all
  let calls = 0
  let throttled = 0
  for (const provider of providers) {
    const stats = provider.cloud.stats()
    calls += stats.calls
    throttled += stats.throttled
  }
  const count = (state: Node['state']) => [...nodes.values()].filter((node) => node.state === state).length
  return {
    makespanMs: lastEnd - started,
    done: count('done'),
    failed: count('failed'),
    skipped: count('skipped'),
    calls,
    throttled,
  }
}
