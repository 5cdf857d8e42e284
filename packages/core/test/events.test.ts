import { describe, expect, it } from 'vitest'
import {
  createEngine,
  createStack,
  type EngineEvent,
  instance,
  memoryState,
  network,
  type ProgressSnapshot,
  ProgressTracker,
  ProviderError,
  secret,
  VirtualClock,
} from '../src/index.js'
import { createMockProvider } from '../src/testing.js'

describe('events', () => {
  it('stream every operation with monotonic seq, correlation ids, as listeners and as an async iterator', async () => {
    const clock = new VirtualClock(0)
    const engine = createEngine({ state: memoryState(), clock })
    const stack = createStack('ev', { provider: createMockProvider({ latencyMs: 1_000 }) })
    for (let index = 0; index < 3; index++) stack.add(network(`n-${index}`, { cidr: `10.${index}.0.0/16` }))
    const controller = new AbortController()
    const streamed: EngineEvent[] = []
    const consumer = (async () => {
      for await (const event of engine.events.stream({ signal: controller.signal })) streamed.push(event)
    })()
    const seen: EngineEvent[] = []
    engine.events.on('event', (event) => seen.push(event))
    await engine.up(stack)
    controller.abort()
    await consumer
    expect(streamed.map((event) => event.seq)).toEqual(seen.map((event) => event.seq))
    expect(seen.map((event) => event.type)).toEqual([
      'plan-start',
      'plan-end',
      'apply-start',
      'step-start',
      'step-start',
      'step-start',
      'step-end',
      'step-end',
      'step-end',
      'apply-end',
    ])
    for (let index = 1; index < seen.length; index++) expect(seen[index]!.seq).toBe(seen[index - 1]!.seq + 1)
    const operationIds = new Set(seen.map((event) => event.operationId))
    expect(operationIds.size).toBe(1)
    const correlations = seen
      .filter((event) => event.type === 'step-start')
      .map((event) => (event as { correlationId: string }).correlationId)
    expect(new Set(correlations).size).toBe(3)
    expect(seen.at(-1)).toMatchObject({ type: 'apply-end', outcome: 'succeeded', durationMs: 1_000 })
  })

  it('feed a progress model: done/total, running, retries, elapsed, remaining', async () => {
    const clock = new VirtualClock(0)
    let failed = false
    const engine = createEngine({ state: memoryState(), clock, retry: { baseDelayMs: 10 } })
    const stack = createStack('pg', {
      provider: createMockProvider({
        latencyMs: 1_000,
        limits: { scopes: { api: { capacity: 1, refillPerSecond: 1 } } },
        fail: (operation, target) => {
          if (!failed && target.urn === 'pg/network/n-0') {
            failed = true
            return new ProviderError({ provider: 'mock', operation, class: 'transient', message: 'blip' })
          }
          return undefined
        },
      }),
    })
    for (let index = 0; index < 4; index++) stack.add(network(`n-${index}`, { cidr: `10.${index}.0.0/16` }))
    const tracker = new ProgressTracker()
    const snapshots: ProgressSnapshot[] = []
    engine.events.on('event', (event) => {
      if (tracker.update(event)) snapshots.push(tracker.snapshot)
    })
    await engine.up(stack)
    const last = tracker.snapshot
    expect(last).toMatchObject({
      stack: 'pg',
      total: 4,
      finished: 4,
      retries: 1,
      running: [],
      remainingMs: 0,
    })
    expect(last.counts.done).toBe(4)
    expect(last.elapsedMs).toBeGreaterThanOrEqual(4_000)
    const middle = snapshots.find((snapshot) => snapshot.finished === 2)!
    expect(middle.remainingMs).toBeGreaterThan(0)
    expect(snapshots.some((snapshot) => snapshot.running.some((step) => step.retries === 1))).toBe(true)
  })

  it('log through a console-like logger and never show secrets', async () => {
    const lines: string[] = []
    const record = (level: string) => (fields: Record<string, unknown>, message: string) =>
      lines.push(`${level} ${message} ${JSON.stringify(fields)}`)
    const logger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    }
    const engine = createEngine({ state: memoryState(), logger })
    const stack = createStack('log', {
      provider: createMockProvider({
        fail: (operation) =>
          operation === 'create'
            ? new ProviderError({
                provider: 'mock',
                operation,
                class: 'invalid',
                message: 'user data rejected: TOKEN=abcd-1234-secret',
              })
            : undefined,
      }),
    })
    stack.add(
      instance('vm', {
        size: 'small',
        image: 'debian-12',
        subnet: 's',
        userData: secret('TOKEN=abcd-1234-secret'),
      }),
    )
    const errors: EngineEvent[] = []
    engine.events.on('step-end', (event) => errors.push(event))
    const result = await engine.up(stack)
    expect(result.ok).toBe(false)
    expect(lines.some((line) => line.startsWith('debug create log/instance/vm'))).toBe(true)
    expect(lines.some((line) => line.startsWith('error'))).toBe(true)
    const everything = `${lines.join('\n')}${JSON.stringify(errors)}${result.steps[0]!.error!.message}`
    expect(everything).not.toContain('abcd-1234-secret')
    expect(everything).toContain('(secret)')
  })
})
