import type { z } from 'zod'
import type { ValidationIssue } from '../errors/validation-error.js'
import { cidrContains, cidrOverlaps, type Ipv4Block, parseCidr } from '../model/cidr.js'
import { parseDuration } from '../model/duration.js'
import { isNeutralKind, NEUTRAL_KINDS } from '../model/kinds/index.js'
import { collectRefs, type OutputRef } from '../model/reference.js'
import { isPlainObject } from '../model/secret.js'
import type { Stack, StackResource } from '../model/stack.js'
import { describeNameRule, KIND_PATTERN, NAME_PATTERN, parseUrn } from '../model/urn.js'
import type { CheckIssue } from '../provider/contract.js'
import { type NormalizedHandler, type NormalizedProvider, normalizeProvider } from '../provider/normalize.js'
import type { PlannedOptions, PlanWarning } from './types.js'

/** A resource that passed validation, with everything the planner needs. */
export interface ValidResource {
  readonly urn: string
  readonly kind: string
  readonly name: string
  /** Props after schema parsing: defaults filled, rules normalized, references kept as refs. */
  readonly props: Record<string, unknown>
  readonly refs: ReadonlyArray<{ path: string; ref: OutputRef }>
  /** URNs of resources this one depends on (references and dependsOn), in first-seen order. */
  readonly dependencies: readonly string[]
  readonly provider: NormalizedProvider
  readonly handler: NormalizedHandler
  readonly options: PlannedOptions
  readonly ignoreChanges: readonly string[]
  readonly replaceOnChanges: readonly string[]
  readonly providerOptions: Readonly<Record<string, unknown>> | undefined
  readonly warnings: string[]
}

export interface ValidationOutcome {
  readonly resources: readonly ValidResource[]
  readonly byUrn: ReadonlyMap<string, ValidResource>
  readonly providers: ReadonlyMap<string, NormalizedProvider>
  readonly issues: ValidationIssue[]
  readonly warnings: PlanWarning[]
}

/**
 * Checks a stack and reports every problem at once: names, duplicates, props (zod), CIDRs,
 * references, providers and kinds, provider checks. Cycles are found by the planner.
 */
export async function validateStack(stack: Stack): Promise<ValidationOutcome> {
  const issues: ValidationIssue[] = []
  const warnings: PlanWarning[] = []
  const problem = (path: string, rule: string, message: string) => issues.push({ path, rule, message })

  if (!NAME_PATTERN.test(stack.name)) {
    problem(stack.name, 'stack-name', `stack name "${stack.name}" is invalid: use ${describeNameRule()}`)
  }

  const providers = collectProviders(stack, problem)
  const declared = new Map<string, StackResource>()
  for (const resource of stack.resources) {
    if (declared.has(resource.urn)) {
      problem(
        resource.urn,
        'duplicate-name',
        `${resource.kind} "${resource.name}" is declared twice in stack "${stack.name}"; give each resource its own name`,
      )
      continue
    }
    declared.set(resource.urn, resource)
  }

  const resources: ValidResource[] = []
  const byUrn = new Map<string, ValidResource>()
  for (const resource of declared.values()) {
    const valid = validateResource(stack, resource, declared, problem)
    if (valid) {
      resources.push(valid)
      byUrn.set(valid.urn, valid)
    }
  }

  checkNetworks(resources, byUrn, problem)
  checkVolumeZones(resources, byUrn, problem)
  await runProviderChecks(stack, resources, problem, warnings)
  for (const resource of resources) {
    for (const message of resource.warnings) warnings.push({ path: resource.urn, message })
  }
  return { resources, byUrn, providers, issues, warnings }
}

type Problem = (path: string, rule: string, message: string) => void

