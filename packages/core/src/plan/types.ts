/** What happens to one resource. */
export type ChangeAction = 'create' | 'update' | 'replace' | 'delete' | 'forget' | 'noop'

/** One field's change. `unknown` means the new value is only known after apply. */
export interface FieldDiff {
  readonly path: string
  readonly old?: unknown
  readonly new?: unknown
  readonly unknown?: boolean
  /** This change forces the resource to be replaced. */
  readonly replace: boolean
  readonly reason?: string
}

/** Lifecycle options as the plan carries them (durations in ms). */
export interface PlannedOptions {
  readonly protect: boolean
  readonly retainOnDelete: boolean
  readonly deleteBeforeReplace: boolean
  readonly timeouts: { readonly create?: number; readonly update?: number; readonly delete?: number }
}

/** The plan for one resource, in words and data. */
export interface ResourceChange {
  readonly urn: string
  readonly kind: string
  readonly name: string
  /** Key of the provider that manages it. */
  readonly provider: string
  readonly action: ChangeAction
  /** Human reasons: "new resource", "removed from the stack", "cidr changes (forces replacement)". */
  readonly reasons: readonly string[]
  readonly fields: readonly FieldDiff[]
  /** The cloud id of the existing resource, for updates, replacements and deletes. */
  readonly id?: string
  /** Desired props: references as `{ $ref, path }` once serialized, secrets as `{ $secret: true }`. */
  readonly props?: Readonly<Record<string, unknown>>
  /** URNs this resource depends on (references and dependsOn). */
  readonly dependencies: readonly string[]
  readonly options: PlannedOptions
  /** Monthly cost before and after, in USD, when the provider has prices. */
  readonly monthlyCost?: { readonly before?: number; readonly after?: number }
  readonly warnings: readonly string[]
}

/** What a step does to the cloud (or only to the state). */
export type StepOperation = 'create' | 'update' | 'delete' | 'forget' | 'record'

/**
 * A node of the plan's DAG: one cloud operation. A replacement is two steps, `create` and
 * `delete` of the old resource, ordered create-first unless `deleteBeforeReplace`.
 */
export interface PlanStep {
  /** `create:web/instance/a`, `delete-replaced:web/instance/a`, … */
  readonly id: string
  readonly urn: string
  readonly kind: string
  /** Key of the provider that runs the step (the old one, for deleting a replaced resource). */
  readonly provider: string
  readonly operation: StepOperation
  /** Set on the two halves of a replacement. */
  readonly replacement?: 'create' | 'delete'
  /** Cloud id the step acts on (updates and deletes). */
  readonly targetId?: string
  readonly dependsOn: readonly string[]
  /** Expected duration in ms, from the provider; the scheduler runs the longest paths first. */
  readonly expectedMs: number
}

export interface PlanSummary {
  readonly create: number
  readonly update: number
  readonly replace: number
  readonly delete: number
  readonly forget: number
  readonly noop: number
}

export interface PlanCost {
  readonly currency: 'USD'
  readonly monthlyBefore: number
  readonly monthlyAfter: number
  readonly monthlyDelta: number
  /** Resources whose price is unknown (a provider without prices, a size off its catalog). */
  readonly unpriced: readonly string[]
}

export interface PlanWarning {
  readonly path: string
  readonly message: string
}

/**
 * A plan: plain data, safe to serialize (secrets serialize as `{ "$secret": true }`). It
 * records the state version it was made against; applying it after the state moved fails
 * with a StalePlanError.
 */
export interface Plan {
  readonly formatVersion: 1
  readonly stack: string
  readonly mode: 'update' | 'destroy'
  readonly stateVersion: number
  readonly createdAt: string
  readonly changes: readonly ResourceChange[]
  readonly steps: readonly PlanStep[]
  readonly summary: PlanSummary
  readonly cost: PlanCost | undefined
  readonly warnings: readonly PlanWarning[]
}

/** True when applying the plan would change something. */
export function planHasChanges(plan: Plan): boolean {
  return plan.changes.some((change) => change.action !== 'noop') || plan.steps.length > 0
}
