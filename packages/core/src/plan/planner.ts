import { CycleError } from '../errors/cycle-error.js'
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js'
import { isNeutralKind, NEUTRAL_KINDS } from '../model/kinds/index.js'
import { isOutputRef } from '../model/reference.js'
import { isPlainObject } from '../model/secret.js'
import type { Stack } from '../model/stack.js'
import { UNKNOWN } from '../model/unknown.js'
import { type NormalizedProvider, normalizeProvider } from '../provider/normalize.js'
import { emptyState, type ResourceState, type StackState } from '../state/types.js'
import { diffResource } from './diff.js'
import { findCycle } from './graph.js'
import type {
  ChangeAction,
  FieldDiff,
  Plan,
  PlanCost,
  PlannedOptions,
  PlanStep,
  PlanSummary,
  PlanWarning,
  ResourceChange,
  StepOperation,
} from './types.js'
import { type ValidResource, validateStack } from './validate.js'

export interface PlanOptions {
  /** `update` (default) converges the cloud on the stack; `destroy` deletes everything in the state. */
  readonly mode?: 'update' | 'destroy'
  /** Clock for the plan's timestamp. */
  readonly now?: () => number
}

/**
 * Plans the changes that take the resources recorded in `state` to the ones declared in
 * `stack`. Pure: it calls providers only for `check` and `diff`, never the cloud. Throws a
 * ValidationError (or CycleError) listing every problem found.
 */
export async function plan(
  stack: Stack,
  state: StackState | undefined,
  options: PlanOptions = {},
): Promise<Plan> {
  const mode = options.mode ?? 'update'
  const now = new Date((options.now ?? Date.now)()).toISOString()
  const current = state ?? emptyState(stack.name, 'unsalted', now)
  if (current.stack !== stack.name) {
    throw new ValidationError([
      {
        path: stack.name,
        rule: 'state-mismatch',
        message: `the state given belongs to stack "${current.stack}", not "${stack.name}"`,
      },
    ])
  }

  const issues: ValidationIssue[] = []
  const warnings: PlanWarning[] = []
  let desired: readonly ValidResource[] = []
  let providers: ReadonlyMap<string, NormalizedProvider>
  if (mode === 'update') {
    const validation = await validateStack(stack)
    issues.push(...validation.issues)
    warnings.push(...validation.warnings)
    desired = validation.resources
    providers = validation.providers
    const cycle = findCycle(
      desired.map((resource) => resource.urn),
      (urn) => validation.byUrn.get(urn)?.dependencies ?? [],
    )
    if (cycle) throw new CycleError(cycle, issues)
  } else {
    providers = new Map(stack.providers.map((raw) => [normalizeProvider(raw).key, normalizeProvider(raw)]))
  }

  const builder = new PlanBuilder(stack.name, current, providers, issues)
  await builder.planDesired(orderByDependencies(desired))
  builder.planRemovals()
  if (issues.length > 0) throw new ValidationError(issues)
  const steps = builder.buildSteps()

  return {
    formatVersion: 1,
    stack: stack.name,
    mode,
    stateVersion: current.version,
    createdAt: now,
    changes: builder.changes,
    steps,
    summary: summarize(builder.changes),
    cost: builder.cost(),
    warnings: [...warnings, ...builder.warnings],
  }
}

/** Dependencies first; stable with respect to declaration order. */
function orderByDependencies(resources: readonly ValidResource[]): ValidResource[] {
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]))
  const done = new Set<string>()
  const ordered: ValidResource[] = []
  for (const root of resources) {
    if (done.has(root.urn)) continue
    const stack: Array<{ resource: ValidResource; index: number }> = [{ resource: root, index: 0 }]
    done.add(root.urn)
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!
      const dependency = top.resource.dependencies[top.index++]
      if (dependency === undefined) {
        ordered.push(top.resource)
        stack.pop()
        continue
      }
      const next = byUrn.get(dependency)
      if (next && !done.has(dependency)) {
        done.add(dependency)
        stack.push({ resource: next, index: 0 })
      }
    }
  }
  return ordered
}

