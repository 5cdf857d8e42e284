/**
 * Finds a cycle in a directed graph, or undefined when there is none. The cycle is returned
 * as a path whose last node repeats the first: `a -> b -> c -> a`. Iterative, so deep graphs
 * do not overflow the stack.
 */
export function findCycle(
  nodes: Iterable<string>,
  edges: (node: string) => Iterable<string>,
): string[] | undefined {
  const state = new Map<string, 1 | 2>() // 1 = on the current path, 2 = done
  for (const root of nodes) {
    if (state.has(root)) continue
    const path: string[] = []
    const iterators: Iterator<string>[] = []
    state.set(root, 1)
    path.push(root)
    iterators.push(edges(root)[Symbol.iterator]())
    while (iterators.length > 0) {
      const next = iterators[iterators.length - 1]!.next()
      if (next.done) {
        state.set(path.pop()!, 2)
        iterators.pop()
        continue
      }
      const child = next.value
      const seen = state.get(child)
      if (seen === 1) return [...path.slice(path.indexOf(child)), child]
      if (seen === 2) continue
      state.set(child, 1)
      path.push(child)
      iterators.push(edges(child)[Symbol.iterator]())
    }
  }
  return undefined
}

/**
 * Longest remaining path per node: its own weight plus the heaviest chain of nodes that wait
 * for it. `dependents(n)` are the nodes that depend on n. The graph must be acyclic.
 */
export function remainingPath(
  nodes: readonly string[],
  weight: (node: string) => number,
  dependents: (node: string) => readonly string[],
): Map<string, number> {
  const result = new Map<string, number>()
  const order = reverseTopological(nodes, dependents)
  for (const node of order) {
    let longest = 0
    for (const child of dependents(node)) longest = Math.max(longest, result.get(child) ?? 0)
    result.set(node, weight(node) + longest)
  }
  return result
}

/** Nodes ordered so that every node comes after all of its `next` nodes. */
function reverseTopological(nodes: readonly string[], next: (node: string) => readonly string[]): string[] {
  const visited = new Set<string>()
  const order: string[] = []
  for (const root of nodes) {
    if (visited.has(root)) continue
    visited.add(root)
    const stack: Array<{ node: string; index: number }> = [{ node: root, index: 0 }]
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!
      const children = next(top.node)
      if (top.index < children.length) {
        const child = children[top.index++]!
        if (!visited.has(child)) {
          visited.add(child)
          stack.push({ node: child, index: 0 })
        }
      } else {
        order.push(top.node)
        stack.pop()
      }
    }
  }
  return order
}
