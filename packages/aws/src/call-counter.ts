import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import type { EC2Client } from '@aws-sdk/client-ec2'

/** The slice of a client's middleware stack the counter uses (the same for every SDK client). */
interface CountableStack {
  add(
    middleware: (
      next: (args: unknown) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: unknown) => Promise<unknown>,
    options: { step: 'finalizeRequest'; name: string; override?: boolean; priority?: 'low' },
  ): void
  remove(name: string): boolean
}

/** Calls made per API action (`RunInstances`, `DescribeInstances`, …). */
export interface CallCounter {
  /** Calls of one action so far (the `Command` suffix is optional). */
  count(action: string): number
  /** Calls of every action, by name. */
  all(): Readonly<Record<string, number>>
  /** Calls of every action together. */
  total(): number
  /** Starts again from zero. */
  reset(): void
  /** Removes the middleware from the clients. */
  detach(): void
}

let counters = 0

/**
 * Counts the requests AWS SDK clients send, by action, with a middleware in the
 * `finalizeRequest` step (after signing, so only requests that go on the wire count; with
 * `maxAttempts: 1` each is one HTTP request). For tests and benchmarks:
 *
 * ```ts
 * const calls = countCalls((await provider.clients()).ec2)
 * // … apply …
 * calls.count('DescribeInstances')
 * ```
 */
export function countCalls(...clients: ReadonlyArray<EC2Client | AutoScalingClient>): CallCounter {
  const stacks = clients.map((client) => client.middlewareStack as unknown as CountableStack)
  const name = `skyloomCallCounter${++counters}`
  const counts = new Map<string, number>()
  for (const stack of stacks) {
    stack.add(
      (next, context) => async (args) => {
        const action = (context.commandName ?? 'Unknown').replace(/Command$/, '')
        counts.set(action, (counts.get(action) ?? 0) + 1)
        return next(args)
      },
      { step: 'finalizeRequest', name, override: true, priority: 'low' },
    )
  }
  return {
    count: (action) => counts.get(action.replace(/Command$/, '')) ?? 0,
    all: () => Object.fromEntries(counts),
    total: () => [...counts.values()].reduce((sum, value) => sum + value, 0),
    reset: () => counts.clear(),
    detach: () => {
      for (const stack of stacks) stack.remove(name)
    },
  }
}
