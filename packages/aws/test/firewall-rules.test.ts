import type { FirewallRule } from '@skyloom/core/provider'
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_EGRESS,
  entriesFromPermissions,
  entriesOf,
  planRuleChanges,
  rulesFromEntries,
  sameRules,
  toPermissions,
} from '../src/handlers/firewall-rules.js'

const rule = (
  protocol: FirewallRule['protocol'],
  ports: FirewallRule['ports'],
  cidrs: string[],
  description?: string,
): FirewallRule => ({ protocol, ports, cidrs, ...(description ? { description } : {}) })

describe('firewall rules ↔ IpPermissions', () => {
  it('groups rules per protocol and port range, one IpRange per CIDR', () => {
    const permissions = toPermissions(
      entriesOf([
        rule('tcp', { from: 443, to: 443 }, ['0.0.0.0/0'], 'https'),
        rule('tcp', { from: 443, to: 443 }, ['10.0.0.0/8']),
        rule('tcp', 'all', ['10.1.0.0/16']),
        rule('icmp', 'all', ['10.0.0.0/8']),
        rule('all', 'all', ['0.0.0.0/0']),
      ]),
    )
    expect(permissions).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'https' }, { CidrIp: '10.0.0.0/8' }],
      },
      { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '10.1.0.0/16' }] },
      { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    ])
  })

  it('reads permissions back into sorted neutral rules', () => {
    const rules = rulesFromEntries(
      entriesFromPermissions([
        {
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: '192.168.0.0/16' }, { CidrIp: '10.0.0.0/8' }],
        },
        { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
        {
          IpProtocol: '17',
          FromPort: 53,
          ToPort: 53,
          IpRanges: [{ CidrIp: '10.0.0.2/32', Description: 'dns' }],
        },
      ]),
    )
    expect(rules).toEqual([
      { protocol: 'all', ports: 'all', cidrs: ['0.0.0.0/0'] },
      { protocol: 'tcp', ports: { from: 22, to: 22 }, cidrs: ['10.0.0.0/8', '192.168.0.0/16'] },
      { protocol: 'udp', ports: { from: 53, to: 53 }, cidrs: ['10.0.0.2/32'], description: 'dns' },
    ])
    expect(sameRules(rules.slice(0, 1), DEFAULT_EGRESS)).toBe(true)
  })

  it('compares rules as sets of single-CIDR entries', () => {
    expect(
      sameRules(
        [rule('tcp', { from: 80, to: 80 }, ['a', 'b'])],
        [rule('tcp', { from: 80, to: 80 }, ['b']), rule('tcp', { from: 80, to: 80 }, ['a'])],
      ),
    ).toBe(true)
    expect(
      sameRules([rule('tcp', { from: 80, to: 80 }, ['a'], 'x')], [rule('tcp', { from: 80, to: 80 }, ['a'])]),
    ).toBe(false)
  })

  it('authorizes before revoking, except for description-only changes', () => {
    const current = entriesOf([
      rule('tcp', { from: 80, to: 80 }, ['10.0.0.0/8']),
      rule('tcp', { from: 22, to: 22 }, ['0.0.0.0/0']),
    ])
    const desired = entriesOf([
      rule('tcp', { from: 80, to: 80 }, ['10.0.0.0/8'], 'web'),
      rule('tcp', { from: 443, to: 443 }, ['0.0.0.0/0']),
    ])
    const plan = planRuleChanges(current, desired)
    expect(plan.revokeFirst.map((entry) => entry.from)).toEqual([80])
    expect(plan.authorize.map((entry) => entry.from)).toEqual([80, 443])
    expect(plan.revokeAfter.map((entry) => entry.from)).toEqual([22])
  })
})
