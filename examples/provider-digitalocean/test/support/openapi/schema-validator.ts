import { isRecord } from './ref-resolver.js'

/** A problem found in a value: where (a dotted path) and what. */
export interface SchemaIssue {
  readonly path: string
  readonly message: string
}

/**
 * Which side of the exchange a value is on. OpenAPI's `readOnly` properties are never required
 * in a request and `writeOnly` ones never in a response.
 */
export type Direction = 'request' | 'response'

/**
 * Validates a value against an OpenAPI 3.0 schema (refs already resolved): `type` with
 * `nullable`, `properties`, `required`, `additionalProperties`, `items`, `allOf`, `anyOf`,
 * `oneOf`, `enum`, string length and `pattern`, number bounds and `multipleOf`, array bounds,
 * and the formats `date-time`, `uuid`, `ipv4`, `ipv6` and `uri`.
 *
 * Why not Ajv: OpenAPI 3.0 schemas are not JSON Schema (`nullable`, `readOnly` that depends on
 * the direction, `discriminator`, `example` siblings), so Ajv needs a dialect conversion plus
 * ajv-formats; this subset is what DigitalOcean's description uses, and it reports each problem
 * with a path a reader can act on.
 */
export function validateSchema(
  schema: unknown,
  value: unknown,
  direction: Direction,
  path = '',
): SchemaIssue[] {
  return check(schema, value, { direction, hints: {} }, path)
}

interface Context {
  readonly direction: Direction
  /** Properties declared by sibling `allOf` members, to learn whether a required one is readOnly. */
  readonly hints: Readonly<Record<string, unknown>>
}

function check(schema: unknown, value: unknown, context: Context, path: string): SchemaIssue[] {
  if (!isRecord(schema)) return []
  const issues: SchemaIssue[] = []
  const at = path || '(root)'
  const type = typeof schema.type === 'string' ? schema.type : undefined

  if (value === null) {
    if (schema.nullable === true) return []
    if (type) return [{ path: at, message: `is null, but the schema (type ${type}) is not nullable` }]
  } else if (type && !hasType(value, type)) {
    return [{ path: at, message: `expected ${type}, got ${describe(value)}` }]
  }

  if (Array.isArray(schema.enum) && value !== null && !schema.enum.includes(value)) {
    issues.push({
      path: at,
      message: `${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`,
    })
  }
  if (typeof value === 'string') issues.push(...checkString(schema, value, at))
  if (typeof value === 'number') issues.push(...checkNumber(schema, value, at))
  if (Array.isArray(value)) issues.push(...checkArray(schema, value, context, path))
  if (isRecord(value)) issues.push(...checkObject(schema, value, context, path))

  if (Array.isArray(schema.allOf)) {
    const hints = { ...context.hints, ...collectProperties(schema) }
    for (const member of schema.allOf) issues.push(...check(member, value, { ...context, hints }, path))
  }
  if (Array.isArray(schema.anyOf)) {
    const results = schema.anyOf.map((member) => check(member, value, context, path))
    if (!results.some((result) => result.length === 0)) {
      issues.push(branchFailure('anyOf', schema.anyOf, results, at))
    }
  }
  if (Array.isArray(schema.oneOf)) {
    const results = schema.oneOf.map((member) => check(member, value, context, path))
    const matches = results.filter((result) => result.length === 0).length
    if (matches === 0) issues.push(branchFailure('oneOf', schema.oneOf, results, at))
    if (matches > 1)
      issues.push({ path: at, message: `matches ${matches} branches of oneOf; exactly one must match` })
  }
  return issues
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value)
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'string':
      return typeof value === 'string'
    case 'boolean':
      return typeof value === 'boolean'
    case 'array':
      return Array.isArray(value)
    case 'object':
      return isRecord(value)
    default:
      return true
  }
}

const FORMATS: Record<string, RegExp> = {
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  ipv4: /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/,
  ipv6: /^[0-9a-f:]+$/i,
}

function checkString(schema: Record<string, unknown>, value: string, at: string): SchemaIssue[] {
  const issues: SchemaIssue[] = []
  if (typeof schema.minLength === 'number' && value.length < schema.minLength) {
    issues.push({ path: at, message: `is shorter than ${schema.minLength} characters` })
  }
  if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) {
    issues.push({ path: at, message: `is longer than ${schema.maxLength} characters` })
  }
  if (typeof schema.pattern === 'string' && !compilePattern(schema.pattern).test(value)) {
    issues.push({
      path: at,
      message: `${JSON.stringify(value)} does not match the pattern ${schema.pattern}`,
    })
  }
  if (typeof schema.format === 'string') {
    const format = FORMATS[schema.format]
    const ok = schema.format === 'uri' ? isUri(value) : format ? format.test(value) : true
    if (!ok) issues.push({ path: at, message: `${JSON.stringify(value)} is not a valid ${schema.format}` })
  }
  return issues
}

