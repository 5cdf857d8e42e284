import type { StepOutcome } from '../events/types.js'

/** A node of the DAG to run. */
export interface DagNode {
  readonly id: string
  readonly dependsOn: readonly string[]
  /** Higher runs first among nodes ready at the same time. */
  readonly priority: number
}

export interface NodeResult {
  readonly outcome: StepOutcome
  readonly error?: unknown
  /** For skipped nodes: the failed node that caused it. */
  readonly skippedBecause?: string
}

export interface DagRunOptions<N extends DagNode> {
  /** Runs one node; resolves 'done' or 'noop', rejects to fail it. */
  readonly execute: (node: N) => Promise<'done' | 'noop'>
  /** Stops starting nodes when aborted; nodes not started end 'cancelled'. */
  readonly signal?: AbortSignal
  /** Cancel everything not yet started after the first failure. */
  readonly failFast?: boolean
  /** Told about nodes that end without running (skipped, cancelled). */
  readonly onSettled?: (node: N, result: NodeResult) => void
}

/**
 * Runs a DAG: every node starts as soon as all its dependencies are done, higher priority
 * first. A failed node skips its descendants and independent branches go on; with `failFast`
 * nothing new starts after a failure. Nodes are not queued here: they are started at once and
 * wait inside the scope limiters, so a node waiting for one scope never holds up another.
 */
export async function runDag<N extends DagNode>(
  nodes: readonly N[],
  options: DagRunOptions<N>,
): Promise<Map<string, NodeResult>> {
  const results = new Map<string, NodeResult>()
  const waitingOn = new Map<string, number>()
  const dependents = new Map<string, N[]>()
  for (const node of nodes) {
    waitingOn.set(node.id, node.dependsOn.length)
    for (const dependency of node.dependsOn) {
      const list = dependents.get(dependency) ?? []
      list.push(node)
      dependents.set(dependency, list)
    }
  }
  let stopped = options.signal?.aborted === true
  let running = 0
  let finish: () => void = () => {}
  const finished = new Promise<void>((resolve) => {
    finish = resolve
  })

  const settle = (node: N, result: NodeResult) => {
    results.set(node.id, result)
    if (result.outcome !== 'done' && result.outcome !== 'noop') options.onSettled?.(node, result)
  }
  const skipDescendants = (failed: N) => {
    const queue = [...(dependents.get(failed.id) ?? [])]
    while (queue.length > 0) {
      const next = queue.shift()!
      if (results.has(next.id)) continue
      settle(next, { outcome: 'skipped', skippedBecause: failed.id })
      queue.push(...(dependents.get(next.id) ?? []))
    }
  }
  const checkDone = () => {
    if (running === 0 && (stopped || results.size === nodes.length)) finish()
  }
  const start = (ready: N[]) => {
    ready.sort((a, b) => b.priority - a.priority)
    for (const node of ready) {
      if (stopped || results.has(node.id)) continue
      running++
      options.execute(node).then(
        (outcome) => {
          running--
          settle(node, { outcome })
          const next: N[] = []
          for (const dependent of dependents.get(node.id) ?? []) {
            const left = waitingOn.get(dependent.id)! - 1
            waitingOn.set(dependent.id, left)
            if (left === 0) next.push(dependent)
          }
          start(next)
          checkDone()
        },
        (error: unknown) => {
          running--
          settle(node, { outcome: options.signal?.aborted ? 'cancelled' : 'failed', error })
          skipDescendants(node)
          if (options.failFast) stopped = true
          checkDone()
        },
      )
    }
  }

  options.signal?.addEventListener(
    'abort',
    () => {
      stopped = true
      checkDone()
    },
    { once: true },
  )
  start(nodes.filter((node) => node.dependsOn.length === 0))
  checkDone()
  if (nodes.length > 0) await finished
  for (const node of nodes) {
    if (!results.has(node.id)) settle(node, { outcome: 'cancelled' })
  }
  return results
}
