import { createHash } from 'node:crypto'
import {
  type FieldChange,
  type FoundResource,
  type OperationContext,
  type OperationName,
  type OperationTraits,
  ProviderError,
  type ReadResult,
} from '@skyloom/core/provider'
import type { AwsRuntime } from '../runtime.js'
import { Session } from '../session.js'
import { ownershipOf, type TagMap } from '../tags.js'

export type Operations = Readonly<Partial<Record<OperationName, OperationTraits>>>

/** A session for one handler call; the engine prepaid one token of the operation's scope. */
export function openSession(
  rt: AwsRuntime,
  ctx: OperationContext,
  operation: OperationName,
  operations: Operations,
): Session {
  const isRead = operation === 'read' || operation === 'find' || operation === 'list'
  const scope = operations[operation]?.scope ?? (isRead ? 'describe' : 'mutate')
  return new Session(rt, ctx, operation, scope)
}

/**
 * The ClientToken for an idempotency key: EC2 takes at most 64 ASCII characters, so longer
 * keys are hashed (deterministically, so a retry sends the same token).
 */
export function clientToken(key: string): string {
  return key.length <= 64 && /^[\x21-\x7e]+$/.test(key) ? key : createHash('sha256').update(key).digest('hex')
}

/**
 * Observed props without the `null`s a read uses to say "the cloud no longer has this field":
 * `find` and `list` describe a resource as it is, and crash recovery may record their props
 * as they come, so an absent field stays absent there.
 */
export function presentProps<T extends Record<string, unknown>>(
  props: {
    readonly [K in keyof T]?: T[K] | null
  },
): Partial<T> {
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== null)) as Partial<T>
}

/**
 * A read as `find` and `list` return it: its {@link presentProps}, with the resource's tags
 * and the ownership they record.
 */
export function foundOf<P extends Record<string, unknown>, O>(
  read: ReadResult<P, O>,
  tags: TagMap,
): FoundResource<P, O> {
  return { ...read, props: presentProps(read.props), tags, ownership: ownershipOf(tags) }
}

/** A short stable hash, for names that must be unique (security groups, launch templates, groups). */
export function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length)
}

/** Runs `task`; a `not-found` failure counts as done (deletes are idempotent). */
export async function ignoreNotFound<T>(task: Promise<T>): Promise<T | undefined> {
  try {
    return await task
  } catch (error) {
    if (ProviderError.isInstance(error) && error.classification === 'not-found') return undefined
    throw error
  }
}

/** Equality of plain data, ignoring the order of object keys (not of array items). */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b)
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'undefined'
}

/** Equality of two lists as sets. */
export function sameSet(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const left = [...new Set(a ?? [])].sort()
  const right = [...new Set(b ?? [])].sort()
  return left.length === right.length && left.every((value, index) => value === right[index])
}

/** Top-level prop names whose values differ. */
export function changedFields(
  current: Readonly<Record<string, unknown>>,
  desired: Readonly<Record<string, unknown>>,
): string[] {
  const keys = new Set([...Object.keys(current), ...Object.keys(desired)])
  return [...keys].filter((key) => !sameValue(current[key], desired[key])).sort()
}

/** A field change; `reason` is given for replacements. */
export function change(path: string, replace: boolean, reason?: string): FieldChange {
  return { path, replace, ...(reason ? { reason } : {}) }
}

/** The `providerOptions.aws` section of props. */
export function awsSection(props: {
  readonly providerOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined
}): Readonly<Record<string, unknown>> {
  return props.providerOptions?.aws ?? {}
}

/**
 * Runs the steps that follow a create call (attach, authorize rules, …). When one fails for
 * good, the half-made resource is removed so it is not orphaned; when it may succeed on a
 * retry, the resource stays and the retried create finds it by its idempotency-key tag.
 */
export async function completeOrRollBack<T>(
  session: Session,
  rollback: () => Promise<unknown>,
  steps: () => Promise<T>,
): Promise<T> {
  try {
    return await steps()
  } catch (error) {
    const failure = session.wrap(error, 'create')
    if (!failure.retryable) {
      try {
        await rollback()
      } catch (rollbackError) {
        session.ctx.logger.warn(
          { urn: session.ctx.urn, error: String(rollbackError) },
          'could not remove a half-created resource; it keeps its ownership tags for cleanup',
        )
      }
    }
    throw failure
  }
}
