import { randomUUID } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { hostname, userInfo } from 'node:os'
import { type Clock, systemClock } from '../clock/clock.js'
import { ProviderError } from '../errors/provider-error.js'
import { StalePlanError } from '../errors/stale-plan-error.js'
import { StateError } from '../errors/state-error.js'
import { ValidationError } from '../errors/validation-error.js'
import { EventBus } from '../events/event-bus.js'
import type { EngineEvent, StepOutcome } from '../events/types.js'
import { parseDuration } from '../model/duration.js'
import { isPlainObject, isSecret } from '../model/secret.js'
import type { Stack } from '../model/stack.js'
import { plan as planStack } from '../plan/planner.js'
import { renderPlanJson } from '../plan/serialize.js'
import type { Plan } from '../plan/types.js'
import { validateStack } from '../plan/validate.js'
import { type NormalizedHandler, type NormalizedProvider, normalizeProvider } from '../provider/normalize.js'
import { renderApplyReport } from '../report/index.js'
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../scheduler/backoff.js'
import type { ScopeStats } from '../scheduler/scope-limiter.js'
import { Semaphore } from '../scheduler/semaphore.js'
import { fileState } from '../state/file-store.js'
import type { HistoryEntry, StateStore } from '../state/store.js'
import type { ResourceState, StackState } from '../state/types.js'
import { CallRunner } from './calls.js'
import { clockHeldStore } from './clock-held-store.js'
import { type ContextDeps, operationContext, silentLogger } from './contexts.js'
import { executePlan } from './execute.js'
import { ReadBatcher } from './read-batcher.js'
import { recoverPending } from './recovery.js'
import { refreshResources } from './refresh.js'
import { Session } from './session.js'
import type {
  AdoptResult,
  ApplyOptions,
  ApplyResult,
  EngineOptions,
  RefreshResult,
  StepResult,
  UpOptions,
} from './types.js'
import { mergeObserved, resolveRefs, sealSecrets } from './values.js'

/** The in-process engine: plans, applies, refreshes and imports stacks against their clouds. */
export interface Engine {
  /** Typed events of every operation: `engine.events.on('step-end', …)` or `for await (… of engine.events.stream())`. */
  readonly events: EventBus
  readonly store: StateStore
  readonly clock: Clock
  /**
   * Plans the stack against its state. Interrupted operations are resolved first (under the
   * stack's lock), and resources whose readiness was never confirmed are read. With
   * `refresh`, every resource is read from the cloud first, so drift shows as changes.
   */
  plan(stack: Stack, options?: { refresh?: boolean; mode?: 'update' | 'destroy' }): Promise<Plan>
  /** Applies a plan. Fails with StalePlanError when the state moved since the plan was made. */
  apply(plan: Plan, options?: ApplyOptions): Promise<ApplyResult>
  /** Plans and applies under one lock. */
  up(stack: Stack, options?: UpOptions): Promise<ApplyResult>
  /** Deletes every resource of the stack (those with retainOnDelete are forgotten instead). */
  destroy(stack: Stack, options?: Omit<UpOptions, 'refresh'>): Promise<ApplyResult>
  /** Reads every resource from its cloud, records what is there, and reports drift per field. */
  refresh(stack: Stack, options?: { signal?: AbortSignal }): Promise<RefreshResult>
  /** Brings an existing cloud resource under management as the stack's resource `urn` (or `kind/name`). */
  import(stack: Stack, urn: string, id: string): Promise<ResourceState>
  /** Adopts resources of the stack that exist in the cloud (found by ownership tags) but not in the state. */
  adopt(stack: Stack): Promise<AdoptResult>
  /** The stack's current state (undefined if it was never applied). */
  readState(stack: string): Promise<StackState | undefined>
  /** Outputs of every resource, by URN. */
  outputs(stack: string): Promise<Record<string, Record<string, unknown>>>
  /** Saved versions of the stack's state, newest first. */
  history(stack: string): Promise<HistoryEntry[]>
  /**
   * Makes an earlier saved version the current state (as a new version; nothing is lost). The
   * next plan then converges the cloud on whatever the stack declares.
   */
  restore(stack: string, version: number): Promise<StackState>
  /** Breaks the stack's lock whoever holds it; returns who did. */
  forceUnlock(
    stack: string,
  ): Promise<ReturnType<StateStore['forceUnlock']> extends Promise<infer T> ? T : never>
  /** Calls and throttles per rate-limit scope since the engine was made. */
  apiCalls(): Record<string, ScopeStats>
}

