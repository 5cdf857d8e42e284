import type { FirewallRule, FirewallSpec } from '@skyloom/core/provider'
import { SimApiError } from '../errors.js'
import type { FirewallRecord } from '../records.js'
import type { SimCloud } from '../sim-cloud.js'
import {
  deleteAndWait,
  describeOperations,
  existingForKey,
  fingerprintOf,
  insertRecord,
  newRecordBase,
  refuseIfUsed,
  resultOf,
  runUpdate,
  type SimHandler,
  tagsCall,
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
        const fingerprint = fingerprintOf('firewall', { spec, tags: props.tags })
        const existing = existingForKey(cloud, 'firewall', ctx, fingerprint)
        if (existing) return resultOf(cloud, existing)
        cloud.requireReference('network', props.network, 'InvalidNetworkID.NotFound', 'network')
        requireRuleCount('ingress', spec.ingress)
        requireRuleCount('egress', spec.egress)
        const record: FirewallRecord = {
          ...newRecordBase(cloud, 'firewall', ctx, now, {
            fingerprint,
            tags: props.tags,
            provisionMs: cloud.provisionMs('firewall', ctx),
          }),
          kind: 'firewall',
          spec,
        }
        insertRecord(cloud, record, now)
        return resultOf(cloud, record)
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
      if (change.changed.includes('tags'))
        calls.push(tagsCall(cloud, 'firewall', id, ctx, change.desired.tags))
      return runUpdate(cloud, 'firewall', id, ctx, {
        changed: change.changed,
        inPlace: ['ingress', 'egress', 'tags', 'providerOptions'],
        calls,
      })
    },

    async delete(id, _current, ctx) {
      await deleteAndWait(cloud, 'firewall', id, ctx, {
        action: 'DeleteFirewall',
        scope: 'mutate',
        check: (record) =>
          refuseIfUsed(
            `firewall ${record.id}`,
            cloud
              .records()
              .filter(
                (other) =>
                  (other.kind === 'instance' || other.kind === 'instance-group') &&
                  other.spec.firewalls.includes(record.id),
              ),
          ),
      })
    },
  }
}
