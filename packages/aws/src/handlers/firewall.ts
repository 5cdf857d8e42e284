import type { Filter, SecurityGroup } from '@aws-sdk/client-ec2'
import {
  type CheckIssue,
  type FirewallOutputs,
  type FirewallSpec,
  type FoundResource,
  ProviderError,
  type ReadResult,
  type ResourceHandlerV1,
} from '@skyloom/core/provider'
import { DESCRIBE_NETWORK_BATCH } from '../limits.js'
import { checkOptions, firewallOptionsSchema } from '../options.js'
import type { AwsRuntime } from '../runtime.js'
import type { Session } from '../session.js'
import { keyFilter, observedUserTags, resourceTags, tagMap, tagSpecifications } from '../tags.js'
import {
  awsSection,
  change,
  changedFields,
  completeOrRollBack,
  foundOf,
  ignoreNotFound,
  type Operations,
  openSession,
  sameValue,
  shortHash,
} from './common.js'
import { type DescribeByIdsKind, describeByIds, describeOneById } from './describe-by-ids.js'
import { findAndList } from './find-and-list.js'
import {
  effectiveEgress,
  entriesFromPermissions,
  entriesOf,
  planRuleChanges,
  type RuleEntry,
  rulesFromEntries,
  sameRules,
  toPermissions,
} from './firewall-rules.js'
import { allItems, ec2PageRequest } from './paginate.js'
import { updateTags } from './update-tags.js'

export const FIREWALL_OPERATIONS: Operations = {
  create: { scope: 'mutate', expectedMs: 2_000 },
  read: { scope: 'describe', expectedMs: 400 },
  update: { scope: 'mutate', expectedMs: 2_000 },
  delete: { scope: 'mutate', expectedMs: 2_000 },
  find: { scope: 'describe', expectedMs: 500 },
  list: { scope: 'describe', expectedMs: 1_000 },
}

/** EC2's default limit of inbound (and, separately, outbound) rules per security group. */
const RULES_PER_GROUP = 60
/** Characters EC2 accepts in security group and rule descriptions. */
const DESCRIPTION_CHARS = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/

type FirewallHandler = ResourceHandlerV1<FirewallSpec, FirewallOutputs>

function observedEgress(group: SecurityGroup): FirewallSpec['egress'] {
  const rules = rulesFromEntries(entriesFromPermissions(group.IpPermissionsEgress))
  // The default allow-all rule reads back as "not specified", which is how it was written.
  return sameRules(rules, effectiveEgress(undefined)) ? undefined : rules
}

function toRead(group: SecurityGroup): ReadResult<FirewallSpec, FirewallOutputs> {
  return {
    id: group.GroupId ?? '',
    props: {
      network: group.VpcId ?? '',
      ingress: rulesFromEntries(entriesFromPermissions(group.IpPermissions)),
      // The default allow-all reads as null, "no egress rules of its own": explicit rules
      // someone reset to the default are drift; an omitted egress stays in sync.
      egress: observedEgress(group) ?? null,
      tags: observedUserTags(tagMap(group.Tags)),
    },
    outputs: { id: group.GroupId ?? '' },
  }
}

function toFound(group: SecurityGroup): FoundResource<FirewallSpec, FirewallOutputs> {
  return foundOf(toRead(group), tagMap(group.Tags))
}

/** Every page of a DescribeSecurityGroups query. */
function describeGroups(
  session: Session,
  query: { GroupIds?: string[]; Filters?: Filter[] },
): Promise<SecurityGroup[]> {
  return allItems(
    (token) =>
      session.ec2('DescribeSecurityGroups', ({ client, sdk }, options) =>
        client.send(
          new sdk.DescribeSecurityGroupsCommand(ec2PageRequest(query, 'GroupIds', 1000, token)),
          options,
        ),
      ),
    (page) => page.SecurityGroups ?? [],
  )
}

const GROUPS: DescribeByIdsKind<SecurityGroup> = {
  describe: (session, ids) => describeGroups(session, { GroupIds: ids }),
  idOf: (group) => group.GroupId,
  idPrefix: 'sg',
  missingCode: 'InvalidGroup',
}