interface Planned {
  change: ResourceChange
  resource?: ValidResource
  old?: ResourceState
  deleteBeforeReplace: boolean
}

class PlanBuilder {
  readonly changes: ResourceChange[] = []
  readonly warnings: PlanWarning[] = []
  readonly #planned = new Map<string, Planned>()

  constructor(
    readonly stack: string,
    readonly state: StackState,
    readonly providers: ReadonlyMap<string, NormalizedProvider>,
    readonly issues: ValidationIssue[],
  ) {}

  async planDesired(resources: readonly ValidResource[]): Promise<void> {
    // Sequential on purpose: a resource's diff needs its dependencies' actions.
    for (const resource of resources) {
      const planned = await this.#planOne(resource)
      this.#planned.set(resource.urn, planned)
      this.changes.push(planned.change)
    }
    this.#propagateDeleteBeforeReplace(resources)
  }

  async #planOne(resource: ValidResource): Promise<Planned> {
    const old = this.state.resources[resource.urn]
    const base = {
      urn: resource.urn,
      kind: resource.kind,
      name: resource.name,
      provider: resource.provider.key,
      dependencies: resource.dependencies,
      options: resource.options,
      warnings: resource.warnings,
    }
    const pricing = resource.provider.pricing
    if (!old) {
      // Prices depend on plain fields (size, sizeGiB), never on references.
      const after = pricing?.monthly(resource.kind, resource.props)
      return {
        resource,
        deleteBeforeReplace: false,
        change: {
          ...base,
          action: 'create',
          reasons: ['new resource'],
          fields: [],
          props: resource.props,
          ...(after === undefined ? {} : { monthlyCost: { after } }),
        },
      }
    }

