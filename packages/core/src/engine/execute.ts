import { randomUUID } from 'node:crypto'
import PQueue from 'p-queue'
import { systemClock } from '../clock/clock.js'
import { CancelledError } from '../errors/cancelled-error.js'
import { ProviderError } from '../errors/provider-error.js'
import { SkyloomError } from '../errors/skyloom-error.js'
import { StateError } from '../errors/state-error.js'
import { TimeoutError } from '../errors/timeout-error.js'
import { ValidationError } from '../errors/validation-error.js'
import type { StepOutcome } from '../events/types.js'
import { isPlainObject } from '../model/secret.js'
import { remainingPath } from '../plan/graph.js'
import type { Plan, PlanStep, ResourceChange } from '../plan/types.js'
import type { MutationContext } from '../provider/contract.js'
import type { NormalizedHandler, NormalizedProvider } from '../provider/normalize.js'
import type { RetryPolicy } from '../scheduler/backoff.js'
import { runDag } from '../scheduler/dag-runner.js'
import { DeadlineWatcher } from '../scheduler/deadline-watcher.js'
import { Slicer } from '../scheduler/slicer.js'
import type { JournalDraft } from '../state/journal.js'
import type { PendingIntent, ResourceState } from '../state/types.js'
import type { StepCallContext } from './calls.js'
import { type ContextDeps, mutationContext } from './contexts.js'
import type { ReadBatcher } from './read-batcher.js'
import type { Session } from './session.js'
import type { StepResult } from './types.js'
import { changedKeys, type PreparedProps, prepareProps, revealForProvider, sealSecrets } from './values.js'

export interface ExecuteDeps extends ContextDeps {
  readonly session: Session
  readonly providers: ReadonlyMap<string, NormalizedProvider>
  readonly batcher: (provider: NormalizedProvider, handler: NormalizedHandler) => ReadBatcher
  readonly operationId: string
  readonly defaultTimeoutMs: number
  readonly policy: RetryPolicy
}

interface StepRun {
  readonly step: PlanStep
  readonly change: ResourceChange | undefined
  readonly provider: NormalizedProvider
  readonly handler: NormalizedHandler | undefined
  readonly priority: number
  readonly signal: AbortSignal
  /** Aborts waiting at a scope gate (cancel, timeout, failFast); `signal` aborts the call itself. */
  readonly gate: AbortSignal
  readonly call: StepCallContext
  readonly cancelled: AbortSignal
}

/** Steps running at once per rate-limit scope; the rest wait their turn in priority order. */
const MAX_ACTIVE_PER_SCOPE = 512

/** Failures that certainly made nothing in the cloud: their intent can be closed at once. */
const CLEAN_CLASSES = new Set(['invalid', 'quota', 'throttled', 'not-found', 'conflict'])

/**
 * Runs a plan's steps as a DAG: critical path first (priority = longest remaining path of
 * expected durations), each cloud mutation bracketed by journal entries, readiness waits
 * batched, failures isolated to their descendants.
 */
