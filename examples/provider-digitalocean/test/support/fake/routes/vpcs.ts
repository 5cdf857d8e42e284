import { conflict, unprocessable } from '../http-error.js'
import { findVpc, objectBody, optionalBoolean, optionalString, requiredString } from '../input.js'
import { REGIONS, vpcJson } from '../render.js'
import { page, type Router } from '../router.js'
import type { FakeAccount, StoredVpc } from '../state.js'

const VPC_NAME = /^[a-zA-Z0-9\-.]+$/

/** VPCs: list, create, get, update (PUT), patch, delete. */
export function vpcRoutes(router: Router): void {
  router
    .add('GET', '/v2/vpcs', (request) =>
      page(request, 'vpcs', [...request.account.vpcs.values()].map(vpcJson)),
    )
    .add('POST', '/v2/vpcs', (request) => {
      const { account } = request
      const body = objectBody(request.body)
      const name = checkName(account, requiredString(body, 'name'), undefined)
      const region = requiredString(body, 'region')
      if (!(region in REGIONS)) throw unprocessable(`region ${region} is not a valid region`)
      const ipRange = optionalString(body, 'ip_range') ?? freeRange(account)
      checkRange(account, ipRange)
      const vpc: StoredVpc = {
        id: account.newUuid(),
        name,
        description: checkDescription(optionalString(body, 'description') ?? ''),
        region,
        ipRange,
        createdAt: Date.now(),
        isDefault: false,
        nextHost: 2,
      }
      account.vpcs.set(vpc.id, vpc)
      return { status: 201, body: { vpc: vpcJson(vpc) } }
    })
    .add('GET', '/v2/vpcs/{vpc_id}', (request) => ({
      status: 200,
      body: { vpc: vpcJson(findVpc(request.account, request.params.vpc_id!)) },
    }))
    .add('PUT', '/v2/vpcs/{vpc_id}', (request) => {
      const vpc = findVpc(request.account, request.params.vpc_id!)
      const body = objectBody(request.body)
      vpc.name = checkName(request.account, requiredString(body, 'name'), vpc.id)
      vpc.description = checkDescription(optionalString(body, 'description') ?? '')
      optionalBoolean(body, 'default')
      return { status: 200, body: { vpc: vpcJson(vpc) } }
    })
    .add('PATCH', '/v2/vpcs/{vpc_id}', (request) => {
      const vpc = findVpc(request.account, request.params.vpc_id!)
      const body = objectBody(request.body)
      const name = optionalString(body, 'name')
      if (name !== undefined) vpc.name = checkName(request.account, name, vpc.id)
      const description = optionalString(body, 'description')
      if (description !== undefined) vpc.description = checkDescription(description)
      return { status: 200, body: { vpc: vpcJson(vpc) } }
    })
    .add('DELETE', '/v2/vpcs/{vpc_id}', (request) => {
      const vpc = findVpc(request.account, request.params.vpc_id!)
      if (vpc.isDefault) throw unprocessable('the default VPC of a region cannot be deleted')
      const members = [...request.account.droplets.values()].filter((droplet) => droplet.vpcUuid === vpc.id)
      if (members.length > 0) {
        throw conflict(`VPC ${vpc.id} still has ${members.length} member(s); delete them first`)
      }
      request.account.vpcs.delete(vpc.id)
      return { status: 204 }
    })
}

function checkName(account: FakeAccount, name: string, self: string | undefined): string {
  if (!VPC_NAME.test(name)) throw unprocessable(`name ${name} may only contain letters, digits, "-" and "."`)
  for (const vpc of account.vpcs.values()) {
    if (vpc.name === name && vpc.id !== self) throw unprocessable(`a VPC named ${name} already exists`)
  }
  return name
}

function checkDescription(text: string): string {
  if (text.length > 255) throw unprocessable('description may be at most 255 characters')
  return text
}

function parse(range: string): { base: number; last: number; prefix: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(range)
  if (!match) return undefined
  const octets = match.slice(1, 5).map(Number)
  const prefix = Number(match[5])
  if (octets.some((octet) => octet > 255) || prefix > 32) return undefined
  const base = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0
  const size = 2 ** (32 - prefix)
  return { base, last: base + size - 1, prefix }
}

function checkRange(account: FakeAccount, range: string): void {
  const block = parse(range)
  if (!block) throw unprocessable(`ip_range ${range} is not a CIDR block`)
  if (block.prefix < 16 || block.prefix > 28)
    throw unprocessable('ip_range may not be smaller than /28 nor larger than /16')
  const privateRanges: readonly [number, number][] = [
    [0x0a000000, 0x0affffff],
    [0xac100000, 0xac1fffff],
    [0xc0a80000, 0xc0a8ffff],
  ]
  if (!privateRanges.some(([from, to]) => block.base >= from && block.last <= to)) {
    throw unprocessable(`ip_range ${range} must be in an RFC 1918 private range`)
  }
  for (const vpc of account.vpcs.values()) {
    const other = parse(vpc.ipRange)
    if (other && block.base <= other.last && other.base <= block.last) {
      throw unprocessable(`ip_range ${range} overlaps VPC ${vpc.name} (${vpc.ipRange})`)
    }
  }
}

function freeRange(account: FakeAccount): string {
  for (let third = 0; third < 256; third += 16) {
    const range = `10.200.${third}.0/20`
    try {
      checkRange(account, range)
      return range
    } catch {}
  }
  throw unprocessable('no free /20 range left in 10.200.0.0/16')
}
