import { createHash } from 'node:crypto'
import { OWNERSHIP_TAG_STACK, OWNERSHIP_TAG_URN, type Ownership, type Tags } from '@skyloom/core/provider'

/**
 * DigitalOcean tags are flat names of letters, digits, `:`, `-` and `_`, at most 255 characters
 * (`^[a-zA-Z0-9_\-\:]+$`). Skyloom's tags are key/value pairs whose values (stack names, URNs
 * such as `web/instance/a`) hold `/` and `.`, so both are encoded as `key:value` with a
 * reversible escape: `_` followed by two hex digits per UTF-8 byte. Common tags stay readable
 * (`env:prod`, `skyloom-stack:web`), and reading a tag back gives the exact value.
 */
export const MAX_TAG_LENGTH = 255

/** Prefix of the tag a Skyloom firewall targets; instances that list the firewall carry it. */
export const FIREWALL_TAG_PREFIX = 'skyloom-fw'

const PLAIN_VALUE = /^[A-Za-z0-9:-]$/
/** A key may not hold a raw colon: the first colon separates key from value. */
const PLAIN_KEY = /^[A-Za-z0-9-]$/
/**
 * Marks a hashed value. Escaping never writes `_` before a non-hex letter, so no encoded value
 * can start like this.
 */
const HASHED = '_sha256-'

/** Escapes a tag part so that it uses only DigitalOcean's tag alphabet. */
export function escapeTagPart(value: string, part: 'key' | 'value' = 'value'): string {
  const plain = part === 'key' ? PLAIN_KEY : PLAIN_VALUE
  let out = ''
  for (const char of value) {
    if (plain.test(char)) {
      out += char
      continue
    }
    for (const byte of Buffer.from(char, 'utf8')) out += `_${byte.toString(16).padStart(2, '0')}`
  }
  return out
}

/** Reverses {@link escapeTagPart}; undefined when `text` is not a valid escaped part. */
export function unescapeTagPart(text: string): string | undefined {
  const bytes: number[] = []
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!
    if (char !== '_') {
      bytes.push(...Buffer.from(char, 'utf8'))
      continue
    }
    const hex = text.slice(index + 1, index + 3)
    if (!/^[0-9a-f]{2}$/.test(hex)) return undefined
    bytes.push(Number.parseInt(hex, 16))
    index += 2
  }
  return Buffer.from(bytes).toString('utf8')
}

/**
 * The DigitalOcean tag for `key = value`. When the escaped form would pass 255 characters the
 * value is replaced by a SHA-256 digest (`key:_sha256-…`): still unique and stable, so lookups by
 * tag keep working, but the value can no longer be read back.
 */
export function encodeTag(key: string, value: string): string {
  const tag = `${escapeTagPart(key, 'key')}:${escapeTagPart(value)}`
  if (tag.length <= MAX_TAG_LENGTH) return tag
  const digest = createHash('sha256').update(value).digest('hex').slice(0, 40)
  return `${escapeTagPart(key, 'key')}:${HASHED}${digest}`
}

/** Splits a DigitalOcean tag back into key and value (undefined value for hashed or bare tags). */
export function decodeTag(tag: string): { key: string; value: string | undefined } {
  const colon = tag.indexOf(':')
  if (colon < 0) return { key: unescapeTagPart(tag) ?? tag, value: undefined }
  const key = unescapeTagPart(tag.slice(0, colon)) ?? tag.slice(0, colon)
  const raw = tag.slice(colon + 1)
  if (raw.startsWith(HASHED)) return { key, value: undefined }
  return { key, value: unescapeTagPart(raw) }
}

/** The two ownership tags of a resource, as DigitalOcean tags. */
export function ownershipTags(ownership: Ownership): string[] {
  return [stackTag(ownership.stack), urnTag(ownership.urn)]
}

export function stackTag(stack: string): string {
  return encodeTag(OWNERSHIP_TAG_STACK, stack)
}

export function urnTag(urn: string): string {
  return encodeTag(OWNERSHIP_TAG_URN, urn)
}

/** The tag a firewall created for `urn` targets: every instance listing that firewall carries it. */
export function firewallTag(urn: string): string {
  return encodeTag(FIREWALL_TAG_PREFIX, urn)
}

/** User tags (`{ env: 'prod' }`) as DigitalOcean tags (`env:prod`). */
export function userTagsToDigitalOcean(tags: Readonly<Tags> | undefined): string[] {
  return Object.entries(tags ?? {}).map(([key, value]) => encodeTag(key, value))
}

/** What Skyloom reads from a resource's DigitalOcean tags. */
export interface DecodedTags {
  /** User tags, without Skyloom's own. A tag without a colon reads as `{ name: '' }`. */
  readonly user: Tags
  /** All tags as key/value pairs, Skyloom's included (hashed values read as ''). */
  readonly all: Tags
  readonly ownership: { readonly stack?: string; readonly urn?: string }
  /** Firewall target tags the resource carries (the raw tag names). */
  readonly firewallTags: readonly string[]
}

export function decodeTags(tags: readonly string[] | null | undefined): DecodedTags {
  const user: Record<string, string> = {}
  const all: Record<string, string> = {}
  const ownership: { stack?: string; urn?: string } = {}
  const firewallTags: string[] = []
  for (const tag of tags ?? []) {
    const { key, value } = decodeTag(tag)
    all[key] = value ?? ''
    if (key === OWNERSHIP_TAG_STACK) {
      if (value !== undefined) ownership.stack = value
    } else if (key === OWNERSHIP_TAG_URN) {
      if (value !== undefined) ownership.urn = value
    } else if (key === FIREWALL_TAG_PREFIX) {
      firewallTags.push(tag)
    } else if (!key.startsWith('skyloom')) {
      user[key] = value ?? ''
    }
  }
  return { user, all, ownership, firewallTags }
}

/** True when a resource's tags carry every tag of `wanted` (key/value pairs, encoded the same way). */
export function hasAllTags(tags: readonly string[] | null | undefined, wanted: Readonly<Tags>): boolean {
  const present = new Set(tags ?? [])
  return Object.entries(wanted).every(([key, value]) => present.has(encodeTag(key, value)))
}