export async function executePlan(
  plan: Plan,
  deps: ExecuteDeps,
  options: { signal?: AbortSignal; failFast?: boolean },
): Promise<StepResult[]> {
  const changes = new Map(plan.changes.map((change) => [change.urn, change]))
  const dependents = new Map<string, string[]>()
  for (const step of plan.steps) {
    for (const dependency of step.dependsOn) {
      const list = dependents.get(dependency) ?? []
      list.push(step.id)
      dependents.set(dependency, list)
    }
  }
  const byId = new Map(plan.steps.map((step) => [step.id, step]))
  const priorities = remainingPath(
    plan.steps.map((step) => step.id),
    (id) => byId.get(id)?.expectedMs ?? 0,
    (id) => dependents.get(id) ?? [],
  )
  // One listener for the whole run, not one per step: cancelling aborts every running step's
  // controllers; failFast aborts only their gates (calls already made finish).
  const cancelSignal = options.signal
    ? AbortSignal.any([deps.session.signal, options.signal])
    : deps.session.signal
  const active = new Set<{ signal: AbortController; gate: AbortController }>()
  let failFastReason: CancelledError | undefined
  cancelSignal.addEventListener(
    'abort',
    () => {
      for (const controls of active) {
        controls.signal.abort(cancelSignal.reason)
        controls.gate.abort(cancelSignal.reason)
      }
    },
    { once: true },
  )
  const watcher = new DeadlineWatcher(deps.clock)
  // On real time, steps released together (a journal write makes hundreds of intents durable
  // at once) go on in slices, so the event loop keeps turning. Virtual clocks keep the exact,
  // repeatable order they promise.
  const slicer = deps.clock === systemClock ? new Slicer() : undefined
  // Steps are admitted per scope (of their first call), highest priority first, at most
  // MAX_ACTIVE_PER_SCOPE at a time: memory stays bounded on huge plans, and steps waiting for
  // one scope never hold back another.
  const admissions = new Map<string, PQueue>()
  const scopeOf = (step: PlanStep): string => {
    const handler = deps.providers.get(step.provider)?.kinds.get(step.kind)
    const scope =
      step.operation === 'forget' || step.operation === 'record'
        ? 'state'
        : (handler?.traits(step.operation).scope ?? 'unknown')
    return `${step.provider}/${scope}`
  }
  const admit = <T>(step: PlanStep, priority: number, body: () => Promise<T>): Promise<T> => {
    const key = scopeOf(step)
    let queue = admissions.get(key)
    if (!queue) {
      queue = new PQueue({ concurrency: MAX_ACTIVE_PER_SCOPE })
      admissions.set(key, queue)
    }
    return queue.add(body, { priority }) as Promise<T>
  }
  const results = new Map<string, StepResult>()
  const started = new Set<string>()
  let index = 0

  const nodes = plan.steps.map((step) => ({
    id: step.id,
    dependsOn: step.dependsOn,
    priority: priorities.get(step.id) ?? 0,
    step,
  }))
  await runDag(nodes, {
    signal: cancelSignal,
    failFast: options.failFast === true,
    execute: (node) => {
      started.add(node.id)
      return admit(node.step, node.priority, () => runStep(node.step, node.priority, index++)).catch(
        (error: unknown) => {
          if (options.failFast && !failFastReason) {
            failFastReason = new CancelledError(`Cancelled because ${node.id} failed (failFast).`)
            for (const controls of active) controls.gate.abort(failFastReason)
          }
          throw error
        },
      )
    },
    onSettled: (node, result) => {
      if (started.has(node.id)) return
      const outcome = result.outcome
      const base = stepEventBase(node.step, `${deps.operationId}/-`)
      deps.events.emit({
        type: 'step-end',
        ...base,
        outcome,
        durationMs: 0,
        ...(result.skippedBecause ? { skippedBecause: result.skippedBecause } : {}),
      })
      results.set(node.id, {
        stepId: node.id,
        urn: node.step.urn,
        operation: node.step.operation,
        scope: scopeOf(node.step),
        ...(node.step.replacement ? { replacement: node.step.replacement } : {}),
        outcome,
        durationMs: 0,
        retries: 0,
        ...(result.skippedBecause ? { skippedBecause: result.skippedBecause } : {}),
      })
    },
  })
  return plan.steps.map((step) => results.get(step.id)!)

  function stepEventBase(step: PlanStep, correlationId: string) {
    return {
      stack: deps.stack,
      operationId: deps.operationId,
      stepId: step.id,
      urn: step.urn,
      operation: step.operation,
      correlationId,
    }
  }

  async function runStep(step: PlanStep, priority: number, ordinal: number): Promise<'done' | 'noop'> {
    const correlationId = `${deps.operationId}/${ordinal}`
    const base = stepEventBase(step, correlationId)
    const startedAt = deps.clock.now()
    deps.events.emit({
      type: 'step-start',
      ...base,
      ...(step.replacement ? { replacement: step.replacement } : {}),
    })
    deps.logger.debug({ ...base }, `${step.operation} ${step.urn}`)
    const change = changes.get(step.urn)
    const operationTimeout =
      step.operation === 'create' || step.operation === 'update' || step.operation === 'delete'
        ? (change?.options.timeouts[step.operation] ?? deps.defaultTimeoutMs)
        : deps.defaultTimeoutMs
    const controls = { signal: new AbortController(), gate: new AbortController() }
    if (cancelSignal.aborted) {
      controls.signal.abort(cancelSignal.reason)
      controls.gate.abort(cancelSignal.reason)
    } else if (failFastReason) {
      controls.gate.abort(failFastReason)
    }
    active.add(controls)
    let timedOut = false
    const unwatch = watcher.watch(startedAt + operationTimeout, () => {
      timedOut = true
      const reason = new TimeoutError(step.urn, step.operation, operationTimeout)
      controls.signal.abort(reason)
      controls.gate.abort(reason)
    })
    const signal = controls.signal.signal
    const gate = controls.gate.signal
    const call: StepCallContext = { ...base, retriesLeft: deps.policy.stepBudget }
    let outcome: StepOutcome = 'done'
    let failure: SkyloomError | undefined
    try {
      const provider = deps.providers.get(step.provider)
      if (!provider) {
        throw new ValidationError(
          [
            {
              path: step.urn,
              rule: 'missing-provider',
              message: `the plan uses provider "${step.provider}", which the stack does not configure`,
            },
          ],
          'apply',
        )
      }
      const run: StepRun = {
        step,
        change,
        provider,
        handler: provider.kinds.get(step.kind),
        priority,
        signal,
        gate,
        call,
        cancelled: cancelSignal,
      }
      outcome = await perform(run)
      return outcome as 'done' | 'noop'
    } catch (error) {
      const cancelled = (options.signal?.aborted === true || failFastReason !== undefined) && !timedOut
      outcome = cancelled ? 'cancelled' : 'failed'
      failure = asSkyloomError(error, step)
      deps.logger[cancelled ? 'warn' : 'error'](
        { ...base, code: failure.code },
        deps.session.redactor.redact(failure.message),
      )
      throw failure
    } finally {
      unwatch()
      active.delete(controls)
      const durationMs = deps.clock.now() - startedAt
      const retries = deps.policy.stepBudget - call.retriesLeft
      deps.events.emit({
        type: 'step-end',
        ...base,
        outcome,
        durationMs,
        ...(failure
          ? { error: { code: failure.code, message: deps.session.redactor.redact(failure.message) } }
          : {}),
      })
      results.set(step.id, {
        stepId: step.id,
        urn: step.urn,
        operation: step.operation,
        scope: scopeOf(step),
        ...(step.replacement ? { replacement: step.replacement } : {}),
        outcome,
        startedAt,
        durationMs,
        retries,
        ...(failure ? { error: failure } : {}),
      })
    }
  }

  function perform(run: StepRun): Promise<'done' | 'noop'> {
    switch (run.step.operation) {
      case 'create':
        return create(run)
      case 'update':
        return update(run)
      case 'delete':
        return remove(run)
      case 'forget':
        return forget(run)
      case 'record':
        return recordOnly(run)
    }
  }

  /**
   * Journals the intent of a cloud mutation and waits until it is durable (only then may the
   * cloud be called), then gives the idempotency key and the provider's context.
   */
  async function openIntent(
    run: StepRun,
    operation: 'create' | 'update' | 'delete',
    fields: Pick<PendingIntent, 'id' | 'props' | 'dependencies'>,
    providerOptions: Readonly<Record<string, unknown>> | undefined,
  ): Promise<{ key: string; ctx: MutationContext }> {
    const key = randomUUID()
    const { step, provider } = run
    await deps.session.record([
      {
        type: 'intent',
        intent: {
          key,
          urn: step.urn,
          kind: step.kind,
          provider: provider.key,
          operation,
          ...fields,
          startedAt: now(),
        },
      },
    ])
    if (slicer) {
      const turn = slicer.turn()
      if (turn) await turn
    }
    return { key, ctx: mutationContext(deps, provider, step.urn, run.signal, providerOptions, key, run.call) }
  }

  /** A step's call to its provider: through its scope's gate, retried by the engine, secrets scrubbed. */
  function callProvider<T>(
    run: StepRun,
    handler: NormalizedHandler,
    operation: 'create' | 'update' | 'delete',
    fn: () => Promise<T>,
  ): Promise<T> {
    return deps.calls.call(
      {
        provider: run.provider,
        scope: handler.traits(operation).scope,
        operation,
        urn: run.step.urn,
        priority: run.priority,
        signal: run.gate,
        step: run.call,
        redactor: deps.session.redactor,
      },
      fn,
    )
  }

  function requireHandler(run: StepRun): NormalizedHandler {
    if (!run.handler) {
      throw new ValidationError(
        [
          {
            path: run.step.urn,
            rule: 'unsupported-kind',
            message: `provider "${run.provider.key}" does not handle kind "${run.step.kind}"`,
          },
        ],
        'apply',
      )
    }
    return run.handler
  }

  function desiredProps(run: StepRun): PreparedProps {
    const prepared = prepareProps(run.change?.props ?? {}, deps.session.state, (secret) =>
      deps.session.redactor.learn(secret),
    )
    if (prepared.missing.length > 0) {
      throw new ValidationError(
        prepared.missing.map((entry) => ({
          path: `${run.step.urn}.props.${entry.split(' -> ')[0]}`,
          rule: 'unresolved-reference',
          message: `${entry.split(' -> ')[1]} has no value after its resource was applied; check that the provider returns that output`,
        })),
        'apply',
      )
    }
    return prepared
  }

  function providerSection(
    run: StepRun,
    props: Record<string, unknown>,
  ): Readonly<Record<string, unknown>> | undefined {
    const sections = props.providerOptions
    const own = isPlainObject(sections) ? sections[run.provider.name] : undefined
    return isPlainObject(own) ? own : undefined
  }

  function now(): string {
    return deps.session.timestamp()
  }

  function flags(change: ResourceChange | undefined): Pick<ResourceState, 'protect' | 'retainOnDelete'> {
    return {
      ...(change?.options.protect ? { protect: true } : {}),
      ...(change?.options.retainOnDelete ? { retainOnDelete: true } : {}),
    }
  }

  async function create(run: StepRun): Promise<'done'> {
    const handler = requireHandler(run)
    const { step, change, provider } = run
    const state = deps.session.state
    const { sealed, revealed } = desiredProps(run)
    const { key, ctx } = await openIntent(
      run,
      'create',
      { props: sealed, dependencies: change?.dependencies ?? [] },
      providerSection(run, revealed),
    )
    let created: Awaited<ReturnType<NormalizedHandler['create']>>
    try {
      created = await callProvider(run, handler, 'create', () => handler.create(revealed, ctx))
    } catch (error) {
      if (ProviderError.isInstance(error) && CLEAN_CLASSES.has(error.classification)) {
        deps.session.note([{ type: 'resolve', key }])
      }
      throw error
    }
    const at = now()
    const resource: ResourceState = {
      urn: step.urn,
      kind: step.kind,
      name: change?.name ?? step.urn.split('/')[2]!,
      provider: provider.key,
      id: created.id,
      props: sealed,
      outputs: sealSecrets(created.outputs, state.salt),
      dependencies: change?.dependencies ?? [],
      status: created.ready === false ? 'pending' : 'ready',
      ...flags(change),
      createdAt: at,
      updatedAt: at,
    }
    const drafts: JournalDraft[] = []
    if (state.resources[step.urn] && step.replacement === 'create')
      drafts.push({ type: 'condemn', urn: step.urn })
    drafts.push({ type: 'put', resource, resolves: key })
    deps.session.note(drafts)
    if (created.ready === false) await waitReady(run, handler, resource, 'tainted')
    return 'done'
  }

  async function waitReady(
    run: StepRun,
    handler: NormalizedHandler,
    resource: ResourceState,
    onFailure: 'tainted' | 'pending',
  ): Promise<void> {
    deps.events.emit({
      type: 'step-progress',
      ...stepEventBase(run.step, run.call.correlationId),
      message: `waiting for ${resource.id} to be ready`,
    })
    try {
      const read = await deps
        .batcher(run.provider, handler)
        .wait(resource.id, run.step.urn, run.priority, run.signal)
      deps.session.note([
        {
          type: 'put',
          resource: {
            ...resource,
            outputs: sealSecrets(read.outputs, deps.session.state.salt),
            status: 'ready',
            updatedAt: now(),
          },
        },
      ])
    } catch (error) {
      // Cancelled by the user: the resource stays `pending` and the next plan reads it first.
      const cancelled = run.cancelled.aborted && !TimeoutError.isInstance(run.signal.reason)
      if (!cancelled && onFailure === 'tainted' && !deps.session.signal.aborted) {
        deps.session.note([{ type: 'put', resource: { ...resource, status: 'tainted', updatedAt: now() } }])
      }
      throw error
    }
  }

  async function update(run: StepRun): Promise<'done' | 'noop'> {
    const handler = requireHandler(run)
    const { step, change } = run
    const state = deps.session.state
    const current = state.resources[step.urn]
    if (!current) {
      throw new StateError(`Cannot update ${step.urn}: it is no longer in the state. Plan again.`)
    }
    const { sealed, revealed } = desiredProps(run)
    const changed = changedKeys(current.props, sealed, state.salt)
    if (changed.length === 0) {
      // The plan could not know (a referenced value was unknown); at apply time nothing differs.
      await recordFlags(run, current)
      return 'noop'
    }
    const { key, ctx } = await openIntent(run, 'update', { id: current.id }, providerSection(run, revealed))
    let updated: Awaited<ReturnType<NormalizedHandler['update']>>
    try {
      updated = await callProvider(run, handler, 'update', () =>
        handler.update(
          current.id,
          {
            current: {
              props: revealForProvider(current.props),
              outputs: revealForProvider(current.outputs),
            },
            desired: revealed,
            changed,
          },
          ctx,
        ),
      )
    } catch (error) {
      // The state keeps the old props, so the next plan proposes the update again.
      deps.session.note([{ type: 'resolve', key }])
      throw error
    }
    const resource: ResourceState = {
      ...current,
      id: updated.id,
      props: sealed,
      outputs: sealSecrets(updated.outputs, state.salt),
      dependencies: change?.dependencies ?? current.dependencies,
      status: updated.ready === false ? 'pending' : 'ready',
      ...flagsOverride(change),
      updatedAt: now(),
    }
    deps.session.note([{ type: 'put', resource, resolves: key }])
    if (updated.ready === false) await waitReady(run, handler, resource, 'pending')
    return 'done'
  }

  function flagsOverride(
    change: ResourceChange | undefined,
  ): Pick<ResourceState, 'protect' | 'retainOnDelete'> {
    return {
      protect: change?.options.protect === true,
      retainOnDelete: change?.options.retainOnDelete === true,
    }
  }

  async function recordFlags(run: StepRun, current: ResourceState): Promise<void> {
    const change = run.change
    if (!change) return
    const next: ResourceState = { ...current, ...flagsOverride(change), dependencies: change.dependencies }
    if (
      next.protect !== (current.protect === true) ||
      next.retainOnDelete !== (current.retainOnDelete === true) ||
      next.dependencies.join() !== current.dependencies.join()
    ) {
      deps.session.note([{ type: 'put', resource: { ...next, updatedAt: now() } }])
    }
  }

  async function remove(run: StepRun): Promise<'done' | 'noop'> {
    const { step, provider } = run
    const state = deps.session.state
    const condemned = state.condemned.find((old) => old.urn === step.urn && old.id === step.targetId)
    const current = state.resources[step.urn]
    const target =
      condemned ??
      (current && (step.targetId === undefined || current.id === step.targetId) ? current : undefined)
    if (!target) return 'noop'
    const forget: JournalDraft = condemned
      ? { type: 'release', urn: step.urn, id: target.id }
      : { type: 'delete', urn: step.urn }
    const handler = run.handler
    if (!handler?.canDelete) {
      deps.events.emit({
        type: 'warning',
        stack: deps.stack,
        operationId: deps.operationId,
        urn: step.urn,
        message: `provider "${provider.key}" cannot delete a ${step.kind}; ${target.id} is left in the cloud and dropped from the state`,
      })
      deps.session.note([forget])
      return 'done'
    }
    const { key, ctx } = await openIntent(
      run,
      'delete',
      { id: target.id },
      providerSection(run, target.props as Record<string, unknown>),
    )
    try {
      await callProvider(run, handler, 'delete', () =>
        handler.delete(
          target.id,
          { props: revealForProvider(target.props), outputs: revealForProvider(target.outputs) },
          ctx,
        ),
      )
    } catch (error) {
      // Already gone is what we wanted.
      if (!(ProviderError.isInstance(error) && error.classification === 'not-found')) {
        deps.session.note([{ type: 'resolve', key }])
        throw error
      }
    }
    deps.session.note([{ ...forget, resolves: key } as JournalDraft])
    return 'done'
  }

  async function forget(run: StepRun): Promise<'done' | 'noop'> {
    const current = deps.session.state.resources[run.step.urn]
    if (!current) return 'noop'
    deps.session.note([{ type: 'delete', urn: run.step.urn }])
    return 'done'
  }

  async function recordOnly(run: StepRun): Promise<'done' | 'noop'> {
    const current = deps.session.state.resources[run.step.urn]
    if (!current) return 'noop'
    await recordFlags(run, current)
    return 'done'
  }
}

function asSkyloomError(error: unknown, step: PlanStep): SkyloomError {
  if (SkyloomError.isInstance(error)) return error
  return new ProviderError({
    provider: step.provider,
    operation: step.operation,
    urn: step.urn,
    class: 'fatal',
    message: error instanceof Error ? error.message : String(error),
    cause: error,
  })
}
