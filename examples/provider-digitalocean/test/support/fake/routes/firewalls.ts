import { notFound, unprocessable } from '../http-error.js'
import { objectBody, requiredString, tagList } from '../input.js'
import { firewallJson } from '../render.js'
import { page, type RouteRequest, type Router } from '../router.js'
import type { FakeAccount, StoredFirewall, StoredRule } from '../state.js'

const FIREWALL_NAME = /^[a-zA-Z0-9][a-zA-Z0-9.-]+$/

/** Cloud Firewalls: list, create, get, update (PUT), delete, and Droplet assignment. */
export function firewallRoutes(router: Router): void {
  router
    .add('GET', '/v2/firewalls', (request) =>
      page(request, 'firewalls', [...request.account.firewalls.values()].map(firewallJson)),
    )
    .add('POST', '/v2/firewalls', (request) => {
      const { account } = request
      const now = Date.now()
      const firewall: StoredFirewall = {
        id: account.newUuid(),
        createdAt: now,
        settlesAt: now + account.timing.actionMs,
        status: 'waiting',
        ...fields(request),
      }
      account.firewalls.set(firewall.id, firewall)
      return { status: 202, body: { firewall: firewallJson(firewall) } }
    })
    .add('GET', '/v2/firewalls/{firewall_id}', (request) => ({
      status: 200,
      body: { firewall: firewallJson(find(request)) },
    }))
    .add('PUT', '/v2/firewalls/{firewall_id}', (request) => {
      const firewall = find(request)
      Object.assign(firewall, fields(request), {
        status: 'waiting',
        settlesAt: Date.now() + request.account.timing.actionMs,
      })
      return { status: 200, body: { firewall: firewallJson(firewall) } }
    })
    .add('DELETE', '/v2/firewalls/{firewall_id}', (request) => {
      request.account.firewalls.delete(find(request).id)
      return { status: 204 }
    })
    .add('POST', '/v2/firewalls/{firewall_id}/droplets', (request) => {
      const firewall = find(request)
      const ids = dropletIds(request.account, objectBody(request.body).droplet_ids)
      firewall.dropletIds = [...new Set([...firewall.dropletIds, ...ids])]
      return { status: 204 }
    })
    .add('DELETE', '/v2/firewalls/{firewall_id}/droplets', (request) => {
      const firewall = find(request)
      const ids = dropletIds(request.account, objectBody(request.body).droplet_ids)
      firewall.dropletIds = firewall.dropletIds.filter((id) => !ids.includes(id))
      return { status: 204 }
    })
}

function find(request: RouteRequest): StoredFirewall {
  const firewall = request.account.firewalls.get(request.params.firewall_id!)
  if (!firewall) throw notFound()
  return firewall
}

/** The writable fields of a create or a full update. */
function fields(
  request: RouteRequest,
): Pick<StoredFirewall, 'name' | 'inbound' | 'outbound' | 'dropletIds' | 'tags'> {
  const { account } = request
  const body = objectBody(request.body)
  const name = requiredString(body, 'name')
  if (!FIREWALL_NAME.test(name)) {
    throw unprocessable(`name ${name} must start with a letter or digit, then letters, digits, "." or "-"`)
  }
  if (body.inbound_rules === undefined && body.outbound_rules === undefined) {
    throw unprocessable('at least one of inbound_rules and outbound_rules is required')
  }
  const tags = tagList(body)
  for (const tag of tags) {
    if (!account.tags.has(tag)) throw unprocessable(`tag ${tag} does not exist; create it first`)
  }
  return {
    name,
    inbound: rules(body.inbound_rules, 'sources'),
    outbound: rules(body.outbound_rules, 'destinations'),
    dropletIds: dropletIds(account, body.droplet_ids ?? []),
    tags,
  }
}

function rules(value: unknown, target: 'sources' | 'destinations'): StoredRule[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value))
    throw unprocessable(`${target === 'sources' ? 'inbound' : 'outbound'}_rules must be an array`)
  return value.map((raw, index) => {
    const rule = objectBody(raw)
    const protocol = requiredString(rule, 'protocol')
    if (!['tcp', 'udp', 'icmp'].includes(protocol))
      throw unprocessable(`rule ${index}: protocol must be tcp, udp or icmp`)
    const ports = requiredString(rule, 'ports')
    if (!/^(\d{1,5}(-\d{1,5})?|all)$/.test(ports))
      throw unprocessable(`rule ${index}: ports "${ports}" is invalid`)
    const where = rule[target]
    if (typeof where !== 'object' || where === null)
      throw unprocessable(`rule ${index}: ${target} is required`)
    return { protocol, ports, [target]: where as Record<string, unknown> }
  })
}

function dropletIds(account: FakeAccount, value: unknown): number[] {
  if (value === null) return []
  if (!Array.isArray(value) || value.some((id) => typeof id !== 'number')) {
    throw unprocessable('droplet_ids must be an array of integers')
  }
  for (const id of value as number[]) {
    if (!account.droplets.has(id)) throw unprocessable(`Droplet ${id} does not exist`)
  }
  return [...(value as number[])]
}
