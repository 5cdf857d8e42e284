import type { FirewallRule, FirewallSpec } from '@skyloom/core/provider'
import type { WireFirewallRule } from '../api/wire.js'

/** A normalized rule as a firewall's resolved props hold it. */
type SpecRule = FirewallSpec['ingress'][number]

/** A rule as DigitalOcean's API takes it. */
export interface DigitalOceanRule {
  protocol: 'tcp' | 'udp' | 'icmp'
  ports: string
  sources?: { addresses: string[] }
  destinations?: { addresses: string[] }
}

const ANYWHERE = ['0.0.0.0/0', '::/0']
/** DigitalOcean writes "all ports" as "0" (and always "0" for ICMP). */
const ALL_PORTS = '0'

/**
 * Neutral rules as DigitalOcean rules. DigitalOcean knows tcp, udp and icmp only, so a neutral
 * `all` rule becomes three rules; rules carry no description, so descriptions are dropped.
 */
export function toDigitalOceanRules(
  rules: readonly FirewallRule[],
  direction: 'in' | 'out',
): DigitalOceanRule[] {
  const out: DigitalOceanRule[] = []
  for (const rule of rules) {
    const protocols = rule.protocol === 'all' ? (['tcp', 'udp', 'icmp'] as const) : [rule.protocol]
    for (const protocol of protocols) {
      const target = { addresses: [...rule.cidrs] }
      out.push({
        protocol,
        ports: protocol === 'icmp' ? ALL_PORTS : portsText(rule.ports),
        ...(direction === 'in' ? { sources: target } : { destinations: target }),
      })
    }
  }
  return out
}

/**
 * Outbound rules for a firewall whose `egress` is omitted. The neutral meaning is "the cloud's
 * default, all outbound allowed", but a DigitalOcean firewall without outbound rules blocks all
 * outbound traffic, so the default is written out.
 */
export function allowAllOutbound(): DigitalOceanRule[] {
  return (['tcp', 'udp', 'icmp'] as const).map((protocol) => ({
    protocol,
    ports: ALL_PORTS,
    destinations: { addresses: [...ANYWHERE] },
  }))
}

function portsText(ports: FirewallRule['ports']): string {
  if (ports === 'all') return ALL_PORTS
  return ports.from === ports.to ? `${ports.from}` : `${ports.from}-${ports.to}`
}

/**
 * DigitalOcean rules read back as neutral rules, normalized as core normalizes them (ports as a
 * range, CIDRs sorted, rules sorted), so that a read compares equal to what was applied. Three
 * all-port tcp/udp/icmp rules over the same addresses fold back into one `all` rule. Targets
 * other than addresses (tags, Droplets, load balancers) have no neutral form and are skipped.
 */
export function fromDigitalOceanRules(
  rules: readonly WireFirewallRule[],
  direction: 'in' | 'out',
): SpecRule[] {
  const parsed: SpecRule[] = []
  for (const rule of rules) {
    const target = direction === 'in' ? rule.sources : rule.destinations
    const cidrs = [...(target?.addresses ?? [])].sort()
    if (cidrs.length === 0) continue
    if (rule.protocol !== 'tcp' && rule.protocol !== 'udp' && rule.protocol !== 'icmp') continue
    const ports = rule.protocol === 'icmp' ? 'all' : parsePorts(rule.ports)
    parsed.push({ protocol: rule.protocol, ports, cidrs })
  }
  return sortRules(foldAll(parsed))
}

/** True when outbound rules are exactly the allow-all default (so `egress` reads as omitted). */
export function isAllowAllOutbound(rules: readonly FirewallRule[]): boolean {
  return (
    rules.length === 1 &&
    rules[0]!.protocol === 'all' &&
    JSON.stringify(rules[0]!.cidrs) === JSON.stringify([...ANYWHERE].sort())
  )
}

function parsePorts(text: string | undefined): FirewallRule['ports'] {
  if (text === undefined || text === '' || text === ALL_PORTS || text === 'all' || text === '1-65535')
    return 'all'
  const [from, to] = text.split('-').map(Number)
  if (from === undefined || !Number.isFinite(from)) return 'all'
  return { from, to: to !== undefined && Number.isFinite(to) ? to : from }
}

function foldAll(rules: SpecRule[]): SpecRule[] {
  const key = (rule: SpecRule) => JSON.stringify(rule.cidrs)
  const isAllOf = (protocol: SpecRule['protocol'], cidrs: string) => (rule: SpecRule) =>
    rule.protocol === protocol && rule.ports === 'all' && key(rule) === cidrs
  const out: SpecRule[] = []
  const used = new Set<SpecRule>()
  for (const rule of rules) {
    if (used.has(rule) || rule.protocol !== 'tcp' || rule.ports !== 'all') continue
    const cidrs = key(rule)
    const udp = rules.find((other) => !used.has(other) && isAllOf('udp', cidrs)(other))
    const icmp = rules.find((other) => !used.has(other) && isAllOf('icmp', cidrs)(other))
    if (!udp || !icmp) continue
    used.add(rule).add(udp).add(icmp)
    out.push({ protocol: 'all', ports: 'all', cidrs: rule.cidrs })
  }
  return [...out, ...rules.filter((rule) => !used.has(rule))]
}

/** Core sorts normalized rules by their JSON form; do the same. */
function sortRules(rules: SpecRule[]): SpecRule[] {
  return rules.sort((a, b) => {
    const left = JSON.stringify(a)
    const right = JSON.stringify(b)
    return left < right ? -1 : left > right ? 1 : 0
  })
}
