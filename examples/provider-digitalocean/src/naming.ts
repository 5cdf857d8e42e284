import { createHash } from 'node:crypto'

/**
 * DigitalOcean has no idempotency header, so the idempotency key lives in the resource's name:
 * `<logical name>-<8 hex digits of SHA-256(key)>`. Before creating, a handler looks the name up
 * (`GET /v2/droplets?name=…`, `/v2/volumes?name=…`, `/v2/droplets/autoscale?name=…`, or a scan
 * for VPCs and firewalls); a retry with the same key finds the resource made by the first try
 * instead of making a second one. A replacement gets a new key and so a new name, which matters
 * for VPCs, whose names DigitalOcean keeps unique per account.
 */
export function keyDigest(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 8)
}

/** Naming rules of the DigitalOcean resources Skyloom creates. */
export type NameStyle =
  /** Droplets and VPCs: letters, digits, `.` and `-`. */
  | 'droplet'
  /** Firewalls: as droplets, starting with a letter or digit. */
  | 'firewall'
  /** Volumes: lowercase letters, digits and `-`, starting with a letter, at most 64 characters. */
  | 'volume'
  /** Autoscale pools: free text; kept like droplet names so that they read alike. */
  | 'pool'

const MAX_LENGTH: Record<NameStyle, number> = { droplet: 255, firewall: 255, volume: 64, pool: 255 }

/** The cloud name of a resource: its logical name made valid for `style`, plus the key digest. */
export function cloudName(logicalName: string, idempotencyKey: string, style: NameStyle): string {
  const suffix = `-${keyDigest(idempotencyKey)}`
  return `${baseName(logicalName, style).slice(0, MAX_LENGTH[style] - suffix.length)}${suffix}`
}

/** A logical name made valid for `style`, without the key digest (autoscale pool members' prefix). */
export function baseName(logicalName: string, style: NameStyle): string {
  let base = logicalName.replace(/_/g, '-')
  if (style === 'volume') {
    base = base.toLowerCase().replace(/[^a-z0-9-]/g, '-')
    if (!/^[a-z]/.test(base)) base = `v-${base}`
  }
  return (base.replace(/-+$/, '') || 'skyloom').slice(0, MAX_LENGTH[style])
}