/** Authorizes and revokes what it takes to go from `current` to `desired` rules, in one direction. */
async function syncDirection(
  session: Session,
  groupId: string,
  direction: 'Ingress' | 'Egress',
  current: readonly RuleEntry[],
  desired: readonly RuleEntry[],
): Promise<void> {
  const plan = planRuleChanges(current, desired)
  const revoke = async (entries: readonly RuleEntry[]) => {
    if (entries.length === 0) return
    const IpPermissions = toPermissions(entries)
    if (direction === 'Ingress') {
      await session.ec2('RevokeSecurityGroupIngress', ({ client, sdk }, options) =>
        client.send(new sdk.RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions }), options),
      )
    } else {
      await session.ec2('RevokeSecurityGroupEgress', ({ client, sdk }, options) =>
        client.send(new sdk.RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions }), options),
      )
    }
  }
  await revoke(plan.revokeFirst)
  if (plan.authorize.length > 0) {
    const IpPermissions = toPermissions(plan.authorize)
    const explain = (code: string) =>
      code === 'RulesPerSecurityGroupLimitExceeded'
        ? `A security group holds ${RULES_PER_GROUP} rules per direction by default: merge CIDRs or split the firewall.`
        : undefined
    if (direction === 'Ingress') {
      await session.ec2(
        'AuthorizeSecurityGroupIngress',
        ({ client, sdk }, options) =>
          client.send(
            new sdk.AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions }),
            options,
          ),
        { explain },
      )
    } else {
      await session.ec2(
        'AuthorizeSecurityGroupEgress',
        ({ client, sdk }, options) =>
          client.send(
            new sdk.AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions }),
            options,
          ),
        { explain },
      )
    }
  }
  await revoke(plan.revokeAfter)
}

async function syncRules(
  session: Session,
  groupId: string,
  current: { ingress: readonly RuleEntry[]; egress: readonly RuleEntry[] },
  desired: Pick<FirewallSpec, 'ingress' | 'egress'>,
): Promise<void> {
  await syncDirection(session, groupId, 'Ingress', current.ingress, entriesOf(desired.ingress))
  await syncDirection(session, groupId, 'Egress', current.egress, entriesOf(effectiveEgress(desired.egress)))
}

