import { ValidationError } from '../errors/validation-error.js'
import { isSerializedRef, OutputRef } from '../model/reference.js'
import { isPlainObject, Secret } from '../model/secret.js'
import type { Plan } from './types.js'

/** The plan as JSON. References become `{ "$ref", "path" }`, secrets `{ "$secret": true }`. */
export function renderPlanJson(plan: Plan, space = 2): string {
  return JSON.stringify(plan, null, space)
}

/**
 * Reads a plan written by {@link renderPlanJson}. Secret values are not in the JSON: applying
 * such a plan needs the stack again (`engine.apply(plan, { stack })`), whose secrets are used.
 */
export function parsePlanJson(json: string): Plan {
  let data: unknown
  try {
    data = JSON.parse(json)
  } catch (error) {
    throw new ValidationError(
      [{ path: 'plan', rule: 'plan-json', message: `not valid JSON: ${(error as Error).message}` }],
      'plan',
    )
  }
  if (
    !isPlainObject(data) ||
    data.formatVersion !== 1 ||
    !Array.isArray(data.changes) ||
    !Array.isArray(data.steps)
  ) {
    throw new ValidationError(
      [
        {
          path: 'plan',
          rule: 'plan-format',
          message: 'not a Skyloom plan (formatVersion 1 with changes and steps)',
        },
      ],
      'plan',
    )
  }
  return revive(data) as Plan
}

function revive(value: unknown): unknown {
  if (isSerializedRef(value)) return new OutputRef(value.$ref, value.path)
  if (isPlainObject(value) && value.$secret === true && Object.keys(value).length === 1) {
    return new Secret(undefined, false)
  }
  if (Array.isArray(value)) return value.map(revive)
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) out[key] = revive(inner)
    return out
  }
  return value
}
