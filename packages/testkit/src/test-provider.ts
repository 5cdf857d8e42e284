import type { Engine } from '@skyloom/core'
import { ProviderError } from '@skyloom/core/provider'
import { afterAll, beforeAll, describe, it } from 'vitest'
import {
  declare,
  describePlan,
  directContext,
  handlerProps,
  newEngine,
  readOne,
  SUBJECT,
  uniqueStack,
  waitUntilReady,
} from './harness.js'
import type { KindFixture, ProviderUnderTest, TestProviderOptions } from './options.js'
import { expectRule, type RuleId } from './rules.js'

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

  describe(suiteName, () => {
    let subject: ProviderUnderTest
    beforeAll(async () => {
      subject = typeof options.setup === 'function' ? await options.setup() : options.setup
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
          console.warn(
            `[skyloom/testkit] ${suiteName}: E2 not checked: the setup gives no throttle() to provoke one`,
          )
          context.skip()
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
      describe(kind, () => kindSuite(kind, () => subject, timeout, suiteName))
    }
  })
}

function kindSuite(
  kind: string,
  subjectOf: () => ProviderUnderTest,
  timeout: number,
  suiteName: string,
): void {
  let engine: Engine
  let stack: string
  let id: string
  let current: Readonly<Record<string, unknown>>
  const fixture = (): KindFixture => {
    const found = subjectOf().fixtures[kind]
    if (!found)
      throw new Error(`No fixture for kind "${kind}": add fixtures.${kind} with at least create props.`)
    return found
  }
  const provider = () => subjectOf().provider
  const handler = () => provider().kinds[kind]!
  const clock = () => subjectOf().clock
  const urn = () => `${stack}/${kind}/${SUBJECT}`
  const skipped = (rule: RuleId, context: { skip(): void }): boolean => {
    const reason = fixture().skip?.[rule]
    if (!reason) return false
    console.warn(`[skyloom/testkit] ${suiteName}: ${rule} not checked for ${kind}: ${reason}`)
    context.skip()
    return true
  }
  const idOf = async (engineToRead: Engine, stackName = stack) =>
    (await engineToRead.readState(stackName))?.resources[`${stackName}/${kind}/${SUBJECT}`]?.id

  beforeAll(() => {
    engine = newEngine(clock())
    stack = uniqueStack('kit', kind)
    current = fixture().create
  })
  afterAll(async () => {
    // Leave nothing behind if a test failed half-way.
    await engine?.destroy(declare(stack, provider(), kind, current)).catch(() => {})
  }, timeout)

  it(
    'K1 creates and reads back',
    async (context) => {
      if (skipped('K1-create-read', context)) return
      const result = await engine.up(declare(stack, provider(), kind, current))
      expectRule(
        result.ok,
        'K1-create-read',
        () =>
          `the create failed: ${result.steps
            .map((step) => step.error?.message)
            .filter(Boolean)
            .join('; ')}`,
      )
      id = (await idOf(engine))!
      const read = await readOne(handler(), id, directContext(stack, kind, SUBJECT, clock()))
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
    },
    timeout,
  )

  it(
    'K2 plans no change right after applying',
    async (context) => {
      if (skipped('K2-replan-empty', context)) return
      const plan = await engine.plan(declare(stack, provider(), kind, current))
      expectRule(
        plan.steps.length === 0,
        'K2-replan-empty',
        () => `planning again proposes:\n${describePlan(plan)}`,
      )
    },
    timeout,
  )

  it(
    'K7 finds the resource by its ownership tags',
    async (context) => {
      if (skipped('K7-find', context)) return
      const find = handler().find
      expectRule(
        find,
        'K7-find',
        () => `the ${kind} handler has no find; crash recovery and adoption need it`,
      )
      const found = await find.call(
        handler(),
        { ownership: directContext(stack, kind, SUBJECT, clock()).ownership },
        directContext(stack, kind, SUBJECT, clock()),
      )
      expectRule(
        found.some((item) => item.id === id),
        'K7-find',
        () => `find by ownership returned [${found.map((item) => item.id).join(', ')}], not ${id}`,
      )
    },
    timeout,
  )

  it(
    'K3 updates in place',
    async (context) => {
      if (skipped('K3-update-in-place', context)) return
      const update = fixture().update
      if (!update) {
        console.warn(`[skyloom/testkit] ${suiteName}: K3 not checked for ${kind}: the fixture has no update`)
        context.skip()
        return
      }
      const plan = await engine.plan(declare(stack, provider(), kind, update.props))
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
      expectRule(
        result.ok,
        'K3-update-in-place',
        () =>
          `the update failed: ${result.steps
            .map((step) => step.error?.message)
            .filter(Boolean)
            .join('; ')}`,
      )
      current = update.props
      expectRule((await idOf(engine)) === id, 'K3-update-in-place', () => 'the update changed the id')
      const again = await engine.plan(declare(stack, provider(), kind, current), { refresh: true })
      expectRule(
        again.steps.length === 0,
        'K3-update-in-place',
        () => `after the update, a refreshed plan still proposes:\n${describePlan(again)}`,
      )
    },
    timeout,
  )

  it(
    'K5 detects drift made outside Skyloom',
    async (context) => {
      if (skipped('K5-drift', context)) return
      const mutate = subjectOf().mutateOutOfBand
      const field = mutate ? await mutate(kind, id) : undefined
      if (!field) {
        console.warn(
          `[skyloom/testkit] ${suiteName}: K5 not checked for ${kind}: ${mutate ? 'mutateOutOfBand changed nothing for this kind' : 'the setup gives no mutateOutOfBand'}`,
        )
        context.skip()
        return
      }
      const drift = await engine.refresh(declare(stack, provider(), kind, current))
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
      const repaired = await engine.up(declare(stack, provider(), kind, current))
      expectRule(repaired.ok, 'K5-drift', () => 'converging the drift back failed')
      id = (await idOf(engine))!
    },
    timeout,
  )

  it(
    'K6 imports by id',
    async (context) => {
      if (skipped('K6-import', context)) return
      const fresh = newEngine(clock())
      const imported = await fresh.import(declare(stack, provider(), kind, current), `${kind}/${SUBJECT}`, id)
      expectRule(imported.id === id, 'K6-import', () => `import recorded ${imported.id}, not ${id}`)
      const plan = await fresh.plan(declare(stack, provider(), kind, current))
      expectRule(
        plan.steps.length === 0,
        'K6-import',
        () => `after importing ${id}, the plan proposes:\n${describePlan(plan)}`,
      )
    },
    timeout,
  )

  it(
    'K8 runs each declared action',
    async (context) => {
      if (skipped('K8-actions', context)) return
      const actions = handler().actions ?? {}
      const ctx = () => directContext(stack, kind, SUBJECT, clock())
      const run = async (name: string) => {
        try {
          await actions[name]!(id, ctx(), fixture().actionArgs?.[name])
        } catch (error) {
          expectRule(
            false,
            'K8-actions',
            () => `action "${name}" on ${id} failed: ${(error as Error).message}`,
          )
        }
      }
      // Each action runs on a live resource: when there is a `start`, it brings the resource
      // back after every other action (a reboot of a stopped machine fails on a real cloud too).
      for (const name of Object.keys(actions)) {
        if (name === 'start') continue
        await run(name)
        if (actions.start) await run('start')
      }
      if (actions.start && Object.keys(actions).length === 1) await run('start')
      if (Object.keys(actions).length > 0) await waitUntilReady(handler(), id, ctx())
    },
    timeout,
  )

  it(
    'K4 replaces on a forcing change, new before old',
    async (context) => {
      if (skipped('K4-replace', context)) return
      const replace = fixture().replace
      if (!replace) {
        console.warn(`[skyloom/testkit] ${suiteName}: K4 not checked for ${kind}: the fixture has no replace`)
        context.skip()
        return
      }
      const plan = await engine.plan(declare(stack, provider(), kind, replace))
      const change = plan.changes.find((entry) => entry.urn === urn())
      expectRule(
        change?.action === 'replace',
        'K4-replace',
        () => `the forcing change is planned as ${change?.action}:\n${describePlan(plan)}`,
      )
      const result = await engine.apply(plan)
      expectRule(
        result.ok,
        'K4-replace',
        () =>
          `the replacement failed: ${result.steps
            .map((step) => step.error?.message)
            .filter(Boolean)
            .join('; ')}`,
      )
      const replaced = (await idOf(engine))!
      expectRule(replaced !== id, 'K4-replace', () => `the replacement kept the id ${id}`)
      const old = await readOne(handler(), id, directContext(stack, kind, SUBJECT, clock()))
      expectRule(!old, 'K4-replace', () => `the old ${id} still exists after the replacement`)
      id = replaced
      current = replace
    },
    timeout,
  )

  it(
    'K9 deletes, and the resource reads as gone',
    async (context) => {
      if (skipped('K9-delete', context)) return
      const result = await engine.destroy(declare(stack, provider(), kind, current))
      expectRule(
        result.ok,
        'K9-delete',
        () =>
          `the delete failed: ${result.steps
            .map((step) => step.error?.message)
            .filter(Boolean)
            .join('; ')}`,
      )
      const read = await readOne(handler(), id, directContext(stack, kind, SUBJECT, clock())).catch(
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
    },
    timeout,
  )

  it(
    'I1 makes one resource for two creates with the same idempotency key',
    async (context) => {
      if (skipped('I1-idempotency', context)) return
      const name = 'idempotent'
      const idem = uniqueStack('kit-idem', kind)
      const props = handlerProps(provider(), kind, fixture().create)
      const ctx = directContext(idem, kind, name, clock())
      const first = await handler().create(props, ctx)
      if (first.ready === false) await waitUntilReady(handler(), first.id, ctx)
      const second = await handler().create(props, ctx)
      try {
        expectRule(
          second.id === first.id,
          'I1-idempotency',
          () => `the same key gave ${first.id}, then ${second.id}`,
        )
        if (handler().find) {
          const found = await handler().find!({ ownership: ctx.ownership }, ctx)
          expectRule(
            found.length === 1,
            'I1-idempotency',
            () =>
              `find by ownership sees ${found.length} resources for one key: ${found.map((item) => item.id).join(', ')}`,
          )
        }
      } finally {
        for (const made of new Set([first.id, second.id])) {
          await waitUntilReady(handler(), made, ctx)
          await handler()
            .delete?.(made, { props, outputs: first.outputs }, ctx)
            .catch(() => {})
        }
      }
    },
    timeout,
  )

  it(
    'E1 reports a missing resource as not found',
    async (context) => {
      if (skipped('E1-not-found', context)) return
      const missing = fixture().missingId ?? 'skyloom-kit-missing-0'
      const ctx = directContext(stack, kind, SUBJECT, clock())
      const classify = (error: unknown) =>
        ProviderError.isInstance(error) ? error.classification : provider().classifyError?.(error).class
      const read = await readOne(handler(), missing, ctx).catch((error: unknown) => {
        expectRule(
          classify(error) === 'not-found',
          'E1-not-found',
          () => `reading ${missing} failed with a ${classify(error)} error: ${(error as Error).message}`,
        )
        return undefined
      })
      expectRule(!read, 'E1-not-found', () => `reading the made-up id ${missing} returned a resource`)
      if (handler().delete) {
        await handler().delete!(missing, { props: {}, outputs: {} }, ctx).catch((error: unknown) => {
          expectRule(
            classify(error) === 'not-found',
            'E1-not-found',
            () => `deleting ${missing} failed with a ${classify(error)} error: ${(error as Error).message}`,
          )
        })
      }
    },
    timeout,
  )

  it(
    'C1 leaves no untracked resource when an apply is cancelled',
    async (context) => {
      if (skipped('C1-cancel', context)) return
      const cancelStack = uniqueStack('kit-cancel', kind)
      const cancelling = newEngine(clock())
      const controller = new AbortController()
      cancelling.events.on('step-start', () => controller.abort())
      await cancelling.up(declare(cancelStack, provider(), kind, fixture().create), {
        signal: controller.signal,
      })
      // The next run resolves what the cancelled one left in flight, then everything found by
      // ownership must be known to the state.
      const recovered = cancelling
      await recovered.plan(declare(cancelStack, provider(), kind, fixture().create))
      const ctx = directContext(cancelStack, kind, SUBJECT, clock())
      const found = (await handler().find?.({ ownership: ctx.ownership }, ctx)) ?? []
      const recorded = new Set(
        Object.values((await recovered.readState(cancelStack))?.resources ?? {}).map(
          (resource) => resource.id,
        ),
      )
      const untracked = found.filter((item) => !recorded.has(item.id))
      expectRule(
        untracked.length === 0,
        'C1-cancel',
        () =>
          `after cancelling and recovering, ${untracked.map((item) => item.id).join(', ')} exist(s) but the state does not know them`,
      )
      const cleaned = await recovered.destroy(declare(cancelStack, provider(), kind, fixture().create))
      expectRule(cleaned.ok, 'C1-cancel', () => 'destroying what the cancelled apply made failed')
    },
    timeout,
  )
}