    const resolved = this.#resolveKnown(resource.props)
    const after = pricing?.monthly(resource.kind, resolved)
    const before = this.#priceOf(old)
    const monthlyCost = before === undefined && after === undefined ? {} : { monthlyCost: { before, after } }
    const replaceOn = new Set<string>([
      ...(isNeutralKind(resource.kind) ? NEUTRAL_KINDS[resource.kind].replaceOn : []),
      ...resource.handler.replaceOn,
      ...resource.replaceOnChanges,
    ])
    const outcome = await diffResource({
      oldProps: old.props,
      oldOutputs: old.outputs,
      desired: resolved,
      replaceOn,
      ignoreChanges: resource.ignoreChanges,
      salt: this.state.salt,
      handler: resource.handler,
      context: {
        urn: resource.urn,
        stack: this.stack,
        kind: resource.kind,
        name: resource.name,
        providerOptions: resource.providerOptions,
      },
    })
    const props = restoreRefs(outcome.desired, resource.props)
    const reasons: string[] = []
    let action: ChangeAction = 'noop'
    let fields = outcome.fields
    if (old.status === 'tainted') {
      action = 'replace'
      reasons.push('the previous create failed after the cloud made the resource (tainted)')
    } else if (old.provider !== resource.provider.key) {
      action = 'replace'
      reasons.push(`moves from provider "${old.provider}" to "${resource.provider.key}"`)
    } else if (fields.some((field) => field.replace)) {
      action = 'replace'
      for (const field of fields)
        if (field.replace) reasons.push(`${field.path} ${field.reason ?? 'forces replacement'}`)
    } else if (fields.length > 0) {
      if (resource.handler.canUpdate) {
        action = 'update'
        reasons.push(`${fields.map((field) => field.path).join(', ')} changed`)
      } else {
        action = 'replace'
        fields = fields.map((field) => ({
          ...field,
          replace: true,
          reason: 'provider cannot update in place',
        }))
        reasons.push(`provider "${resource.provider.key}" cannot update a ${resource.kind} in place`)
      }
    }
    if (action === 'replace' && (old.protect || resource.options.protect)) {
      this.issues.push({
        path: resource.urn,
        rule: 'protected',
        message: `would be replaced (${reasons.join('; ')}), but it is protected; set protect: false and apply first if the replacement is intended`,
      })
    }
    return {
      resource,
      old,
      deleteBeforeReplace: resource.options.deleteBeforeReplace || outcome.deleteBeforeReplace,
      change: {
        ...base,
        action,
        reasons,
        fields,
        id: old.id,
        props,
        ...monthlyCost,
      },
    }
  }

  /** A replaced resource that must go first takes its replaced dependents with it, or steps would cycle. */
  #propagateDeleteBeforeReplace(resources: readonly ValidResource[]): void {
    for (const resource of resources) {
      const planned = this.#planned.get(resource.urn)!
      if (planned.change.action !== 'replace' || planned.deleteBeforeReplace) continue
      const forced = resource.dependencies.some((dependency) => {
        const upstream = this.#planned.get(dependency)
        return upstream?.change.action === 'replace' && upstream.deleteBeforeReplace
      })
      if (forced) planned.deleteBeforeReplace = true
    }
  }

  /** Desired props with references replaced by known values or UNKNOWN. */
  #resolveKnown(props: Record<string, unknown>): Record<string, unknown> {
    const resolve = (value: unknown): unknown => {
      if (isOutputRef(value)) {
        const target = this.#planned.get(value.urn)
        const action = target?.change.action
        const outputs = target?.old?.outputs
        if (outputs && (action === 'noop' || (action === 'update' && value.path === 'id'))) {
          return outputs[value.path] ?? UNKNOWN
        }
        return UNKNOWN
      }
      if (Array.isArray(value)) return value.map(resolve)
      if (isPlainObject(value)) {
        const out: Record<string, unknown> = {}
        for (const [key, inner] of Object.entries(value)) out[key] = resolve(inner)
        return out
      }
      return value
    }
    return resolve(props) as Record<string, unknown>
  }

  #priceOf(resource: ResourceState): number | undefined {
    return this.providers.get(resource.provider)?.pricing?.monthly(resource.kind, resource.props)
  }

  /** Resources in the state that the stack no longer declares (all of them when destroying). */
  planRemovals(): void {
    const gone = Object.values(this.state.resources)
      .filter((resource) => !this.#planned.has(resource.urn))
      .sort((a, b) => (a.urn < b.urn ? -1 : 1))
    const protectedUrns: string[] = []
    for (const old of gone) {
      const provider = this.providers.get(old.provider)
      if (!provider) {
        this.issues.push({
          path: old.urn,
          rule: 'missing-provider',
          message: `is in the state but no longer in the stack, and its provider "${old.provider}" is not configured; add that provider to createStack(..., { providers: [...] }) so it can be deleted`,
        })
        continue
      }
      if (old.protect) protectedUrns.push(old.urn)
      const retain = old.retainOnDelete === true
      const handler = provider.kinds.get(old.kind)
      const forget = retain || !handler?.canDelete
      if (!handler) {
        this.issues.push({
          path: old.urn,
          rule: 'unsupported-kind',
          message: `provider "${old.provider}" no longer handles kind "${old.kind}", so this resource cannot be deleted`,
        })
        continue
      }
      if (!retain && !handler.canDelete) {
        this.warnings.push({
          path: old.urn,
          message: `provider "${old.provider}" cannot delete a ${old.kind}; it will be dropped from the state and left in the cloud`,
        })
      }
      const before = this.#priceOf(old)
      const change: ResourceChange = {
        urn: old.urn,
        kind: old.kind,
        name: old.name,
        provider: old.provider,
        action: forget ? 'forget' : 'delete',
        reasons: [
          retain ? 'removed from the stack; retainOnDelete keeps it in the cloud' : 'removed from the stack',
        ],
        fields: [],
        id: old.id,
        dependencies: old.dependencies,
        options: {
          protect: old.protect === true,
          retainOnDelete: retain,
          deleteBeforeReplace: false,
          timeouts: {},
        },
        ...(before === undefined ? {} : { monthlyCost: { before } }),
        warnings: [],
      }
      this.#planned.set(old.urn, { change, old, deleteBeforeReplace: false })
      this.changes.push(change)
    }
    if (protectedUrns.length > 0) {
      for (const urn of protectedUrns) {
        this.issues.push({
          path: urn,
          rule: 'protected',
          message:
            'would be deleted, but it is protected; set protect: false on it and apply, then remove it (or use retainOnDelete to keep it in the cloud)',
        })
      }
    }
  }

  /** Orders the changes into a DAG of steps (DESIGN.md section 5, step 3). */
  buildSteps(): PlanStep[] {
    const steps = new Map<string, { step: PlanStep; dependsOn: Set<string> }>()
    const up = new Map<string, string>() // urn -> step that makes it exist in its desired form
    const down = new Map<string, string>() // urn -> step that removes its old form
    const add = (
      id: string,
      urn: string,
      operation: StepOperation,
      provider: string,
      kind: string,
      extra: Partial<PlanStep> = {},
    ): void => {
      const handler = this.providers.get(provider)?.kinds.get(kind)
      const traitsOf =
        operation === 'forget' || operation === 'record' ? undefined : handler?.traits(operation)
      steps.set(id, {
        step: {
          id,
          urn,
          kind,
          provider,
          operation,
          dependsOn: [],
          expectedMs: traitsOf?.expectedMs ?? 0,
          ...extra,
        },
        dependsOn: new Set(),
      })
    }

    const deleteFirst = new Set<string>()
    for (const { change, old, deleteBeforeReplace } of this.#planned.values()) {
      const { urn, provider, kind } = change
      if (change.action === 'replace' && deleteBeforeReplace) deleteFirst.add(urn)
      switch (change.action) {
        case 'create':
          add(`create:${urn}`, urn, 'create', provider, kind)
          up.set(urn, `create:${urn}`)
          break
        case 'update':
          add(`update:${urn}`, urn, 'update', provider, kind, { targetId: change.id })
          up.set(urn, `update:${urn}`)
          break
        case 'replace': {
          add(`create:${urn}`, urn, 'create', provider, kind, { replacement: 'create' })
          add(`delete-replaced:${urn}`, urn, 'delete', old!.provider, kind, {
            replacement: 'delete',
            targetId: old!.id,
          })
          up.set(urn, `create:${urn}`)
          down.set(urn, `delete-replaced:${urn}`)
          const [first, second] = deleteBeforeReplace
            ? [`delete-replaced:${urn}`, `create:${urn}`]
            : [`create:${urn}`, `delete-replaced:${urn}`]
          steps.get(second)!.dependsOn.add(first)
          break
        }
        case 'delete':
          add(`delete:${urn}`, urn, 'delete', provider, kind, { targetId: change.id })
          down.set(urn, `delete:${urn}`)
          break
        case 'forget':
          add(`forget:${urn}`, urn, 'forget', provider, kind, { targetId: change.id })
          break
        case 'noop':
          if (old && needsRecord(old, change)) add(`record:${urn}`, urn, 'record', provider, kind)
          break
      }
    }

    for (const { change } of this.#planned.values()) {
      const own = up.get(change.urn) ?? (change.action === 'noop' ? `record:${change.urn}` : undefined)
      if (!own || !steps.has(own)) continue
      for (const dependency of change.dependencies) {
        const upstream = up.get(dependency)
        if (upstream) steps.get(own)!.dependsOn.add(upstream)
      }
    }

    // Old forms go after whatever still used them has been removed or repointed.
    const condemnedDependents: Array<{ step: string; dependencies: readonly string[] }> = []
    this.state.condemned.forEach((old, index) => {
      const id = `delete-condemned:${old.urn}#${index}`
      add(id, old.urn, 'delete', old.provider, old.kind, { replacement: 'delete', targetId: old.id })
      condemnedDependents.push({ step: id, dependencies: old.dependencies })
    })
    const oldDependents = new Map<string, Planned[]>()
    for (const other of this.#planned.values()) {
      for (const dependency of other.old?.dependencies ?? []) {
        const list = oldDependents.get(dependency) ?? []
        list.push(other)
        oldDependents.set(dependency, list)
      }
    }
    for (const [urn, removal] of down) {
      const node = steps.get(removal)!
      for (const other of oldDependents.get(urn) ?? []) {
        const theirRemoval = down.get(other.change.urn)
        const theirUp = up.get(other.change.urn)
        if (theirRemoval) node.dependsOn.add(theirRemoval)
        // Repoint dependents first, unless this is a delete-first replacement: then they can
        // only be repointed once the new resource exists, after this removal.
        else if (theirUp && !deleteFirst.has(urn)) node.dependsOn.add(theirUp)
      }
      for (const condemned of condemnedDependents) {
        if (condemned.dependencies.includes(urn)) node.dependsOn.add(condemned.step)
      }
    }

    const result: PlanStep[] = []
    for (const { step, dependsOn } of steps.values()) {
      dependsOn.delete(step.id)
      result.push({ ...step, dependsOn: [...dependsOn] })
    }
    const byId = new Map(result.map((step) => [step.id, step]))
    const cycle = findCycle(
      result.map((step) => step.id),
      (id) => byId.get(id)?.dependsOn ?? [],
    )
    if (cycle) {
      throw new CycleError(cycle)
    }
    return result
  }

  cost(): PlanCost | undefined {
    let before = 0
    let after = 0
    let priced = false
    const unpriced: string[] = []
    for (const { change } of this.#planned.values()) {
      const cost = change.monthlyCost
      if (!cost) {
        if (change.action !== 'forget') unpriced.push(change.urn)
        continue
      }
      priced = true
      before += cost.before ?? 0
      if (change.action !== 'delete' && change.action !== 'forget') after += cost.after ?? 0
    }
    if (!priced) return undefined
    const round = (value: number) => Math.round(value * 100) / 100
    return {
      currency: 'USD',
      monthlyBefore: round(before),
      monthlyAfter: round(after),
      monthlyDelta: round(after - before),
      unpriced,
    }
  }
}

