import type { ApplyResult, Engine } from '@skyloom/core'
import { ProviderError } from '@skyloom/core/provider'
import { afterAll, beforeAll, describe, it } from 'vitest'
import {
  declare,
  describePlan,
  directContext,
  handlerProps,
  newEngine,
  readOne,
  retryThrottled,
  SUBJECT,
  uniqueStack,
  waitUntilReady,
} from './harness.js'
import type { KindFixture, ProviderUnderTest, TestProviderOptions } from './options.js'
import { expectRule, type RuleId } from './rules.js'

type Context = { skip(): void }

/**
 * Registers the conformance suite for a provider. Call it at the top level of a test file:
 *
 * ```ts
 * testProvider({ kinds: ['network', 'instance'], setup: async () => ({ provider, fixtures }) })
 * ```
 *
 * Per kind it creates, reads back, plans again, updates in place, replaces, detects drift,
 * imports, finds by ownership, runs actions and deletes, through the real engine; it checks
 * idempotency, error classification and cancellation on the handlers; and it checks that
 * limits and durations are declared. A failure names the contract rule it breaks.
 */
export function testProvider(options: TestProviderOptions): void {
  const timeout = options.timeoutMs ?? 60_000
  const suiteName = options.name ?? 'provider conformance'
  if (options.skip) {
    describe.skip(suiteName, () => {
      it('runs the conformance kit', () => {})
    })
    // The reason is printed when the file runs, not buried in a report.
    console.warn(`[skyloom/testkit] SKIPPED "${suiteName}": ${options.skip}`)
    return
  }
  const notChecked = (rule: RuleId, why: string, context: Context, kind?: string) => {
    console.warn(`[skyloom/testkit] ${suiteName}: ${rule} not checked${kind ? ` for ${kind}` : ''}: ${why}`)
    context.skip()
  }

  describe(suiteName, () => {
    let subject: ProviderUnderTest
    // One engine for the whole suite: its rate-limit buckets see every call, as the cloud does.
    let engine: Engine
    beforeAll(async () => {
      subject = typeof options.setup === 'function' ? await options.setup() : options.setup
      engine = newEngine(subject.clock)
    }, timeout * 2)
    afterAll(async () => {
      await subject?.cleanup?.()
    }, timeout)

    describe('declarations', () => {
      it('L1 declares rate limits as data', () => {
        const limits = subject.provider.limits
        expectRule(
          limits && Object.keys(limits.scopes).length > 0,
          'L1-limits',
          () => 'provider.limits.scopes is missing or empty',
        )
        for (const [scope, bucket] of Object.entries(limits.scopes)) {
          expectRule(
            Number.isFinite(bucket.capacity) &&
              bucket.capacity > 0 &&
              Number.isFinite(bucket.refillPerSecond) &&
              bucket.refillPerSecond > 0,
            'L1-limits',
            () =>
              `scope "${scope}" has capacity ${bucket.capacity} and refill ${bucket.refillPerSecond}/s; give the cloud's published numbers`,
          )
        }
        for (const key of ['readScope', 'mutateScope'] as const) {
          const named = limits[key]
          expectRule(
            named === undefined || named in limits.scopes,
            'L1-limits',
            () => `limits.${key} names "${named}", which is not among the scopes`,
          )
        }
      })

      it('L2 declares expected durations per kind', () => {
        for (const kind of options.kinds) {
          const handler = subject.provider.kinds[kind]
          expectRule(handler, 'L2-durations', () => `the provider has no handler for kind "${kind}"`)
          const expected = handler.operations?.create?.expectedMs
          expectRule(
            typeof expected === 'number' && expected > 0,
            'L2-durations',
            () => `kind "${kind}" declares no operations.create.expectedMs`,
          )
        }
      })

      it('L3 classifies cloud errors', () => {
        expectRule(
          typeof subject.provider.classifyError === 'function',
          'L3-classify',
          () => 'provider.classifyError is missing',
        )
      })

      it('E2 classifies a throttle as throttled with its retry-after', async (context) => {
        if (!subject.throttle) {
          notChecked('E2-throttle', 'the setup gives no throttle() to provoke one', context)
          return
        }
        const error = await subject.throttle().then(
          () => undefined,
          (caught: unknown) => caught,
        )
        expectRule(
          error !== undefined,
          'E2-throttle',
          () => 'throttle() resolved instead of failing with the cloud’s throttling error',
        )
        const classification = ProviderError.isInstance(error)
          ? { class: error.classification, retryAfterMs: error.retryAfterMs }
          : subject.provider.classifyError?.(error)
        expectRule(
          classification?.class === 'throttled',
          'E2-throttle',
          () =>
            `the throttling error was classified ${classification?.class ?? 'not at all'} (${(error as Error)?.message})`,
        )
        if (subject.throttleSaysWhen === false) return
        expectRule(
          typeof classification.retryAfterMs === 'number',
          'E2-throttle',
          () =>
            'the throttling error has no retryAfterMs; read the cloud’s Retry-After (or equivalent) header',
        )
      })
    })

    for (const kind of options.kinds) {
      describe(kind, () =>
        kindSuite({ kind, subject: () => subject, engine: () => engine, timeout, notChecked }),
      )
    }
  })
}

