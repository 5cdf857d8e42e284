import { z } from 'zod'
import { parseCidr } from '../cidr.js'
import { input, providerOptionsSchema, tagsSchema } from './common.js'

const portSchema = z.number().int().min(1, 'ports are 1-65535').max(65535, 'ports are 1-65535')
const portsSchema = z.union([
  portSchema,
  z.tuple([portSchema, portSchema]),
  z.string().regex(/^\d{1,5}-\d{1,5}$/, 'a port range is written "8000-8100"'),
  z.literal('all'),
])

const cidrListSchema = z.union([z.string(), z.array(z.string()).min(1)])

/** A normalized firewall rule: what providers receive and what the state stores. */
export interface FirewallRule {
  readonly protocol: 'tcp' | 'udp' | 'icmp' | 'all'
  /** Inclusive port range, or 'all' (always 'all' for icmp and all). */
  readonly ports: { readonly from: number; readonly to: number } | 'all'
  /** Source CIDRs (ingress) or destination CIDRs (egress), sorted. */
  readonly cidrs: readonly string[]
  readonly description?: string
}

const ruleFields = {
  protocol: z.enum(['tcp', 'udp', 'icmp', 'all']).default('tcp'),
  /** A port, `[from, to]`, `"from-to"` or `'all'`. Required for tcp and udp. */
  ports: portsSchema.optional(),
  description: z.string().max(255).optional(),
}

type RawRule = {
  protocol: FirewallRule['protocol']
  ports?: z.output<typeof portsSchema>
  description?: string
}

/** Normalizes a rule: peers sorted, ports as an inclusive range, checks that need the protocol. */
function normalizeRule(
  rule: RawRule,
  peer: 'from' | 'to',
  raw: string | string[],
  ctx: z.RefinementCtx,
): FirewallRule {
  const cidrs = (Array.isArray(raw) ? raw : [raw]).slice().sort()
  for (const [index, cidr] of cidrs.entries()) {
    const parsed = parseCidr(cidr)
    if (!parsed.ok)
      ctx.addIssue({
        code: 'custom',
        path: Array.isArray(raw) ? [peer, raw.indexOf(cidr)] : [peer],
        message: parsed.error,
      })
    void index
  }
  let ports: FirewallRule['ports'] = 'all'
  if (rule.protocol === 'tcp' || rule.protocol === 'udp') {
    if (rule.ports === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['ports'],
        message: `a ${rule.protocol} rule needs ports: 443, [8000, 8100], "8000-8100" or 'all'`,
      })
    } else if (rule.ports !== 'all') {
      const [from, to] =
        typeof rule.ports === 'number'
          ? [rule.ports, rule.ports]
          : typeof rule.ports === 'string'
            ? (rule.ports.split('-').map(Number) as [number, number])
            : rule.ports
      if (from > to || to > 65535 || from < 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['ports'],
          message: `port range ${from}-${to} is not within 1-65535 in order`,
        })
      }
      ports = { from, to }
    }
  } else if (rule.ports !== undefined && rule.ports !== 'all') {
    ctx.addIssue({ code: 'custom', path: ['ports'], message: `${rule.protocol} rules take no ports` })
  }
  return {
    protocol: rule.protocol,
    ports,
    cidrs,
    ...(rule.description === undefined ? {} : { description: rule.description }),
  }
}

/** An ingress rule: traffic `from` these CIDRs to these ports. */
const ingressRuleSchema = z
  .strictObject({ ...ruleFields, from: cidrListSchema })
  .transform((rule, ctx) => normalizeRule(rule, 'from', rule.from, ctx))

/** An egress rule: traffic `to` these CIDRs on these ports. */
const egressRuleSchema = z
  .strictObject({ ...ruleFields, to: cidrListSchema })
  .transform((rule, ctx) => normalizeRule(rule, 'to', rule.to, ctx))

const byCanonicalForm = (a: FirewallRule, b: FirewallRule): number =>
  JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0

/**
 * Firewall rules for a network: AWS security group, GCP firewall rules on a network tag named
 * after the firewall, Azure network security group. Rules are stored sorted, so their order in
 * code does not matter.
 */
export const firewallSchema = z.strictObject({
  network: input(z.string().min(1)),
  ingress: z
    .array(ingressRuleSchema)
    .default([])
    .transform((rules) => rules.slice().sort(byCanonicalForm)),
  /** Omitted: the cloud's default (all outbound allowed). Given: exactly these rules. */
  egress: z
    .array(egressRuleSchema)
    .optional()
    .transform((rules) => rules?.slice().sort(byCanonicalForm)),
  tags: tagsSchema,
  providerOptions: providerOptionsSchema,
})

export type FirewallProps = z.input<typeof firewallSchema>

export interface FirewallOutputs {
  readonly id: string
}
