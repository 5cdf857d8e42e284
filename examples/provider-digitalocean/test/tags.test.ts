import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cloudName } from '../src/naming.js'
import { decodeTag, decodeTags, encodeTag, ownershipTags } from '../src/tags.js'

const DIGITALOCEAN_TAG = /^[a-zA-Z0-9_\-:]+$/

describe('tags and names', () => {
  it('encodes any tag key core allows and any value into DigitalOcean’s tag alphabet, reversibly', () => {
    // Core's tag keys: a letter, then up to 62 letters, digits, "_", "." or "-".
    const keys = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,62}$/)
    fc.assert(
      fc.property(keys, fc.string({ maxLength: 120, unit: 'binary' }), (key, value) => {
        const tag = encodeTag(key, value)
        expect(tag.length).toBeLessThanOrEqual(255)
        expect(tag).toMatch(DIGITALOCEAN_TAG)
        // Values too long to fit once escaped are hashed: still a stable tag, no longer readable.
        const readable = !tag.includes(':_sha256-')
        expect(decodeTag(tag)).toEqual({ key, value: readable ? value : undefined })
      }),
    )
  })

  it('keeps plain tags readable and hashes values too long to fit', () => {
    expect(encodeTag('env', 'prod')).toBe('env:prod')
    expect(ownershipTags({ stack: 'web', urn: 'web/instance/a.b', tags: {} })).toEqual([
      'skyloom-stack:web',
      'skyloom-urn:web_2finstance_2fa_2eb',
    ])
    const long = encodeTag('skyloom-urn', 'x'.repeat(300))
    expect(long).toMatch(/^skyloom-urn:_sha256-[0-9a-f]{40}$/)
    expect(decodeTag(long)).toEqual({ key: 'skyloom-urn', value: undefined })
  })

  it('reads ownership and user tags back apart', () => {
    const decoded = decodeTags([
      'skyloom-stack:web',
      'skyloom-urn:web_2finstance_2fa',
      'env:prod',
      'legacy',
      'skyloom-fw:x',
    ])
    expect(decoded.ownership).toEqual({ stack: 'web', urn: 'web/instance/a' })
    expect(decoded.user).toEqual({ env: 'prod', legacy: '' })
    expect(decoded.firewallTags).toEqual(['skyloom-fw:x'])
  })

  it('derives valid, stable cloud names from the logical name and the idempotency key', () => {
    expect(cloudName('web_1', 'key', 'droplet')).toMatch(/^web-1-[0-9a-f]{8}$/)
    expect(cloudName('web_1', 'key', 'droplet')).toBe(cloudName('web_1', 'key', 'droplet'))
    expect(cloudName('web_1', 'other', 'droplet')).not.toBe(cloudName('web_1', 'key', 'droplet'))
    expect(cloudName('9Data.Disk', 'key', 'volume')).toMatch(/^v-9data-disk-[0-9a-f]{8}$/)
    expect(cloudName('x'.repeat(63), 'key', 'volume')).toHaveLength(64)
  })
})
