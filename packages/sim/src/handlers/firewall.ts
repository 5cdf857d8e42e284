import type { FirewallRule, FirewallSpec } from '@skyloom/core/provider'
import { SimApiError } from '../errors.js'
import type { FirewallRecord } from '../records.js'
import type { SimCloud } from '../sim-cloud.js'
import {
  createOnce,
  deleteAndWait,
  describeOperations,
  runUpdate,
  type SimHandler,
  type UpdateCall,
} from './common.js'
import { traits } from './traits.js'

/** Rules per direction of one firewall, as EC2 allows per security group. */
export const MAX_RULES_PER_DIRECTION = 60

function requireRuleCount(direction: string, rules: readonly FirewallRule[] | undefined): void {
  if ((rules?.length ?? 0) > MAX_RULES_PER_DIRECTION) {
    throw new SimApiError(
      'RulesPerSecurityGroupLimitExceeded',
      `a firewall holds at most ${MAX_RULES_PER_DIRECTION} ${direction} rules, got ${rules?.length}; merge rules or split the firewall`,
    )
  }
}

/** The `firewall` kind: ingress and egress rules attached to instances of one network. */
export function firewallHandler(cloud: SimCloud): SimHandler<'firewall'> {
  return {
    ...traits(cloud, 'firewall'),
    ...describeOperations(cloud, 'firewall'),

    async create(props: FirewallSpec, ctx) {
      return cloud.request({ action: 'CreateFirewall', scope: 'mutate', operation: 'create', ctx }, (now) => {
        const spec: FirewallRecord['spec'] = {
          network: props.network,
          ingress: props.ingress ?? [],
          egress: props.egress,
        }
        return createOnce(cloud, 'firewall', ctx, now, { spec, tags: props.tags }, (newBase) => {
          cloud.requireReference('network', props.network, 'InvalidNetworkID.NotFound', 'network')
          requireRuleCount('ingress', spec.ingress)
          requireRuleCount('egress', spec.egress)
          return { ...newBase(), kind: 'firewall', spec }
        })
      })
    },

    async update(id, change, ctx) {
      const calls: UpdateCall[] = []
      for (const direction of ['ingress', 'egress'] as const) {
        if (!change.changed.includes(direction)) continue
        const action = direction === 'ingress' ? 'UpdateFirewallIngress' : 'UpdateFirewallEgress'
        calls.push({
          scope: 'mutate',
          run: () =>
            cloud.request({ action, scope: 'mutate', operation: 'update', ctx }, () => {
              const rules = change.desired[direction]
              requireRuleCount(direction, rules)
              const record = cloud.requireTarget('firewall', id)
              if (direction === 'ingress') record.spec.ingress = rules ?? []
              else record.spec.egress = rules
            }),
        })
      }
      return runUpdate(cloud, 'firewall', id, ctx, {
        changed: change.changed,
        tags: change.desired.tags,
        inPlace: ['ingress', 'egress', 'tags', 'providerOptions'],
        calls,
      })
    },

    async delete(id, _current, ctx) {
      await deleteAndWait(cloud, 'firewall', id, ctx, {
        action: 'DeleteFirewall',
        scope: 'mutate',
        usedBy: (other, record) =>
          (other.kind === 'instance' || other.kind === 'instance-group') &&
          other.spec.firewalls.includes(record.id),
      })
    },
  }
}
