import {
  type CheckIssue,
  type FirewallOutputs,
  type FirewallSpec,
  type FoundResource,
  OWNERSHIP_TAG_STACK,
  OWNERSHIP_TAG_URN,
  ProviderError,
  type ReadResult,
  type ResourceHandlerV1,
} from '@skyloom/core/provider'
import { PROVIDER_NAME } from '../api/errors.js'
import type { ApiSession } from '../api/session.js'
import { type Firewall, firewallEnvelope, firewallList, tagEnvelope } from '../api/wire.js'
import { cloudName } from '../naming.js'
import type { Runtime } from '../runtime.js'
import { decodeTag, FIREWALL_TAG_PREFIX, firewallTag } from '../tags.js'
import {
  allowAllOutbound,
  fromDigitalOceanRules,
  isAllowAllOutbound,
  toDigitalOceanRules,
} from './firewall-rules.js'
import { ignoreNotFound } from './not-found.js'
import { firewallOptionsSchema, optionsOf } from './options.js'

/*
 * firewall → Cloud Firewall. A Cloud Firewall applies to the Droplets that carry one of its
 * tags, so each firewall targets its own tag `skyloom-fw:<urn>` and an instance that lists the
 * firewall carries that tag. Tagging by URN rather than by id means a replaced firewall (same
 * URN, new id) applies to the same Droplets at once. Firewalls take no labelling tags, so that
 * target tag is also how `find` recognises a firewall's owner. Cloud Firewalls belong to the
 * account, not to a VPC: `network` orders the firewall after its network and is not sent.
 */