function collectProviders(stack: Stack, problem: Problem): Map<string, NormalizedProvider> {
  const providers = new Map<string, NormalizedProvider>()
  for (const raw of stack.providers) {
    let provider: NormalizedProvider
    try {
      provider = normalizeProvider(raw)
    } catch (error) {
      problem(stack.name, 'provider', (error as Error).message)
      continue
    }
    const existing = providers.get(provider.key)
    if (existing && existing.raw !== raw) {
      problem(
        stack.name,
        'provider-key',
        `two different provider instances share the key "${provider.key}"; give each region or account its own key`,
      )
    }
    providers.set(provider.key, provider)
  }
  return providers
}

function validateResource(
  stack: Stack,
  resource: StackResource,
  declared: ReadonlyMap<string, StackResource>,
  problem: Problem,
): ValidResource | undefined {
  const { urn, kind, name } = resource
  let ok = true
  if (!KIND_PATTERN.test(kind)) {
    problem(
      urn,
      'kind',
      `kind "${kind}" is invalid: use lowercase words such as "instance" or "aws:launch-template"`,
    )
    ok = false
  }
  if (!NAME_PATTERN.test(name)) {
    problem(urn, 'resource-name', `name "${name}" is invalid: use ${describeNameRule()}`)
    ok = false
  }
  const provider = normalizeProvider(resource.provider)
  const handler = provider.kinds.get(kind)
  if (!handler) {
    const known = [...provider.kinds.keys()].join(', ') || 'none'
    problem(
      urn,
      'unsupported-kind',
      `provider "${provider.key}" does not handle kind "${kind}" (it handles: ${known}); choose another provider for this resource with the provider option`,
    )
    ok = false
  }
  if (!isPlainObject(resource.props)) {
    problem(`${urn}.props`, 'props', 'props must be an object')
    return undefined
  }

  const schema: z.ZodType | undefined = isNeutralKind(kind) ? NEUTRAL_KINDS[kind].schema : handler?.raw.schema
  let props: Record<string, unknown> = { ...resource.props }
  if (isNeutralKind(kind) && Object.keys(stack.tags).length > 0) {
    props.tags = { ...stack.tags, ...(isPlainObject(props.tags) ? props.tags : {}) }
  }
  if (schema) {
    const parsed = schema.safeParse(props)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const keys =
          issue.code === 'unrecognized_keys' && issue.keys.length === 1
            ? [...issue.path, issue.keys[0]!]
            : issue.path
        problem(`${urn}.props${formatZodPath(keys)}`, 'props', describeZodIssue(issue, props))
      }
      ok = false
    } else {
      props = parsed.data as Record<string, unknown>
    }
  }

  const refs = collectRefs(props)
  const dependencies: string[] = []
  const addDependency = (target: string) => {
    if (!dependencies.includes(target)) dependencies.push(target)
  }
  for (const { path, ref } of refs) {
    const where = `${urn}.props.${path}`
    const target = declared.get(ref.urn)
    if (!target) {
      const parsedTarget = parseUrn(ref.urn)
      const elsewhere =
        parsedTarget && parsedTarget.stack !== stack.name
          ? ` (it belongs to stack "${parsedTarget.stack}")`
          : ''
      problem(
        where,
        'unknown-reference',
        `references ${ref.urn}, which is not in stack "${stack.name}"${elsewhere}; add that resource to this stack or pass a plain value`,
      )
      ok = false
      continue
    }
    const outputs = isNeutralKind(target.kind)
      ? NEUTRAL_KINDS[target.kind].outputs
      : normalizeProvider(target.provider).kinds.get(target.kind)?.raw.outputs
    if (outputs && !outputs.includes(ref.path)) {
      problem(
        where,
        'dangling-reference',
        `references output "${ref.path}" of ${ref.urn}, but a ${target.kind} has no such output (it has: ${outputs.join(', ')})`,
      )
      ok = false
      continue
    }
    addDependency(ref.urn)
  }
  for (const [index, entry] of (resource.options.dependsOn ?? []).entries()) {
    const target = resolveDependsOn(stack.name, entry)
    if (!target || !declared.has(target)) {
      problem(
        `${urn}.options.dependsOn[${index}]`,
        'unknown-dependency',
        `dependsOn names ${typeof entry === 'string' ? `"${entry}"` : entry.urn}, which is not in stack "${stack.name}"`,
      )
      ok = false
      continue
    }
    addDependency(target)
  }

  const options = plannedOptions(urn, resource, problem)
  const warnings: string[] = []
  const providerOptions = handler
    ? checkProviderOptions(urn, props, provider, handler, problem, warnings)
    : undefined
  if (!ok || !handler || !options) return undefined
  return {
    urn,
    kind,
    name,
    props,
    refs,
    dependencies,
    provider,
    handler,
    options,
    ignoreChanges: resource.options.ignoreChanges ?? [],
    replaceOnChanges: resource.options.replaceOnChanges ?? [],
    providerOptions,
    warnings,
  }
}