function isUri(value: string): boolean {
  try {
    new URL(value)
    return true
  } catch {
    return false
  }
}

const patterns = new Map<string, RegExp>()

/** OpenAPI patterns are ECMA-262 without flags; DigitalOcean's escape `:` and `-`, fine without `u`. */
function compilePattern(pattern: string): RegExp {
  let compiled = patterns.get(pattern)
  if (!compiled) {
    compiled = new RegExp(pattern)
    patterns.set(pattern, compiled)
  }
  return compiled
}

function checkNumber(schema: Record<string, unknown>, value: number, at: string): SchemaIssue[] {
  const issues: SchemaIssue[] = []
  if (typeof schema.minimum === 'number' && value < schema.minimum) {
    issues.push({ path: at, message: `${value} is below the minimum ${schema.minimum}` })
  }
  if (typeof schema.maximum === 'number' && value > schema.maximum) {
    issues.push({ path: at, message: `${value} is above the maximum ${schema.maximum}` })
  }
  if (typeof schema.multipleOf === 'number' && value % schema.multipleOf !== 0) {
    issues.push({ path: at, message: `${value} is not a multiple of ${schema.multipleOf}` })
  }
  return issues
}

function checkArray(
  schema: Record<string, unknown>,
  value: unknown[],
  context: Context,
  path: string,
): SchemaIssue[] {
  const issues: SchemaIssue[] = []
  const at = path || '(root)'
  if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
    issues.push({ path: at, message: `has ${value.length} items, fewer than ${schema.minItems}` })
  }
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
    issues.push({ path: at, message: `has ${value.length} items, more than ${schema.maxItems}` })
  }
  if (schema.items !== undefined) {
    value.forEach((item, index) => {
      issues.push(...check(schema.items, item, { ...context, hints: {} }, `${path}[${index}]`))
    })
  }
  return issues
}

function checkObject(
  schema: Record<string, unknown>,
  value: Record<string, unknown>,
  context: Context,
  path: string,
): SchemaIssue[] {
  const issues: SchemaIssue[] = []
  const properties = isRecord(schema.properties) ? schema.properties : {}
  if (Array.isArray(schema.required)) {
    for (const name of schema.required) {
      if (typeof name !== 'string' || name in value) continue
      const property = properties[name] ?? context.hints[name]
      if (isRecord(property)) {
        if (context.direction === 'request' && property.readOnly === true) continue
        if (context.direction === 'response' && property.writeOnly === true) continue
      }
      issues.push({ path: join(path, name), message: 'is required but missing' })
    }
  }
  for (const [name, inner] of Object.entries(value)) {
    const property = properties[name]
    if (property !== undefined) {
      issues.push(...check(property, inner, { ...context, hints: {} }, join(path, name)))
    } else if (schema.additionalProperties === false) {
      issues.push({ path: join(path, name), message: 'is not a documented property' })
    } else if (isRecord(schema.additionalProperties)) {
      issues.push(...check(schema.additionalProperties, inner, { ...context, hints: {} }, join(path, name)))
    }
  }
  return issues
}

/** Properties declared anywhere in a schema's `allOf` tree. */
function collectProperties(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (isRecord(schema.properties)) Object.assign(out, schema.properties)
  if (Array.isArray(schema.allOf)) {
    for (const member of schema.allOf) if (isRecord(member)) Object.assign(out, collectProperties(member))
  }
  return out
}

function branchFailure(
  keyword: string,
  branches: unknown[],
  results: SchemaIssue[][],
  at: string,
): SchemaIssue {
  // Name each branch (by its title when it has one) with its first problems.
  const detail = results
    .map((result, index) => {
      const branch = branches[index]
      const title =
        isRecord(branch) && typeof branch.title === 'string' ? branch.title : `branch ${index + 1}`
      const first = result
        .slice(0, 2)
        .map((issue) => `${issue.path} ${issue.message}`)
        .join(', ')
      return `${title}: ${first}`
    })
    .join('; ')
  return { path: at, message: `matches none of the ${keyword} branches (${detail})` }
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${JSON.stringify(value)}`
}
