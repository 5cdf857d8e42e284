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

function ruleSchema(direction: 'ingress' | 'egress') {
  const peer = direction === 'ingress' ? 'from' : 'to'
  return z
    .strictObject({
      protocol: z.enum(['tcp', 'udp', 'icmp', 'all']).default('tcp'),
      /** A port, `[from, to]`, `"from-to"` or `'all'`. Required for tcp and udp. */
      ports: portsSchema.optional(),
      /** Ingress: source CIDRs. */
      from: direction === 'ingress' ? cidrListSchema : z.never().optional(),
      /** Egress: destination CIDRs. */
      to: direction === 'egress' ? cidrListSchema : z.never().optional(),
      description: z.string().max(255).optional(),
    })
    .transform((rule, ctx): FirewallRule => {
      const raw = rule[peer] as string | string[]
      const cidrs = (Array.isArray(raw) ? raw : [raw]).slice().sort()
      cidrs.forEach((cidr, index) => {
        const parsed = parseCidr(cidr)
        if (!parsed.ok) ctx.addIssue({ code: 'custom', path: [peer, index], message: parsed.error })
      })
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
            ctx.addIssue({ code: 'custom', path: ['ports'], message: `port range ${from}-${to} is not within 1-65535 in order` })
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
    })
}

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
    .array(ruleSchema('ingress'))
    .default([])
    .transform((rules) => rules.slice().sort(byCanonicalForm)),
  /** Omitted: the cloud's default (all outbound allowed). Given: exactly these rules. */
  egress: z
    .array(ruleSchema('egress'))
    .optional()
    .transform((rules) => rules?.slice().sort(byCanonicalForm)),
  tags: tagsSchema,
  providerOptions: providerOptionsSchema,
})

export type FirewallProps = z.input<typeof firewallSchema>

export interface FirewallOutputs {
  readonly id: string
}