export function createFirewallHandler(runtime: Runtime): ResourceHandlerV1<FirewallSpec, FirewallOutputs> {
  const toRead = (firewall: Firewall): ReadResult<FirewallSpec, FirewallOutputs> => {
    const ingress = fromDigitalOceanRules(firewall.inbound_rules ?? [], 'in')
    const egress = fromDigitalOceanRules(firewall.outbound_rules ?? [], 'out')
    return {
      id: firewall.id,
      props: { ingress, ...(isAllowAllOutbound(egress) ? {} : { egress }) },
      outputs: { id: firewall.id },
      ...(firewall.status === 'waiting' ? { status: 'pending' as const } : {}),
      ...(firewall.status === 'failed'
        ? { status: 'failed' as const, message: `firewall ${firewall.id} failed to apply` }
        : {}),
    }
  }
  /** The URN a firewall was created for, read from its target tag. */
  const ownerOf = (firewall: Firewall): string | undefined =>
    firewall.tags.map(decodeTag).find((tag) => tag.key === FIREWALL_TAG_PREFIX)?.value
  const toFound = (firewall: Firewall): FoundResource<FirewallSpec, FirewallOutputs> => {
    const urn = ownerOf(firewall)
    const stack = urn?.split('/')[0]
    return {
      ...toRead(firewall),
      ownership: { ...(stack ? { stack } : {}), ...(urn ? { urn } : {}) },
      tags: urn && stack ? { [OWNERSHIP_TAG_STACK]: stack, [OWNERSHIP_TAG_URN]: urn } : {},
    }
  }
  const body = (props: FirewallSpec, name: string, urn: string, droplets: readonly number[]) => ({
    name,
    inbound_rules: toDigitalOceanRules(props.ingress, 'in'),
    outbound_rules:
      props.egress === undefined ? allowAllOutbound() : toDigitalOceanRules(props.egress, 'out'),
    tags: [firewallTag(urn)],
    droplet_ids: [...droplets],
  })
  const allFirewalls = (session: ApiSession) =>
    session.all('/v2/firewalls', firewallList, (page) => page.firewalls)

  return {
    providerOptions: firewallOptionsSchema,
    operations: { create: { expectedMs: 3_000 }, update: { expectedMs: 3_000 } },
    pollIntervalMs: runtime.pollIntervalMs,

    check(props) {
      const issues: CheckIssue[] = []
      const rules = [...props.ingress, ...(props.egress ?? [])]
      if (rules.some((rule) => rule.description !== undefined)) {
        issues.push({
          path: 'ingress',
          severity: 'warning',
          message: 'DigitalOcean firewall rules have no description: rule descriptions are not stored',
        })
      }
      return issues
    },

    async create(props, ctx) {
      optionsOf(firewallOptionsSchema, ctx.providerOptions)
      const session = runtime.session(ctx)
      const name = cloudName(ctx.name, ctx.idempotencyKey, 'firewall')
      const existing = (await allFirewalls(session)).find((firewall) => firewall.name === name)
      if (existing) {
        const read = toRead(existing)
        return { id: read.id, outputs: read.outputs, ready: read.status !== 'pending' }
      }
      // Firewalls may only name tags that exist; creating an existing tag is harmless.
      await session.json('POST', '/v2/tags', tagEnvelope, { body: { name: firewallTag(ctx.urn) } })
      const created = await session.json('POST', '/v2/firewalls', firewallEnvelope, {
        body: body(props, name, ctx.urn, []),
      })
      const read = toRead(created.firewall)
      return { id: read.id, outputs: read.outputs, ready: read.status !== 'pending' }
    },

    async read(id, ctx) {
      const found = await ignoreNotFound(
        runtime.session(ctx).json('GET', `/v2/firewalls/${id}`, firewallEnvelope),
      )
      return found ? toRead(found.firewall) : undefined
    },

    async update(id, change, ctx) {
      const session = runtime.session(ctx)
      // PUT replaces the whole firewall: keep its name and the Droplets assigned to it by id.
      const { firewall } = await session.json('GET', `/v2/firewalls/${id}`, firewallEnvelope)
      const updated = await session.json('PUT', `/v2/firewalls/${id}`, firewallEnvelope, {
        body: body(change.desired, firewall.name, ctx.urn, firewall.droplet_ids ?? []),
      })
      const read = toRead(updated.firewall)
      return { id, outputs: read.outputs, ready: read.status !== 'pending' }
    },

    async delete(id, _current, ctx) {
      // The target tag stays: Droplets keep it, and a replacement firewall targets the same tag.
      await ignoreNotFound(runtime.session(ctx).call('DELETE', `/v2/firewalls/${id}`))
    },

    async find(query, ctx) {
      const byKey = query.idempotencyKey ? cloudName(ctx.name, query.idempotencyKey, 'firewall') : undefined
      const target = firewallTag(query.ownership.urn)
      return (await allFirewalls(runtime.session(ctx)))
        .filter((firewall) => firewall.name === byKey || firewall.tags.includes(target))
        .map(toFound)
    },

    async *list(filter, ctx) {
      const pages = runtime.session(ctx).paginate('/v2/firewalls', firewallList, (page) => page.firewalls)
      for await (const firewall of pages) {
        const found = toFound(firewall)
        if (!found.ownership?.urn) continue
        if (filter.stack && found.ownership.stack !== filter.stack) continue
        if (filter.tags && Object.entries(filter.tags).some(([key, value]) => found.tags?.[key] !== value))
          continue
        yield found
      }
    },
  }
}

/**
 * The target tags of the firewalls an instance lists, read from the firewalls themselves
 * (one `GET /v2/firewalls/{id}` each). A firewall Skyloom did not create has no such tag.
 */
export async function firewallTargetTags(session: ApiSession, ids: readonly string[]): Promise<string[]> {
  const tags: string[] = []
  for (const id of ids) {
    const { firewall } = await session.json('GET', `/v2/firewalls/${id}`, firewallEnvelope)
    const target = firewall.tags.find((tag) => decodeTag(tag).key === FIREWALL_TAG_PREFIX)
    if (!target) {
      throw new ProviderError({
        provider: PROVIDER_NAME,
        operation: 'create',
        class: 'invalid',
        urn: session.ctx.urn,
        message: `firewall ${id} (${firewall.name}) was not created by Skyloom, so it has no skyloom-fw target tag: declare the firewall in the stack, or attach it to the Droplet yourself`,
      })
    }
    tags.push(target)
  }
  return tags
}
