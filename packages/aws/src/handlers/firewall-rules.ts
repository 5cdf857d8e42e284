import type { IpPermission } from '@aws-sdk/client-ec2'
import type { FirewallRule } from '@skyloom/core/provider'

/**
 * Conversions between the neutral rule shape and EC2's IpPermissions.
 *
 * EC2 merges rules with the same protocol and ports into one permission with several CIDRs
 * (each with its own description), so rules are compared as sets of single-CIDR entries:
 * `{tcp 443 from [a, b]}` and `{tcp 443 from a}, {tcp 443 from b}` are the same firewall.
 */

/** One protocol, port range, CIDR and description: the unit EC2 authorizes and revokes. */
export interface RuleEntry {
  readonly protocol: FirewallRule['protocol']
  readonly from: number
  readonly to: number
  readonly cidr: string
  readonly description: string | undefined
}

/** What EC2 does when a security group has no egress rules of its own: allow everything out. */
export const DEFAULT_EGRESS: readonly FirewallRule[] = [
  { protocol: 'all', ports: 'all', cidrs: ['0.0.0.0/0'] },
]

function portRange(rule: FirewallRule): { from: number; to: number } {
  if (rule.protocol === 'icmp' || rule.protocol === 'all') return { from: -1, to: -1 }
  return rule.ports === 'all' ? { from: 0, to: 65535 } : rule.ports
}

export function entriesOf(rules: readonly FirewallRule[]): RuleEntry[] {
  return rules.flatMap((rule) => {
    const { from, to } = portRange(rule)
    return rule.cidrs.map((cidr) => ({
      protocol: rule.protocol,
      from,
      to,
      cidr,
      description: rule.description,
    }))
  })
}

/** Identity of an entry for EC2 (which ignores descriptions when matching rules). */
export function entryTarget(entry: RuleEntry): string {
  return `${entry.protocol}|${entry.from}|${entry.to}|${entry.cidr}`
}

export function entryKey(entry: RuleEntry): string {
  return `${entryTarget(entry)}|${entry.description ?? ''}`
}

/** Whether two rule lists describe the same traffic (order and grouping ignored). */
export function sameRules(a: readonly FirewallRule[], b: readonly FirewallRule[]): boolean {
  const left = new Set(entriesOf(a).map(entryKey))
  const right = new Set(entriesOf(b).map(entryKey))
  return left.size === right.size && [...left].every((key) => right.has(key))
}

/** Egress as EC2 applies it: undefined means the default allow-all rule. */
export function effectiveEgress(egress: readonly FirewallRule[] | undefined): readonly FirewallRule[] {
  return egress ?? DEFAULT_EGRESS
}

const PROTOCOL_NUMBERS: Record<string, FirewallRule['protocol']> = {
  '-1': 'all',
  all: 'all',
  tcp: 'tcp',
  '6': 'tcp',
  udp: 'udp',
  '17': 'udp',
  icmp: 'icmp',
  '1': 'icmp',
}

/** IpPermissions for a set of entries: one permission per protocol and port range. */
export function toPermissions(entries: readonly RuleEntry[]): IpPermission[] {
  const byRange = new Map<string, IpPermission>()
  for (const entry of entries) {
    const key = `${entry.protocol}|${entry.from}|${entry.to}`
    let permission = byRange.get(key)
    if (!permission) {
      permission = {
        IpProtocol: entry.protocol === 'all' ? '-1' : entry.protocol,
        ...(entry.protocol === 'all' ? {} : { FromPort: entry.from, ToPort: entry.to }),
        IpRanges: [],
      }
      byRange.set(key, permission)
    }
    permission.IpRanges!.push({
      CidrIp: entry.cidr,
      ...(entry.description ? { Description: entry.description } : {}),
    })
  }
  return [...byRange.values()]
}

/** Entries read back from IpPermissions; permissions of other shapes (IPv6, group references) are skipped. */
export function entriesFromPermissions(permissions: readonly IpPermission[] | undefined): RuleEntry[] {
  const entries: RuleEntry[] = []
  for (const permission of permissions ?? []) {
    const protocol = PROTOCOL_NUMBERS[permission.IpProtocol ?? '']
    if (!protocol) continue
    const from = protocol === 'all' || protocol === 'icmp' ? -1 : (permission.FromPort ?? 0)
    const to = protocol === 'all' || protocol === 'icmp' ? -1 : (permission.ToPort ?? 65535)
    for (const range of permission.IpRanges ?? []) {
      if (!range.CidrIp) continue
      entries.push({ protocol, from, to, cidr: range.CidrIp, description: range.Description || undefined })
    }
  }
  return entries
}

/** A rule as read back (a plain, mutable `FirewallRule`). */
export interface ObservedRule {
  readonly protocol: FirewallRule['protocol']
  readonly ports: FirewallRule['ports']
  readonly cidrs: string[]
  readonly description?: string
}

/** Neutral rules for entries, grouped by protocol, ports and description and sorted like the core sorts them. */
export function rulesFromEntries(entries: readonly RuleEntry[]): ObservedRule[] {
  const groups = new Map<string, { rule: Omit<FirewallRule, 'cidrs'>; cidrs: string[] }>()
  for (const entry of entries) {
    const ports: FirewallRule['ports'] =
      entry.protocol === 'all' || entry.protocol === 'icmp' || (entry.from === 0 && entry.to === 65535)
        ? 'all'
        : { from: entry.from, to: entry.to }
    const key = `${entry.protocol}|${JSON.stringify(ports)}|${entry.description ?? ''}`
    const group = groups.get(key) ?? {
      rule: {
        protocol: entry.protocol,
        ports,
        ...(entry.description ? { description: entry.description } : {}),
      },
      cidrs: [],
    }
    group.cidrs.push(entry.cidr)
    groups.set(key, group)
  }
  const rules: ObservedRule[] = [...groups.values()].map(({ rule, cidrs }) => ({
    protocol: rule.protocol,
    ports: rule.ports,
    cidrs: [...new Set(cidrs)].sort(),
    ...(rule.description ? { description: rule.description } : {}),
  }))
  return rules.sort((a, b) => {
    const left = JSON.stringify(a)
    const right = JSON.stringify(b)
    return left < right ? -1 : left > right ? 1 : 0
  })
}

/**
 * The calls that move a group from `current` to `desired` entries. Entries whose only change
 * is the description are revoked before they are authorized again (EC2 would call the new one a
 * duplicate); every other new rule is authorized before an old one is revoked, so traffic that
 * stays allowed is never cut.
 */
export function planRuleChanges(
  current: readonly RuleEntry[],
  desired: readonly RuleEntry[],
): { revokeFirst: RuleEntry[]; authorize: RuleEntry[]; revokeAfter: RuleEntry[] } {
  const currentKeys = new Set(current.map(entryKey))
  const desiredKeys = new Set(desired.map(entryKey))
  const authorize = desired.filter((entry) => !currentKeys.has(entryKey(entry)))
  const removals = current.filter((entry) => !desiredKeys.has(entryKey(entry)))
  const reauthorized = new Set(authorize.map(entryTarget))
  return {
    revokeFirst: removals.filter((entry) => reauthorized.has(entryTarget(entry))),
    authorize,
    revokeAfter: removals.filter((entry) => !reauthorized.has(entryTarget(entry))),
  }
}
