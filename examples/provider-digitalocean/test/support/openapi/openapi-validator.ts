import { describeExchange, type Exchange } from '../exchange.js'
import { isRecord, RefResolver } from './ref-resolver.js'
import { type Direction, validateSchema } from './schema-validator.js'

/** A way in which an exchange departs from the API description. */
export interface Violation {
  /** The exchange, e.g. `POST /v2/droplets → 202`. */
  readonly exchange: string
  /** `request`, `request.body.size`, `response.status`, `response.header.ratelimit-reset`, … */
  readonly where: string
  readonly message: string
}

/** What the validator found for one exchange. */
export interface ExchangeReport {
  /** The documented operation it matched, when it matched one. */
  readonly operationId: string | undefined
  /** The documented response it was checked against: a status code, a range or `default`. */
  readonly responseKey: string | undefined
  readonly violations: readonly Violation[]
}

interface Parameter {
  readonly name: string
  readonly in: string
  readonly required: boolean
  readonly schema: unknown
}

interface Operation {
  readonly method: string
  readonly template: string
  readonly operationId: string
  readonly parameters: readonly Parameter[]
  readonly requestBody: { readonly required: boolean; readonly schema: unknown } | undefined
  readonly responses: Readonly<Record<string, unknown>>
}

interface PathEntry {
  readonly template: string
  readonly pattern: RegExp
  readonly names: readonly string[]
  /** Literal segments: `/v2/droplets/autoscale` is preferred to `/v2/droplets/{droplet_id}`. */
  readonly literals: number
  /** Operation file refs by method, resolved on first use. */
  readonly methods: Readonly<Record<string, unknown>>
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']

/**
 * Checks HTTP exchanges against DigitalOcean's OpenAPI description, loaded from its YAML files
 * at run time. For each request: the path template and method exist, path and query parameters
 * are documented and of the right type, required parameters and headers are present, and the
 * body is present when required and matches the request schema. For each response: the status
 * is documented (exactly, by range, or by `default`), the body matches that response's schema,
 * and documented headers have the right type.
 */
export class OpenApiValidator {
  readonly #resolver = new RefResolver()
  readonly #rootFile: string
  readonly #paths: readonly PathEntry[]
  readonly #operations = new Map<string, Operation>()

