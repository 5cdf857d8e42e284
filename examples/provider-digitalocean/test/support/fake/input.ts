import { type FakeHttpError, notFound, unprocessable } from './http-error.js'
import type { FakeAccount, FakeSize, StoredDroplet, StoredVpc } from './state.js'

/*
 * Request checks the local server makes the way DigitalOcean does: a missing or mistyped field
 * is a 422 with a message naming it. They keep the provider honest even where the OpenAPI
 * description is loose (a `size` slug that does not exist is a valid string).
 */

export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw unprocessable('request payload validation failed: the body must be a JSON object')
  }
  return body as Record<string, unknown>
}

export function requiredString(body: Record<string, unknown>, field: string): string {
  const value = body[field]
  if (typeof value !== 'string' || value === '')
    throw unprocessable(`${field} is required and must be a string`)
  return value
}

export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw unprocessable(`${field} must be a string`)
  return value
}

export function requiredInteger(body: Record<string, unknown>, field: string): number {
  const value = body[field]
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw unprocessable(`${field} is required and must be an integer`)
  return value
}

export function optionalBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  const value = body[field]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw unprocessable(`${field} must be a boolean`)
  return value
}

const TAG_NAME = /^[a-zA-Z0-9_\-:]+$/

export function isValidTagName(name: string): boolean {
  return TAG_NAME.test(name) && name.length <= 255
}

/** A `tags` field: an array of valid tag names (or null). */
export function tagList(body: Record<string, unknown>, field = 'tags'): string[] {
  const value = body[field]
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || value.some((tag) => typeof tag !== 'string')) {
    throw unprocessable(`${field} must be an array of strings`)
  }
  for (const tag of value as string[]) {
    if (!isValidTagName(tag)) {
      throw unprocessable(
        `tag "${tag}" is invalid: tags may contain letters, numbers, colons, dashes and underscores, at most 255 characters`,
      )
    }
  }
  return [...(value as string[])]
}

export function findSize(account: FakeAccount, slug: string): FakeSize {
  const size = account.sizes.find((candidate) => candidate.slug === slug)
  if (!size) throw unprocessable(`You specified an invalid size for Droplet creation: ${slug}`)
  return size
}

export function findDroplet(account: FakeAccount, id: string | number): StoredDroplet {
  const droplet = account.droplets.get(Number(id))
  if (!droplet) throw notFound()
  return droplet
}

export function findVpc(account: FakeAccount, id: string, error: () => FakeHttpError = notFound): StoredVpc {
  const vpc = account.vpcs.get(id)
  if (!vpc) throw error()
  return vpc
}

/** The region's default VPC, made on first use (as DigitalOcean does for every region). */
export function defaultVpc(account: FakeAccount, region: string): StoredVpc {
  for (const vpc of account.vpcs.values()) if (vpc.region === region && vpc.isDefault) return vpc
  const index = [...account.vpcs.values()].filter((vpc) => vpc.isDefault).length
  const vpc: StoredVpc = {
    id: account.newUuid(),
    name: `default-${region}`,
    description: '',
    region,
    ipRange: `10.${100 + index}.0.0/20`,
    createdAt: Date.now(),
    isDefault: true,
    nextHost: 2,
  }
  account.vpcs.set(vpc.id, vpc)
  return vpc
}