function resolveDependsOn(stackName: string, entry: string | { urn: string }): string | undefined {
  if (typeof entry !== 'string') return entry.urn
  if (entry.split('/').length === 3) return entry
  if (entry.split('/').length === 2) return `${stackName}/${entry}`
  return undefined
}

function plannedOptions(urn: string, resource: StackResource, problem: Problem): PlannedOptions | undefined {
  const timeouts: { create?: number; update?: number; delete?: number } = {}
  let ok = true
  for (const [operation, value] of Object.entries(resource.options.timeouts ?? {})) {
    if (value === undefined) continue
    const ms = parseDuration(value)
    if (ms === undefined || !['create', 'update', 'delete'].includes(operation)) {
      problem(
        `${urn}.options.timeouts.${operation}`,
        'timeout',
        `timeout ${JSON.stringify(value)} is invalid: give create, update or delete as milliseconds or text like "90s", "10m", "1h"`,
      )
      ok = false
      continue
    }
    timeouts[operation as 'create'] = ms
  }
  if (!ok) return undefined
  return {
    protect: resource.options.protect === true,
    retainOnDelete: resource.options.retainOnDelete === true,
    deleteBeforeReplace: resource.options.deleteBeforeReplace === true,
    timeouts,
  }
}

function checkProviderOptions(
  urn: string,
  props: Record<string, unknown>,
  provider: NormalizedProvider,
  handler: NormalizedHandler,
  problem: Problem,
  warnings: string[],
): Readonly<Record<string, unknown>> | undefined {
  const sections = props.providerOptions
  if (!isPlainObject(sections)) return undefined
  let own: Record<string, unknown> | undefined
  for (const [name, section] of Object.entries(sections)) {
    if (name !== provider.name) {
      warnings.push(`providerOptions.${name} is ignored: this resource uses provider "${provider.name}"`)
      continue
    }
    const schema = handler.raw.providerOptions
    if (!schema) {
      problem(
        `${urn}.props.providerOptions.${name}`,
        'provider-options',
        `provider "${provider.name}" takes no options for kind "${handler.kind}"; remove this section`,
      )
      continue
    }
    const parsed = schema.safeParse(section)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problem(
          `${urn}.props.providerOptions.${name}${formatZodPath(issue.path)}`,
          'provider-options',
          describeZodIssue(issue, section),
        )
      }
      continue
    }
    own = parsed.data as Record<string, unknown>
  }
  return own
}