  constructor(rootFile: string) {
    this.#rootFile = rootFile
    const root = this.#resolver.load(rootFile)
    const paths = isRecord(root) && isRecord(root.paths) ? root.paths : {}
    this.#paths = Object.entries(paths)
      .filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1]))
      .map(([template, item]) => {
        const names: string[] = []
        const source = template
          .split('/')
          .map((segment) => {
            const match = /^\{(.+)\}$/.exec(segment)
            if (!match) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
            names.push(match[1]!)
            return '([^/]+)'
          })
          .join('/')
        const methods = Object.fromEntries(Object.entries(item).filter(([key]) => METHODS.includes(key)))
        return {
          template,
          pattern: new RegExp(`^${source}$`),
          names,
          literals: template.split('/').filter((segment) => segment && !segment.startsWith('{')).length,
          methods,
        }
      })
      .sort((a, b) => b.literals - a.literals)
  }

  /** Number of documented path templates. */
  get pathCount(): number {
    return this.#paths.length
  }

  validate(exchange: Exchange): ExchangeReport {
    const name = describeExchange(exchange)
    const violations: Violation[] = []
    const add = (where: string, message: string) => violations.push({ exchange: name, where, message })

    const candidates = this.#paths.filter((entry) => entry.pattern.test(exchange.path))
    if (candidates.length === 0) {
      add('request', `no documented path matches ${exchange.path}`)
      return { operationId: undefined, responseKey: undefined, violations }
    }
    const method = exchange.method.toLowerCase()
    const entry = candidates.find((candidate) => method in candidate.methods)
    if (!entry) {
      add(
        'request',
        `${exchange.method} is not documented for ${candidates.map((c) => c.template).join(' or ')}`,
      )
      return { operationId: undefined, responseKey: undefined, violations }
    }
    const operation = this.#operation(entry, method)
    const values = entry.pattern.exec(exchange.path)!.slice(1)

    // Parameters.
    const pathValues = Object.fromEntries(entry.names.map((param, index) => [param, values[index] ?? '']))
    for (const parameter of operation.parameters) {
      const where = `request.${parameter.in}.${parameter.name}`
      const raw =
        parameter.in === 'path'
          ? pathValues[parameter.name]
          : parameter.in === 'query'
            ? exchange.query[parameter.name]
            : parameter.in === 'header'
              ? exchange.requestHeaders[parameter.name.toLowerCase()]
              : undefined
      if (raw === undefined) {
        if (parameter.required) add(where, 'is required but missing')
        continue
      }
      for (const issue of validateSchema(
        parameter.schema,
        coerce(parameter.schema, decode(raw)),
        'request',
      )) {
        add(where, issue.message)
      }
    }
    const documentedQuery = new Set(operation.parameters.filter((p) => p.in === 'query').map((p) => p.name))
    for (const key of Object.keys(exchange.query)) {
      if (!documentedQuery.has(key))
        add(`request.query.${key}`, `is not a documented query parameter of ${operation.operationId}`)
    }

    // Request body.
    if (exchange.requestBody === undefined) {
      if (operation.requestBody?.required) add('request.body', 'is required but missing')
    } else if (!operation.requestBody) {
      if (method !== 'delete') add('request.body', `${operation.operationId} takes no body`)
    } else {
      for (const issue of validateSchema(operation.requestBody.schema, exchange.requestBody, 'request')) {
        add(where('request.body', issue.path), issue.message)
      }
    }

    // Response.
    const responseKey = responseKeyFor(operation.responses, exchange.status)
    if (!responseKey) {
      add(
        'response.status',
        `${exchange.status} is not documented for ${operation.operationId} (and no default)`,
      )
      return { operationId: operation.operationId, responseKey, violations }
    }
    const response = operation.responses[responseKey]
    const content = isRecord(response) && isRecord(response.content) ? response.content : undefined
    const json = content && isRecord(content['application/json']) ? content['application/json'] : undefined
    if (json && 'schema' in json) {
      if (exchange.responseBody === undefined)
        add('response.body', `is empty, but ${responseKey} documents a JSON body`)
      else
        for (const issue of validateSchema(json.schema, exchange.responseBody, 'response')) {
          add(where('response.body', issue.path), issue.message)
        }
    } else if (exchange.responseBody !== undefined && !content) {
      add('response.body', `${responseKey} documents no body, but one was sent`)
    }
    const headers = isRecord(response) && isRecord(response.headers) ? response.headers : {}
    for (const [header, spec] of Object.entries(headers)) {
      const value = exchange.responseHeaders[header.toLowerCase()]
      if (value === undefined || !isRecord(spec)) continue
      for (const issue of validateSchema(spec.schema, coerce(spec.schema, value), 'response')) {
        add(`response.header.${header}`, issue.message)
      }
    }
    return { operationId: operation.operationId, responseKey, violations }
  }

  #operation(entry: PathEntry, method: string): Operation {
    const key = `${method} ${entry.template}`
    const cached = this.#operations.get(key)
    if (cached) return cached
    const raw = this.#resolver.deref(entry.methods[method], this.#rootFile)
    const spec = isRecord(raw) ? raw : {}
    const parameters = (Array.isArray(spec.parameters) ? spec.parameters : []).filter(isRecord).map((p) => ({
      name: String(p.name),
      in: String(p.in),
      required: p.required === true,
      schema: p.schema,
    }))
    const body = isRecord(spec.requestBody) ? spec.requestBody : undefined
    const bodyContent = body && isRecord(body.content) ? body.content['application/json'] : undefined
    const operation: Operation = {
      method,
      template: entry.template,
      operationId: typeof spec.operationId === 'string' ? spec.operationId : key,
      parameters,
      requestBody: body
        ? { required: body.required === true, schema: isRecord(bodyContent) ? bodyContent.schema : undefined }
        : undefined,
      responses: isRecord(spec.responses) ? spec.responses : {},
    }
    this.#operations.set(key, operation)
    return operation
  }
}

/** The documented response for a status: the exact code, then `4XX`-style ranges, then `default`. */
function responseKeyFor(responses: Readonly<Record<string, unknown>>, status: number): string | undefined {
  const exact = String(status)
  if (exact in responses) return exact
  const range = `${exact[0]}XX`
  if (range in responses) return range
  return 'default' in responses ? 'default' : undefined
}

/** Path, query and header values are text; read them as the schema's type before validating. */
function coerce(schema: unknown, value: string): unknown {
  const type = isRecord(schema) ? schema.type : undefined
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value)
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true'
  return value
}

function where(prefix: string, path: string): string {
  return path === '(root)' ? prefix : `${prefix}.${path}`
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

export type { Direction }