/** The handler for `firewall`: a security group and its rules. */
export function firewallHandler(rt: AwsRuntime): FirewallHandler {
  const ops = FIREWALL_OPERATIONS

  return {
    providerOptions: firewallOptionsSchema,
    operations: ops,
    pollIntervalMs: rt.pollIntervalMs,
    readBatchSize: DESCRIBE_NETWORK_BATCH,

    check(props, ctx) {
      const issues: CheckIssue[] = []
      const region = rt.regionProblem()
      if (region) issues.push({ path: '', message: region, severity: 'error' })
      const options = checkOptions(firewallOptionsSchema, ctx.providerOptions, props, issues)
      if (options.description !== undefined && !DESCRIPTION_CHARS.test(options.description)) {
        issues.push({
          path: 'providerOptions.aws.description',
          message: 'EC2 descriptions take only letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*',
          severity: 'error',
        })
      }
      for (const direction of ['ingress', 'egress'] as const) {
        for (const [index, rule] of (props[direction] ?? []).entries()) {
          if (rule.description !== undefined && !DESCRIPTION_CHARS.test(rule.description)) {
            issues.push({
              path: `${direction}.${index}.description`,
              message: `EC2 rule descriptions take only letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*; "${rule.description}" has others`,
              severity: 'error',
            })
          }
        }
      }
      for (const direction of ['ingress', 'egress'] as const) {
        const count = entriesOf(props[direction] ?? []).length
        if (count > RULES_PER_GROUP) {
          issues.push({
            path: direction,
            message: `${count} ${direction} rules (one per CIDR) exceed the security group limit of ${RULES_PER_GROUP}; merge CIDRs or split the firewall`,
            severity: 'error',
          })
        }
      }
      return issues
    },

    diff(current, desired) {
      const changes = changedFields(current.props, desired)
        .filter((field) => {
          if (field === 'ingress') return !sameRules(current.props.ingress ?? [], desired.ingress)
          if (field === 'egress')
            return !sameRules(effectiveEgress(current.props.egress), effectiveEgress(desired.egress))
          return true
        })
        .map((field) => {
          if (field === 'network') return change(field, true, 'a security group cannot move to another VPC')
          if (field === 'providerOptions') {
            return sameValue(awsSection(current.props).description, awsSection(desired).description)
              ? change(field, false)
              : change(field, true, "a security group's description is fixed at creation")
          }
          return change(field, false)
        })
      return { changes }
    },

    async create(props, ctx) {
      const session = openSession(rt, ctx, 'create', ops)
      const options = session.options(firewallOptionsSchema, props)
      const key = ctx.idempotencyKey
      // Names are unique per VPC; the key's hash keeps a replacement's name apart from the old one's.
      const groupName = `${ctx.stack}-${ctx.name}-${shortHash(key)}`
      let existing: SecurityGroup | undefined
      if (rt.sentKeys.has(key)) {
        existing = (await describeGroups(session, { Filters: [keyFilter(key)] }))[0]
      }
      let groupId = existing?.GroupId
      if (!groupId) {
        rt.sentKeys.add(key)
        try {
          const created = await session.ec2('CreateSecurityGroup', ({ client, sdk }, sendOptions) =>
            client.send(
              new sdk.CreateSecurityGroupCommand({
                GroupName: groupName,
                Description: options.description ?? `Skyloom ${ctx.urn}`,
                VpcId: props.network,
                TagSpecifications: tagSpecifications(['security-group'], resourceTags(ctx, props.tags, key)),
              }),
              sendOptions,
            ),
          )
          groupId = created.GroupId
        } catch (error) {
          // Same name in the same VPC: made by an earlier attempt of this very create.
          if (!(ProviderError.isInstance(error) && error.cloudCode === 'InvalidGroup.Duplicate')) throw error
          existing = (
            await describeGroups(session, {
              Filters: [
                { Name: 'group-name', Values: [groupName] },
                { Name: 'vpc-id', Values: [props.network] },
              ],
            })
          )[0]
          groupId = existing?.GroupId
        }
      }
      if (!groupId) throw session.problem('transient', 'CreateSecurityGroup returned no group id')
      const id = groupId
      const found = existing
      return completeOrRollBack(
        session,
        () =>
          ignoreNotFound(
            session.ec2('DeleteSecurityGroup', ({ client, sdk }, sendOptions) =>
              client.send(new sdk.DeleteSecurityGroupCommand({ GroupId: id }), sendOptions),
            ),
          ),
        async () => {
          // A fresh group has no inbound rules and the default outbound one.
          const current = found
            ? {
                ingress: entriesFromPermissions(found.IpPermissions),
                egress: entriesFromPermissions(found.IpPermissionsEgress),
              }
            : { ingress: [], egress: entriesOf(effectiveEgress(undefined)) }
          await syncRules(session, id, current, props)
          return { id, outputs: { id } }
        },
      )
    },

    async readMany(ids, ctx) {
      const session = openSession(rt, ctx, 'read', ops)
      const found = await describeByIds(session, ids, GROUPS)
      return new Map([...found].map(([id, group]) => [id, toRead(group)]))
    },

    async update(id, request, ctx) {
      const session = openSession(rt, ctx, 'update', ops)
      const { current, desired } = request
      const changed = new Set(request.changed)
      const unsupported = [...changed].filter((field) => !['tags', 'ingress', 'egress'].includes(field))
      if (unsupported.length > 0)
        throw session.problem(
          'invalid',
          `cannot change ${unsupported.join(', ')} of a security group in place`,
        )
      if (changed.has('tags')) await updateTags(session, id, current.props.tags, desired.tags)
      if (changed.has('ingress') || changed.has('egress')) {
        // Rules are reconciled against what the group has now, not what the state remembers.
        const group = await describeOneById(session, id, GROUPS, {
          what: 'security group',
          code: 'InvalidGroup.NotFound',
        })
        await syncRules(
          session,
          id,
          {
            ingress: entriesFromPermissions(group.IpPermissions),
            egress: entriesFromPermissions(group.IpPermissionsEgress),
          },
          desired,
        )
      }
      return { id, outputs: { id } }
    },

    async delete(id, _current, ctx) {
      const session = openSession(rt, ctx, 'delete', ops)
      await ignoreNotFound(
        session.ec2(
          'DeleteSecurityGroup',
          ({ client, sdk }, options) =>
            client.send(new sdk.DeleteSecurityGroupCommand({ GroupId: id }), options),
          {
            explain: (code) =>
              code === 'DependencyViolation'
                ? 'Network interfaces still use the group (instances terminating, or resources outside this stack).'
                : undefined,
          },
        ),
      )
    },

    ...findAndList(
      rt,
      ops,
      (session, filters) => describeGroups(session, { Filters: filters }),
      (_session, groups) => groups.map(toFound),
    ),
  }
}