/** Subnets inside their network, and no two subnets of one network overlapping. */
function checkNetworks(
  resources: readonly ValidResource[],
  byUrn: ReadonlyMap<string, ValidResource>,
  problem: Problem,
): void {
  const subnetsByNetwork = new Map<string, Array<{ urn: string; block: Ipv4Block }>>()
  for (const resource of resources) {
    if (resource.kind !== 'subnet') continue
    const networkRef = resource.refs.find((entry) => entry.path === 'network')?.ref
    const cidr = parseCidr(String(resource.props.cidr))
    if (!networkRef || !cidr.ok) continue
    const network = byUrn.get(networkRef.urn)
    if (network?.kind === 'network') {
      const outer = parseCidr(String(network.props.cidr))
      if (outer.ok && !cidrContains(outer.block, cidr.block)) {
        problem(
          `${resource.urn}.props.cidr`,
          'cidr-outside-network',
          `subnet ${cidr.block.text} is not inside its network ${network.urn} (${outer.block.text}); choose a block inside ${outer.block.text}`,
        )
      }
    }
    const list = subnetsByNetwork.get(networkRef.urn) ?? []
    list.push({ urn: resource.urn, block: cidr.block })
    subnetsByNetwork.set(networkRef.urn, list)
  }
  for (const subnets of subnetsByNetwork.values()) {
    subnets.sort((a, b) => a.block.base - b.block.base || a.block.last - b.block.last)
    let widest: { urn: string; block: Ipv4Block } | undefined
    for (const subnet of subnets) {
      if (widest && cidrOverlaps(widest.block, subnet.block)) {
        problem(
          `${subnet.urn}.props.cidr`,
          'cidr-overlap',
          `subnet ${subnet.block.text} overlaps ${widest.urn} (${widest.block.text}) in the same network; give each subnet its own block`,
        )
      }
      if (!widest || subnet.block.last > widest.block.last) widest = subnet
    }
  }
}

/** A volume attached to an instance must be in the instance's zone, when both are given. */
function checkVolumeZones(
  resources: readonly ValidResource[],
  byUrn: ReadonlyMap<string, ValidResource>,
  problem: Problem,
): void {
  for (const resource of resources) {
    if (resource.kind !== 'volume' || resource.props.zone === undefined) continue
    const target = resource.refs.find((entry) => entry.path === 'attachTo')?.ref
    const instance = target ? byUrn.get(target.urn) : undefined
    if (
      instance?.kind === 'instance' &&
      instance.props.zone !== undefined &&
      instance.props.zone !== resource.props.zone
    ) {
      problem(
        `${resource.urn}.props.zone`,
        'zone-mismatch',
        `volume zone "${String(resource.props.zone)}" differs from the zone of ${instance.urn} ("${String(instance.props.zone)}"); a volume attaches only within its zone`,
      )
    }
  }
}

async function runProviderChecks(
  stack: Stack,
  resources: readonly ValidResource[],
  problem: Problem,
  warnings: PlanWarning[],
): Promise<void> {
  await Promise.all(
    resources
      .filter((resource) => resource.handler.raw.check !== undefined)
      .map(async (resource) => {
        let found: CheckIssue[]
        try {
          found = await resource.handler.check(resource.props, {
            urn: resource.urn,
            stack: stack.name,
            kind: resource.kind,
            name: resource.name,
            providerOptions: resource.providerOptions,
          })
        } catch (error) {
          problem(
            resource.urn,
            'provider-check',
            `provider "${resource.provider.key}" check failed: ${(error as Error).message}`,
          )
          return
        }
        for (const issue of found) {
          const path = `${resource.urn}.props${issue.path ? `.${issue.path}` : ''}`
          if (issue.severity === 'warning') warnings.push({ path, message: issue.message })
          else problem(path, 'provider-check', issue.message)
        }
      }),
  )
}

export function formatZodPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `.${String(part)}`
  return out
}

function describeZodIssue(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}: check the spelling, or move provider-specific settings under providerOptions`
  }
  if (
    (issue.code === 'invalid_type' || issue.code === 'invalid_union') &&
    valueAt(input, issue.path) === undefined
  ) {
    return issue.code === 'invalid_type'
      ? `required field is missing (expected ${issue.expected})`
      : 'required field is missing'
  }
  return issue.message
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input
  for (const part of path) {
    if (typeof node !== 'object' || node === null) return undefined
    node = (node as Record<PropertyKey, unknown>)[part]
  }
  return node
}