/** A no-op whose recorded options or dependencies changed still needs the state updated. */
function needsRecord(old: ResourceState, change: ResourceChange): boolean {
  const options: PlannedOptions = change.options
  return (
    (old.protect === true) !== options.protect ||
    (old.retainOnDelete === true) !== options.retainOnDelete ||
    old.dependencies.length !== change.dependencies.length ||
    old.dependencies.some((urn, index) => change.dependencies[index] !== urn)
  )
}

/** Puts references back where the desired props had them (ignoreChanges may have replaced values). */
function restoreRefs(
  resolved: Record<string, unknown>,
  original: Record<string, unknown>,
): Record<string, unknown> {
  const walk = (value: unknown, source: unknown): unknown => {
    if (isOutputRef(source)) return source
    if (Array.isArray(value) && Array.isArray(source))
      return value.map((item, index) => walk(item, source[index]))
    if (isPlainObject(value) && isPlainObject(source)) {
      const out: Record<string, unknown> = {}
      for (const [key, inner] of Object.entries(value)) out[key] = walk(inner, source[key])
      return out
    }
    return value
  }
  return walk(resolved, original) as Record<string, unknown>
}

function summarize(changes: readonly ResourceChange[]): PlanSummary {
  const summary = { create: 0, update: 0, replace: 0, delete: 0, forget: 0, noop: 0 }
  for (const change of changes) summary[change.action]++
  return summary
}

export type { FieldDiff }
