import type { Plan, PlanStep } from '@skyloom/core'
import type { SimProvider, SimScope } from '../src/index.js'

/** The rate term of one scope. */
export interface ScopeTerm {
  /** `provider key/scope`, e.g. `sim/sim-east-1/run-instances`. */
  readonly scope: string
  /** Mutating calls the plan must make in the scope: one per create, update or delete step. */
  readonly calls: number
  readonly capacity: number
  readonly refillPerSecond: number
  /** max(0, calls - capacity) / refill, in ms. */
  readonly ms: number
  /**
   * The same term with a head and a tail (still a true bound): the earliest any of the scope's
   * steps can start + max(0, calls - capacity) / refill + the shortest remaining path (own latency
   * and descendants) of any step of the scope, in ms; 0 when calls <= capacity.
   */
  readonly tightMs: number
}

/** A lower bound on the makespan of a plan, with its terms (all in ms). */
export interface LowerBound {
  /** Longest chain of actual provisioning latencies along the plan's dependencies. */
  readonly criticalPathMs: number
  /**
   * Total work / concurrency. The sim (like EC2) caps request rates, not the number of
   * resources provisioning at once, so there is no concurrency to divide by: the term is 0.
   */
  readonly workOverConcurrencyMs: number
  readonly scopes: readonly ScopeTerm[]
  /** max(critical path, work / concurrency, max over scopes of calls / refill): the formula. */
  readonly ms: number
  /** max(critical path, work / concurrency, max over scopes of the tight rate term). */
  readonly tightMs: number
  /** Which term gives `ms`: `critical path` or a scope key. */
  readonly binding: string
}

/**
 * Lower bound of an apply:
 *
 *   LB = max( CP, W / C, max over scopes s of max(0, N_s - B_s) / R_s )
 *
 * - CP: the longest chain of the resources' actual provisioning latencies (ready time minus
 *   create time, read back from the sim) along the plan's dependency edges. A step that
 *   honours the plan starts after its dependencies finished and lasts at least its latency.
 * - W / C: total work over the cloud's concurrency cap. The sim declares no cap on resources
 *   provisioning at once (EC2 has none either; it limits request rates), so this term is 0.
 * - N_s: the mutating calls the plan must make in scope s (one per step: each create is one
 *   RunInstances / Create* call); B_s: the scope's bucket capacity (full at the start);
 *   R_s: its refill per second. Over the apply the bucket hands out at most B_s + R_s * T
 *   tokens, so the last of N_s calls cannot come before (N_s - B_s) / R_s.
 *
 * Reads (describe calls to wait for readiness) are not counted: how many are needed depends on
 * the schedule, so leaving them out keeps the bound true. No schedule that starts a step only
 * after the steps it depends on have finished (as Skyloom, Terraform and Pulumi all do) can
 * finish before LB.
 *
 * The tight variant refines each rate term with what must happen before the first call and
 * after the last one: T >= E_s + max(0, N_s - B_s) / R_s + min over steps of the scope of
 * their remaining path, where E_s is the earliest start of any step of the scope (its longest
 * chain of ancestors). Calls cannot begin before E_s, the bucket holds at most B_s then, and
 * whichever step makes the last call still has its own latency and its descendants to go.
 */
export function lowerBound(
  plan: Plan,
  latencyOf: (step: PlanStep) => number,
  providers: readonly SimProvider[],
): LowerBound {
  const order = topological(plan.steps)
  // head: longest chain of ancestors (earliest start); finish = head + own latency.
  const finish = new Map<string, number>()
  const head = new Map<string, number>()
  for (const step of order) {
    const start = Math.max(0, ...step.dependsOn.map((id) => finish.get(id) ?? 0))
    head.set(step.id, start)
    finish.set(step.id, start + latencyOf(step))
  }
  // remaining: own latency + longest chain of descendants.
  const dependents = new Map<string, string[]>()
  for (const step of plan.steps) {
    for (const dependency of step.dependsOn) pushTo(dependents, dependency, step.id)
  }
  const remaining = new Map<string, number>()
  for (const step of [...order].reverse()) {
    const after = Math.max(0, ...(dependents.get(step.id) ?? []).map((id) => remaining.get(id) ?? 0))
    remaining.set(step.id, latencyOf(step) + after)
  }
  const criticalPathMs = Math.max(0, ...finish.values())

  const providerByKey = new Map(providers.map((provider) => [provider.key, provider]))
  const groups = new Map<string, { provider: SimProvider; scope: SimScope; steps: PlanStep[] }>()
  for (const step of plan.steps) {
    if (step.operation === 'forget' || step.operation === 'record') continue
    const provider = providerByKey.get(step.provider)
    const handler = provider?.kinds[step.kind as keyof SimProvider['kinds']]
    const scope = handler?.operations?.[step.operation]?.scope as SimScope | undefined
    if (!provider || !scope) throw new Error(`lower bound: no scope for ${step.id}`)
    const key = `${provider.key}/${scope}`
    const group = groups.get(key) ?? { provider, scope, steps: [] }
    group.steps.push(step)
    groups.set(key, group)
  }
  const scopes: ScopeTerm[] = [...groups].map(([key, group]) => {
    const { capacity, refillPerSecond } = group.provider.settings.rateLimits[group.scope]
    const calls = group.steps.length
    const excess = Math.max(0, calls - capacity)
    const ms = (excess / refillPerSecond) * 1000
    const earliest = Math.min(...group.steps.map((step) => head.get(step.id) ?? 0))
    const shortestRest = Math.min(...group.steps.map((step) => remaining.get(step.id) ?? 0))
    return {
      scope: key,
      calls,
      capacity,
      refillPerSecond,
      ms,
      tightMs: excess === 0 ? 0 : earliest + ms + shortestRest,
    }
  })
  const workOverConcurrencyMs = 0
  const worstScope = scopes.reduce<ScopeTerm | undefined>(
    (worst, term) => (worst === undefined || term.ms > worst.ms ? term : worst),
    undefined,
  )
  const rateMs = worstScope?.ms ?? 0
  const ms = Math.max(criticalPathMs, workOverConcurrencyMs, rateMs)
  const tightMs = Math.max(criticalPathMs, workOverConcurrencyMs, ...scopes.map((term) => term.tightMs))
  return {
    criticalPathMs,
    workOverConcurrencyMs,
    scopes,
    ms,
    tightMs,
    binding: rateMs > criticalPathMs && worstScope ? worstScope.scope : 'critical path',
  }
}

/** Steps in an order where every step comes after its dependencies (Kahn's algorithm). */
function topological(steps: readonly PlanStep[]): PlanStep[] {
  const waiting = new Map(steps.map((step) => [step.id, step.dependsOn.length]))
  const dependents = new Map<string, PlanStep[]>()
  for (const step of steps) {
    for (const dependency of step.dependsOn) pushTo(dependents, dependency, step)
  }
  const ready = steps.filter((step) => step.dependsOn.length === 0)
  const order: PlanStep[] = []
  while (ready.length > 0) {
    const step = ready.pop()!
    order.push(step)
    for (const next of dependents.get(step.id) ?? []) {
      const left = waiting.get(next.id)! - 1
      waiting.set(next.id, left)
      if (left === 0) ready.push(next)
    }
  }
  if (order.length !== steps.length) throw new Error('lower bound: the plan has a cycle')
  return order
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}
