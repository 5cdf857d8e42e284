/** Tag keys Skyloom puts on every resource it creates. The `skyloom-` prefix is reserved. */
export const OWNERSHIP_TAG_STACK = 'skyloom-stack'
export const OWNERSHIP_TAG_URN = 'skyloom-urn'
export const RESERVED_TAG_PREFIX = 'skyloom'

/**
 * Who owns a cloud resource. Providers encode these tags for their cloud (tags on AWS and
 * Azure, labels on GCP, where a URN has to be hashed to fit); crash recovery, import and orphan
 * sweeps find resources by them.
 */
export interface Ownership {
  readonly stack: string
  readonly urn: string
  readonly tags: Readonly<Record<string, string>>
}

export function ownershipOf(stack: string, urn: string): Ownership {
  return { stack, urn, tags: { [OWNERSHIP_TAG_STACK]: stack, [OWNERSHIP_TAG_URN]: urn } }
}
