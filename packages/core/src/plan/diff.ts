import { isOutputRef } from '../model/reference.js'
import { isSecret } from '../model/secret.js'
import { containsUnknown, isUnknown, UNKNOWN } from '../model/unknown.js'
import { fingerprintSecret, getPath, mapLeaves, valuesEqual, withPath } from '../model/values.js'
import type { CheckContext } from '../provider/contract.js'
import type { NormalizedHandler } from '../provider/normalize.js'
import type { FieldDiff } from './types.js'

export interface DiffInput {
  readonly oldProps: Readonly<Record<string, unknown>>
  readonly oldOutputs: Readonly<Record<string, unknown>>
  /** Desired props with references resolved where known and `UNKNOWN` elsewhere. */
  readonly desired: Record<string, unknown>
  readonly replaceOn: ReadonlySet<string>
  readonly ignoreChanges: readonly string[]
  readonly salt: string
  readonly handler: NormalizedHandler
  readonly context: CheckContext
}

export interface DiffOutcome {
  readonly fields: FieldDiff[]
  /** Desired props with ignored paths taken from the current props. */
  readonly desired: Record<string, unknown>
  readonly deleteBeforeReplace: boolean
}

/**
 * Compares current and desired props. Ignored paths are copied from current into desired
 * first (so the apply sends the current value too). The provider's diff decides when it has
 * one; otherwise fields are compared one by one and those in `replaceOn` force replacement.
 */
export async function diffResource(input: DiffInput): Promise<DiffOutcome> {
  let desired = input.desired
  const ignoredTopLevel = new Set<string>()
  for (const path of input.ignoreChanges) {
    if (!path.includes('.')) ignoredTopLevel.add(path)
    desired = withPath(desired, path, getPath(input.oldProps, path))
  }

  if (input.handler.diff) {
    const result = await input.handler.diff(
      { props: fingerprinted(input.oldProps, input.salt), outputs: { ...input.oldOutputs } },
      fingerprinted(desired, input.salt),
      input.context,
    )
    const fields = result.changes.map((change): FieldDiff => {
      const top = change.path.split('.')[0]!
      const next = getPath(desired, change.path)
      const replace = change.replace || input.replaceOn.has(top)
      return {
        path: change.path,
        old: getPath(input.oldProps, change.path),
        ...(containsUnknown(next) ? { unknown: true } : { new: next }),
        replace,
        ...(change.reason ? { reason: change.reason } : replace ? { reason: 'forces replacement' } : {}),
      }
    })
    return { fields, desired, deleteBeforeReplace: result.deleteBeforeReplace === true }
  }

  const fields: FieldDiff[] = []
  const keys = new Set([...Object.keys(input.oldProps), ...Object.keys(desired)])
  for (const key of keys) {
    if (ignoredTopLevel.has(key)) continue
    const before = input.oldProps[key]
    const after = desired[key]
    const replace = input.replaceOn.has(key)
    if (containsUnknown(after)) {
      fields.push({
        path: key,
        old: before,
        unknown: true,
        replace,
        ...(replace ? { reason: 'forces replacement (value known after apply)' } : {}),
      })
    } else if (!valuesEqual(before, after, input.salt)) {
      fields.push({
        path: key,
        old: before,
        new: after,
        replace,
        ...(replace ? { reason: 'forces replacement' } : {}),
      })
    }
  }
  return { fields, desired, deleteBeforeReplace: false }
}

/** Secrets become their fingerprints so a provider's diff can compare them without the values. */
function fingerprinted(props: Readonly<Record<string, unknown>>, salt: string): Record<string, unknown> {
  return mapLeaves(props, (leaf) => {
    if (isSecret(leaf)) return `(secret:${fingerprintSecret(leaf, salt)})`
    if (isOutputRef(leaf) || isUnknown(leaf)) return UNKNOWN
    return leaf
  }) as Record<string, unknown>
}