interface KindSuiteOptions {
  readonly kind: string
  readonly subject: () => ProviderUnderTest
  readonly engine: () => Engine
  readonly timeout: number
  readonly notChecked: (rule: RuleId, why: string, context: Context, kind?: string) => void
}

function kindSuite({ kind, subject, engine: engineOf, timeout, notChecked }: KindSuiteOptions): void {
  let engine: Engine
  let stack: string
  let id: string
  let current: Readonly<Record<string, unknown>>
  const fixture = (): KindFixture => {
    const found = subject().fixtures[kind]
    if (!found)
      throw new Error(`No fixture for kind "${kind}": add fixtures.${kind} with at least create props.`)
    return found
  }
  const provider = () => subject().provider
  const handler = () => provider().kinds[kind]!
  const clock = () => subject().clock
  const urn = () => `${stack}/${kind}/${SUBJECT}`
  const ctx = (stackName = stack, name = SUBJECT) => directContext(stackName, kind, name, clock())
  const stackOf = (props: Readonly<Record<string, unknown>>, stackName = stack) =>
    declare(stackName, provider(), kind, props)
  const idOf = async (stackName = stack) =>
    (await engine.readState(stackName))?.resources[`${stackName}/${kind}/${SUBJECT}`]?.id
  const errorsOf = (result: ApplyResult) =>
    result.steps
      .map((step) => step.error?.message)
      .filter(Boolean)
      .join('; ')
  /** Declares a test of `rule`, skipped with its reason when the fixture says the kind cannot meet it. */
  const check = (rule: RuleId, title: string, body: (context: Context) => Promise<void>) =>
    it(
      `${rule.split('-')[0]} ${title}`,
      async (context) => {
        const reason = fixture().skip?.[rule]
        if (reason) {
          notChecked(rule, reason, context, kind)
          return
        }
        await body(context)
      },
      timeout,
    )

  beforeAll(() => {
    engine = engineOf()
    stack = uniqueStack('kit', kind)
    current = fixture().create
  })
  afterAll(async () => {
    // Leave nothing behind if a test failed half-way (a timed-out one may still hold the lock).
    if (!engine) return
    await engine.forceUnlock(stack)
    await engine.destroy(stackOf(current)).catch(() => {})
  }, timeout)

  check('K1-create-read', 'creates and reads back', async () => {
    const result = await engine.up(stackOf(current))
    expectRule(result.ok, 'K1-create-read', () => `the create failed: ${errorsOf(result)}`)
    id = (await idOf())!
    const read = await retryThrottled(provider(), clock(), () => readOne(handler(), id, ctx()))
    expectRule(read, 'K1-create-read', () => `create returned id ${id}, but reading it returned nothing`)
    expectRule(
      read.status === undefined || read.status === 'ready',
      'K1-create-read',
      () => `after the wait, ${id} reads as ${read.status}`,
    )
    expectRule(
      read.outputs.id === id,
      'K1-create-read',
      () => `outputs.id of the read is ${String(read.outputs.id)}, expected ${id}`,
    )
  })

  check('K2-replan-empty', 'plans no change right after applying', async () => {
    const plan = await engine.plan(stackOf(current))
    expectRule(
      plan.steps.length === 0,
      'K2-replan-empty',
      () => `planning again proposes:\n${describePlan(plan)}`,
    )
  })

  check('K7-find', 'finds the resource by its ownership tags', async () => {
    const find = handler().find
    expectRule(find, 'K7-find', () => `the ${kind} handler has no find; crash recovery and adoption need it`)
    const found = await retryThrottled(provider(), clock(), () =>
      find.call(handler(), { ownership: ctx().ownership }, ctx()),
    )
    expectRule(
      found.some((item) => item.id === id),
      'K7-find',
      () => `find by ownership returned [${found.map((item) => item.id).join(', ')}], not ${id}`,
    )
  })

  check('K3-update-in-place', 'updates in place', async (context) => {
    const update = fixture().update
    if (!update) {
      notChecked('K3-update-in-place', 'the fixture has no update', context, kind)
      return
    }
    const plan = await engine.plan(stackOf(update.props))
    const change = plan.changes.find((entry) => entry.urn === urn())
    expectRule(
      change?.action === 'update',
      'K3-update-in-place',
      () => `changing ${update.changed.join(', ')} is planned as ${change?.action}:\n${describePlan(plan)}`,
    )
    for (const field of update.changed) {
      expectRule(
        change.fields.some((entry) => entry.path === field),
        'K3-update-in-place',
        () => `the plan does not show ${field} changing`,
      )
    }
    const result = await engine.apply(plan)
    expectRule(result.ok, 'K3-update-in-place', () => `the update failed: ${errorsOf(result)}`)
    current = update.props
    expectRule((await idOf()) === id, 'K3-update-in-place', () => 'the update changed the id')
    const again = await engine.plan(stackOf(current), { refresh: true })
    expectRule(
      again.steps.length === 0,
      'K3-update-in-place',
      () => `after the update, a refreshed plan still proposes:\n${describePlan(again)}`,
    )
  })

  check('K5-drift', 'detects drift made outside Skyloom', async (context) => {
    const mutate = subject().mutateOutOfBand
    const field = mutate ? await mutate(kind, id) : undefined
    if (!field) {
      notChecked(
        'K5-drift',
        mutate ? 'mutateOutOfBand changed nothing for this kind' : 'the setup gives no mutateOutOfBand',
        context,
        kind,
      )
      return
    }
    const drift = await engine.refresh(stackOf(current))
    const found = drift.drifted.find((entry) => entry.urn === urn())
    expectRule(
      found,
      'K5-drift',
      () => `after changing ${field} out of band, refresh reported no drift for ${urn()}`,
    )
    expectRule(
      found.status === 'deleted' || found.fields.some((entry) => entry.path === field),
      'K5-drift',
      () =>
        `refresh reported drift on [${found.fields.map((entry) => entry.path).join(', ')}], not on ${field}`,
    )
    const repaired = await engine.up(stackOf(current))
    expectRule(repaired.ok, 'K5-drift', () => `converging the drift back failed: ${errorsOf(repaired)}`)
    id = (await idOf())!
  })

  check('K6-import', 'imports by id', async () => {
    // A stack the state has never seen, on the same engine (the same rate-limit buckets).
    const importStack = uniqueStack('kit-import', kind)
    const imported = await engine.import(stackOf(current, importStack), `${kind}/${SUBJECT}`, id)
    expectRule(imported.id === id, 'K6-import', () => `import recorded ${imported.id}, not ${id}`)
    const plan = await engine.plan(stackOf(current, importStack))
    expectRule(
      plan.steps.length === 0,
      'K6-import',
      () => `after importing ${id}, the plan proposes:\n${describePlan(plan)}`,
    )
  })

  check('K8-actions', 'runs each declared action', async () => {
    const actions = handler().actions ?? {}
    const run = async (name: string) => {
      try {
        await retryThrottled(provider(), clock(), () =>
          actions[name]!(id, ctx(), fixture().actionArgs?.[name]),
        )
      } catch (error) {
        expectRule(false, 'K8-actions', () => `action "${name}" on ${id} failed: ${(error as Error).message}`)
      }
    }
    const final = new Set(fixture().finalActions ?? [])
    const ordinary = Object.keys(actions).filter((name) => !final.has(name))
    // Each action runs on a live resource: when there is a `start`, it brings the resource
    // back after every other action (a reboot of a stopped machine fails on a real cloud too).
    for (const name of ordinary) {
      if (name === 'start') continue
      await run(name)
      if (actions.start) await run('start')
    }
    if (actions.start && ordinary.length === 1) await run('start')
    if (ordinary.length > 0) await waitUntilReady(handler(), id, ctx())
    // A final action (terminate) runs on a resource of its own, then the state forgets it.
    for (const name of final) {
      expectRule(
        actions[name],
        'K8-actions',
        () => `finalActions names "${name}", which the ${kind} handler does not declare`,
      )
      const own = uniqueStack('kit-final', kind)
      const made = await engine.up(stackOf(fixture().create, own))
      expectRule(
        made.ok,
        'K8-actions',
        () => `could not make a resource to run "${name}" on: ${errorsOf(made)}`,
      )
      const target = (await idOf(own))!
      try {
        await retryThrottled(provider(), clock(), () =>
          actions[name]!(target, ctx(own), fixture().actionArgs?.[name]),
        )
      } catch (error) {
        expectRule(
          false,
          'K8-actions',
          () => `action "${name}" on ${target} failed: ${(error as Error).message}`,
        )
      }
      // Deleting what the action already removed must succeed (not-found counts as done).
      const cleaned = await engine.destroy(stackOf(fixture().create, own))
      expectRule(
        cleaned.ok,
        'K8-actions',
        () => `after "${name}", deleting ${target} failed: ${errorsOf(cleaned)}`,
      )
    }
  })

  check('K4-replace', 'replaces on a forcing change, new before old', async (context) => {
    const replace = fixture().replace
    if (!replace) {
      notChecked('K4-replace', 'the fixture has no replace', context, kind)
      return
    }
    const plan = await engine.plan(stackOf(replace))
    const change = plan.changes.find((entry) => entry.urn === urn())
    expectRule(
      change?.action === 'replace',
      'K4-replace',
      () => `the forcing change is planned as ${change?.action}:\n${describePlan(plan)}`,
    )
    const result = await engine.apply(plan)
    expectRule(result.ok, 'K4-replace', () => `the replacement failed: ${errorsOf(result)}`)
    const replaced = (await idOf())!
    expectRule(replaced !== id, 'K4-replace', () => `the replacement kept the id ${id}`)
    const old = await retryThrottled(provider(), clock(), () => readOne(handler(), id, ctx()))
    expectRule(!old, 'K4-replace', () => `the old ${id} still exists after the replacement`)
    id = replaced
    current = replace
  })

  check('K9-delete', 'deletes, and the resource reads as gone', async () => {
    const result = await engine.destroy(stackOf(current))
    expectRule(result.ok, 'K9-delete', () => `the delete failed: ${errorsOf(result)}`)
    const read = await retryThrottled(provider(), clock(), () => readOne(handler(), id, ctx())).catch(
      (error: unknown) => {
        const classified = ProviderError.isInstance(error)
          ? error.classification
          : provider().classifyError?.(error).class
        expectRule(
          classified === 'not-found',
          'K9-delete',
          () => `reading the deleted ${id} failed with a ${classified} error, not not-found`,
        )
        return undefined
      },
    )
    expectRule(!read, 'K9-delete', () => `${id} still reads after its delete`)
  })

  check('I1-idempotency', 'makes one resource for two creates with the same idempotency key', async () => {
    const idem = uniqueStack('kit-idem', kind)
    const props = handlerProps(provider(), kind, fixture().create)
    const context = ctx(idem, 'idempotent')
    const first = await retryThrottled(provider(), clock(), () => handler().create(props, context))
    if (first.ready === false) await waitUntilReady(handler(), first.id, context)
    const second = await retryThrottled(provider(), clock(), () => handler().create(props, context))
    try {
      expectRule(
        second.id === first.id,
        'I1-idempotency',
        () => `the same key gave ${first.id}, then ${second.id}`,
      )
      // A kind that cannot be found by tags (K7 skipped) is checked on the ids alone.
      if (handler().find && !fixture().skip?.['K7-find']) {
        const found = await retryThrottled(provider(), clock(), () =>
          handler().find!({ ownership: context.ownership }, context),
        )
        expectRule(
          found.length === 1,
          'I1-idempotency',
          () =>
            `find by ownership sees ${found.length} resources for one key: ${found.map((item) => item.id).join(', ')}`,
        )
      }
    } finally {
      for (const made of new Set([first.id, second.id])) {
        await waitUntilReady(handler(), made, context)
        await retryThrottled(provider(), clock(), () =>
          handler().delete!(made, { props, outputs: first.outputs }, context),
        ).catch(() => {})
      }
    }
  })

  check('E1-not-found', 'reports a missing resource as not found', async () => {
    const missing = fixture().missingId ?? 'skyloom-kit-missing-0'
    const classify = (error: unknown) =>
      ProviderError.isInstance(error) ? error.classification : provider().classifyError?.(error).class
    const read = await retryThrottled(provider(), clock(), () => readOne(handler(), missing, ctx())).catch(
      (error: unknown) => {
        expectRule(
          classify(error) === 'not-found',
          'E1-not-found',
          () => `reading ${missing} failed with a ${classify(error)} error: ${(error as Error).message}`,
        )
        return undefined
      },
    )
    expectRule(!read, 'E1-not-found', () => `reading the made-up id ${missing} returned a resource`)
    if (handler().delete) {
      await retryThrottled(provider(), clock(), () =>
        handler().delete!(missing, { props: {}, outputs: {} }, ctx()),
      ).catch((error: unknown) => {
        expectRule(
          classify(error) === 'not-found',
          'E1-not-found',
          () => `deleting ${missing} failed with a ${classify(error)} error: ${(error as Error).message}`,
        )
      })
    }
  })

  check('C1-cancel', 'leaves no untracked resource when an apply is cancelled', async () => {
    const cancelStack = uniqueStack('kit-cancel', kind)
    const controller = new AbortController()
    const off = engine.events.on('step-start', (event) => {
      if (event.stack === cancelStack) controller.abort()
    })
    await engine.up(stackOf(fixture().create, cancelStack), { signal: controller.signal })
    off()
    // The next run resolves what the cancelled one left in flight; then everything found by
    // ownership must be known to the state.
    await engine.plan(stackOf(fixture().create, cancelStack))
    const context = ctx(cancelStack)
    const found =
      (await retryThrottled(
        provider(),
        clock(),
        async () => (await handler().find?.({ ownership: context.ownership }, context)) ?? [],
      )) ?? []
    const recorded = new Set(
      Object.values((await engine.readState(cancelStack))?.resources ?? {}).map((resource) => resource.id),
    )
    const untracked = found.filter((item) => !recorded.has(item.id))
    expectRule(
      untracked.length === 0,
      'C1-cancel',
      () =>
        `after cancelling and recovering, ${untracked.map((item) => item.id).join(', ')} exist(s) but the state does not know them`,
    )
    const cleaned = await engine.destroy(stackOf(fixture().create, cancelStack))
    expectRule(
      cleaned.ok,
      'C1-cancel',
      () => `destroying what the cancelled apply made failed: ${errorsOf(cleaned)}`,
    )
  })
}