const planStacks = new WeakMap<Plan, Stack>()

/** Creates an engine. Several stacks may run at once; each is guarded by its own lock. */
export function createEngine(options: EngineOptions = {}): Engine {
  const clock = options.clock ?? systemClock
  const store = clockHeldStore(options.state ?? fileState(), clock)
  const logger = options.logger ?? silentLogger
  const events = new EventBus(clock)
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry }
  const random = options.random ?? Math.random
  const calls = new CallRunner(
    clock,
    new Semaphore(options.maxConcurrentCalls ?? 256),
    policy,
    random,
    (event) => events.emit(event),
  )
  const duration = (value: EngineOptions['lockLease'], fallback: number, name: string): number => {
    if (value === undefined) return fallback
    const parsed = parseDuration(value)
    if (parsed === undefined)
      throw new TypeError(
        `createEngine: ${name} ${JSON.stringify(value)} is not a duration (ms, or text like "90s")`,
      )
    return parsed
  }
  const leaseMs = duration(options.lockLease, 60_000, 'lockLease')
  const lockWaitMs = duration(options.lockTimeout, 0, 'lockTimeout')
  const defaultTimeoutMs = duration(options.defaultTimeout, 30 * 60_000, 'defaultTimeout')
  const owner = options.owner ?? `${safeUser()}@${hostname()}`
  const batchers = new Map<string, ReadBatcher>()

  const providersOf = (stack: Stack): Map<string, NormalizedProvider> =>
    new Map(stack.providers.map((raw) => [normalizeProvider(raw).key, normalizeProvider(raw)]))

  const open = (stack: string, operation: string, operationId: string) =>
    Session.open({ store, clock, events, owner, leaseMs, lockWaitMs }, stack, operation, operationId)

  const contextDeps = (stack: string): ContextDeps => ({ stack, clock, logger, calls, events })

  const batcherFor =
    (stack: string) =>
    (provider: NormalizedProvider, handler: NormalizedHandler): ReadBatcher => {
      const key = `${stack}\u0000${provider.key}\u0000${handler.kind}`
      let batcher = batchers.get(key)
      if (!batcher) {
        batcher = new ReadBatcher(provider, handler, calls, clock, (urn, signal) =>
          operationContext(contextDeps(stack), provider, urn, signal, undefined),
        )
        batchers.set(key, batcher)
      }
      return batcher
    }

  /** Resolves interrupted intents and reads resources whose readiness was never confirmed. */
  const prepare = async (
    session: Session,
    stack: Stack,
    operationId: string,
    refreshAll: boolean,
  ): Promise<void> => {
    const providers = providersOf(stack)
    const deps = { ...contextDeps(stack.name), session, providers, operationId }
    if (Object.keys(session.state.pending).length > 0) await recoverPending(deps)
    const needsRead = (resource: ResourceState) => refreshAll || resource.status === 'pending'
    if (Object.values(session.state.resources).some(needsRead)) await refreshResources(deps, needsRead)
  }

  const needsPreparation = (state: StackState | undefined, refresh: boolean): boolean =>
    state !== undefined &&
    (refresh ||
      Object.keys(state.pending).length > 0 ||
      Object.values(state.resources).some((resource) => resource.status === 'pending'))

  /**
   * Runs an operation and, when a report is asked for, collects its events and writes the
   * apply report once it ends.
   */
  const reporting = async (
    operationId: string,
    target: ApplyOptions['report'],
    operation: () => Promise<ApplyResult>,
  ): Promise<ApplyResult> => {
    if (!target) return operation()
    const collected: EngineEvent[] = []
    const off = events.on('event', (event) => {
      if (event.operationId === operationId) collected.push(event)
    })
    let result: ApplyResult
    try {
      result = await operation()
    } finally {
      off()
    }
    const html = renderApplyReport({ plan: result.plan, result, events: collected })
    if (typeof target === 'function') await target(html)
    else await writeFile(target, html)
    return result
  }

  const execute = async (
    session: Session,
    stack: Stack,
    plan: Plan,
    operationId: string,
    applyOptions: Omit<ApplyOptions, 'stack'>,
  ): Promise<ApplyResult> => {
    const startedAt = clock.now()
    const before = calls.stats()
    events.emit({
      type: 'apply-start',
      stack: stack.name,
      operationId,
      steps: plan.steps.length,
      stateVersion: plan.stateVersion,
    })
    const steps: StepResult[] = await executePlan(
      plan,
      {
        ...contextDeps(stack.name),
        session,
        providers: providersOf(stack),
        batcher: batcherFor(stack.name),
        operationId,
        defaultTimeoutMs,
        policy,
      },
      applyOptions,
    )
    await session.compact(plan.mode === 'destroy' ? 'destroy' : 'apply')
    const counts: Record<StepOutcome, number> = { done: 0, noop: 0, failed: 0, skipped: 0, cancelled: 0 }
    for (const step of steps) counts[step.outcome]++
    const outcome =
      counts.cancelled > 0 ? 'cancelled' : counts.failed > 0 || counts.skipped > 0 ? 'failed' : 'succeeded'
    const durationMs = clock.now() - startedAt
    events.emit({
      type: 'apply-end',
      stack: stack.name,
      operationId,
      outcome,
      counts,
      durationMs,
      stateVersion: session.state.version,
    })
    return {
      stack: stack.name,
      operationId,
      ok: outcome === 'succeeded',
      outcome,
      steps,
      counts,
      startedAt,
      durationMs,
      stateVersion: session.state.version,
      apiCalls: diffStats(before, calls.stats()),
      outputs: Object.fromEntries(
        Object.values(session.state.resources).map((resource) => [resource.urn, resource.outputs]),
      ),
      plan,
    }
  }

  const run = async (
    stack: Stack,
    mode: 'update' | 'destroy',
    runOptions: UpOptions,
  ): Promise<ApplyResult> => {
    const operationId = randomUUID()
    return reporting(operationId, runOptions.report, async () => {
      const session = await open(stack.name, mode === 'destroy' ? 'destroy' : 'up', operationId)
      try {
        events.emit({
          type: 'plan-start',
          stack: stack.name,
          operationId,
          mode,
          refresh: runOptions.refresh === true,
        })
        await prepare(session, stack, operationId, runOptions.refresh === true)
        const plan = await planStack(stack, session.snapshot(), { mode, now: () => clock.now() })
        events.emit({
          type: 'plan-end',
          stack: stack.name,
          operationId,
          summary: plan.summary,
          stateVersion: plan.stateVersion,
        })
        planStacks.set(plan, stack)
        return await execute(session, stack, plan, operationId, runOptions)
      } finally {
        await session.close()
      }
    })
  }

  const engine: Engine = {
    events,
    store,
    clock,

    async plan(stack, planOptions = {}) {
      const operationId = randomUUID()
      const mode = planOptions.mode ?? 'update'
      events.emit({
        type: 'plan-start',
        stack: stack.name,
        operationId,
        mode,
        refresh: planOptions.refresh === true,
      })
      let state = await store.read(stack.name)
      if (needsPreparation(state, planOptions.refresh === true)) {
        const session = await open(stack.name, planOptions.refresh ? 'refresh' : 'recover', operationId)
        try {
          await prepare(session, stack, operationId, planOptions.refresh === true)
          await session.compact(planOptions.refresh ? 'refresh' : 'recover')
          state = session.snapshot()
        } finally {
          await session.close()
        }
      }
      const plan = await planStack(stack, state, { mode, now: () => clock.now() })
      events.emit({
        type: 'plan-end',
        stack: stack.name,
        operationId,
        summary: plan.summary,
        stateVersion: plan.stateVersion,
      })
      planStacks.set(plan, stack)
      return plan
    },

    async apply(plan, applyOptions = {}) {
      const stack = applyOptions.stack ?? planStacks.get(plan)
      if (!stack) {
        throw new ValidationError(
          [
            {
              path: plan.stack,
              rule: 'plan-without-stack',
              message:
                'this plan was not made by this engine (read back from JSON?): pass the stack, engine.apply(plan, { stack })',
            },
          ],
          'plan',
        )
      }
      if (stack.name !== plan.stack) {
        throw new ValidationError(
          [
            {
              path: plan.stack,
              rule: 'plan-stack',
              message: `the plan is for stack "${plan.stack}", not "${stack.name}"`,
            },
          ],
          'plan',
        )
      }
      const operationId = randomUUID()
      return reporting(operationId, applyOptions.report, async () => {
        const session = await open(stack.name, plan.mode === 'destroy' ? 'destroy' : 'apply', operationId)
        try {
          if (session.state.version !== plan.stateVersion)
            throw new StalePlanError(stack.name, plan.stateVersion, session.state.version)
          let runnable = plan
          if (!planStacks.has(plan) && hasUnknownSecrets(plan)) {
            // A plan read back from JSON carries no secret values: re-plan and insist it is the same plan.
            const fresh = await planStack(stack, session.snapshot(), {
              mode: plan.mode,
              now: () => Date.parse(plan.createdAt),
            })
            if (renderPlanJson(fresh) !== renderPlanJson(plan)) {
              throw new StalePlanError(stack.name, plan.stateVersion, session.state.version)
            }
            runnable = fresh
          }
          return await execute(session, stack, runnable, operationId, applyOptions)
        } finally {
          await session.close()
        }
      })
    },

    up: (stack, upOptions = {}) => run(stack, 'update', upOptions),
    destroy: (stack, destroyOptions = {}) => run(stack, 'destroy', destroyOptions),

    async refresh(stack, refreshOptions = {}) {
      const operationId = randomUUID()
      const session = await open(stack.name, 'refresh', operationId)
      try {
        const providers = providersOf(stack)
        const deps = { ...contextDeps(stack.name), session, providers, operationId }
        if (Object.keys(session.state.pending).length > 0) await recoverPending(deps)
        void refreshOptions
        const resources = await refreshResources(deps)
        await session.compact('refresh')
        return {
          stack: stack.name,
          operationId,
          resources,
          drifted: resources.filter(
            (resource) => resource.status === 'drifted' || resource.status === 'deleted',
          ),
          stateVersion: session.state.version,
        }
      } finally {
        await session.close()
      }
    },

    async import(stack, target, id) {
      const urn = target.split('/').length === 2 ? `${stack.name}/${target}` : target
      const operationId = randomUUID()
      const validation = await validateStack(stack)
      const declared = validation.byUrn.get(urn)
      if (!declared) {
        const reason = validation.issues.find((issue) => issue.path.startsWith(urn))?.message
        throw new ValidationError(
          [
            {
              path: urn,
              rule: 'import-undeclared',
              message: reason ?? `declare ${urn} in the stack before importing a cloud resource as it`,
            },
          ],
          'import',
        )
      }
      const session = await open(stack.name, 'import', operationId)
      try {
        const existing = session.state.resources[urn]
        if (existing) {
          throw new StateError(
            `${urn} is already managed (id ${existing.id}); importing ${id} would orphan it. Remove it from the state first.`,
          )
        }
        const resource = await readAsResource(session, stack, declared, id, operationId)
        if (!resource) {
          throw new ProviderError({
            provider: declared.provider.key,
            operation: 'import',
            urn,
            class: 'not-found',
            message: `no ${declared.kind} with id ${id} exists; check the id and the provider's region/account`,
          })
        }
        await session.record([{ type: 'put', resource }])
        await session.compact('import')
        return resource
      } finally {
        await session.close()
      }
    },

    async adopt(stack) {
      const operationId = randomUUID()
      const validation = await validateStack(stack)
      const session = await open(stack.name, 'adopt', operationId)
      const adopted: Array<{ urn: string; id: string }> = []
      try {
        for (const declared of validation.resources) {
          if (session.state.resources[declared.urn] || !declared.handler.canFind) continue
          const deps = contextDeps(stack.name)
          const found = await calls.call(
            {
              provider: declared.provider,
              scope: declared.handler.traits('find').scope,
              operation: 'find',
              urn: declared.urn,
              priority: 0,
              signal: session.signal,
            },
            () =>
              declared.handler.find(
                {
                  ownership: {
                    stack: stack.name,
                    urn: declared.urn,
                    tags: { 'skyloom-stack': stack.name, 'skyloom-urn': declared.urn },
                  },
                },
                operationContext(deps, declared.provider, declared.urn, session.signal, undefined),
              ),
          )
          const [first] = found
          if (!first) continue
          if (found.length > 1) {
            events.emit({
              type: 'warning',
              stack: stack.name,
              operationId,
              urn: declared.urn,
              message: `${found.length} resources carry this URN's ownership tags (${found.map((item) => item.id).join(', ')}); adopted ${first.id}, left the others alone`,
            })
          }
          const resource = await readAsResource(session, stack, declared, first.id, operationId)
          if (!resource) continue
          await session.record([{ type: 'put', resource }])
          adopted.push({ urn: declared.urn, id: first.id })
        }
        await session.compact('adopt')
        return { adopted, stateVersion: session.state.version }
      } finally {
        await session.close()
      }
    },

    readState: (stack) => store.read(stack),

    async outputs(stack) {
      const state = await store.read(stack)
      return Object.fromEntries(
        Object.values(state?.resources ?? {}).map((resource) => [resource.urn, { ...resource.outputs }]),
      )
    },

    history: (stack) => store.history(stack),

    async restore(stack, version) {
      const operationId = randomUUID()
      const session = await open(stack, 'restore', operationId)
      try {
        const saved = await store.snapshot(stack, version)
        await session.record([{ type: 'restore', from: version, state: saved }])
        await session.compact(`restore v${version}`)
        return session.snapshot()
      } finally {
        await session.close()
      }
    },

    forceUnlock: (stack) => store.forceUnlock(stack),
    apiCalls: () => calls.stats(),
  }

  /**
   * Reads a cloud resource and makes the state record for it: the cloud's values win for the
   * props it reports; the rest are taken from the declaration (clouds cannot read back
   * everything, user data for one).
   */
  async function readAsResource(
    session: Session,
    stack: Stack,
    declared: Awaited<ReturnType<typeof validateStack>>['resources'][number],
    id: string,
    operationId: string,
  ): Promise<ResourceState | undefined> {
    const { provider, handler } = declared
    if (!handler.canRead) {
      throw new ValidationError(
        [
          {
            path: declared.urn,
            rule: 'import-unreadable',
            message: `provider "${provider.key}" cannot read a ${declared.kind}, so it cannot be imported`,
          },
        ],
        'import',
      )
    }
    const read = (
      await calls.call(
        {
          provider,
          scope: handler.traits('read').scope,
          operation: 'read',
          urn: declared.urn,
          priority: 0,
          signal: session.signal,
        },
        () =>
          handler.readMany(
            [id],
            operationContext(contextDeps(stack.name), provider, declared.urn, session.signal, undefined),
          ),
      )
    ).get(id)
    if (!read) return undefined
    void operationId
    const desired = resolveRefs(declared.props, session.state).props
    const known = Object.fromEntries(Object.entries(desired).filter(([, value]) => value !== undefined))
    const props = sealSecrets(mergeObserved(known, read.props as Record<string, unknown>), session.state.salt)
    const at = new Date(clock.now()).toISOString()
    return {
      urn: declared.urn,
      kind: declared.kind,
      name: declared.name,
      provider: provider.key,
      id,
      props,
      outputs: sealSecrets(read.outputs, session.state.salt),
      dependencies: declared.dependencies,
      status: read.status === 'failed' ? 'tainted' : read.status === 'pending' ? 'pending' : 'ready',
      ...(declared.options.protect ? { protect: true } : {}),
      ...(declared.options.retainOnDelete ? { retainOnDelete: true } : {}),
      createdAt: at,
      updatedAt: at,
    }
  }

  return engine
}

function hasUnknownSecrets(plan: Plan): boolean {
  const walk = (value: unknown): boolean => {
    if (isSecret(value)) return !value.known
    if (Array.isArray(value)) return value.some(walk)
    if (isPlainObject(value)) return Object.values(value).some(walk)
    return false
  }
  return plan.changes.some((change) => walk(change.props))
}

function diffStats(
  before: Record<string, ScopeStats>,
  after: Record<string, ScopeStats>,
): Record<string, ScopeStats> {
  const out: Record<string, ScopeStats> = {}
  for (const [key, stats] of Object.entries(after)) {
    const calls = stats.calls - (before[key]?.calls ?? 0)
    const throttled = stats.throttled - (before[key]?.throttled ?? 0)
    if (calls > 0 || throttled > 0) out[key] = { calls, throttled }
  }
  return out
}

function safeUser(): string {
  try {
    return userInfo().username
  } catch {
    return 'unknown'
  }
}
