import { ProviderError, type Size } from '@skyloom/core/provider'
import { PROVIDER_NAME } from '../api/errors.js'
import type { ApiSession } from '../api/session.js'
import { vpcEnvelope } from '../api/wire.js'
import { resolveImage } from '../catalog/images.js'
import { describeSizeMiss, resolveDropletSize } from '../catalog/sizes.js'
import type { Runtime } from '../runtime.js'
import { firewallTargetTags } from './firewall.js'
import { ignoreNotFound } from './not-found.js'
import { parseSubnetId } from './subnet.js'

/** Where and as what a Droplet (or every Droplet of a pool) is created. */
export interface DropletPlacement {
  readonly region: string
  readonly vpcId: string
  readonly size: string
  readonly image: string | number
  /** Target tags of the firewalls the Droplet must be under. */
  readonly firewallTags: readonly string[]
}

export interface PlacementRequest {
  /** Logical subnet ids (`<vpc>:<cidr>`) or VPC uuids; all must name one VPC. */
  readonly subnets: readonly string[]
  readonly zone?: string | undefined
  readonly size: Size
  /** A native size slug that overrides the neutral size. */
  readonly sizeSlug?: string | undefined
  readonly image: string
  readonly diskGiB?: number | undefined
  readonly firewalls: readonly string[]
}

/**
 * Resolves the neutral placement props: the VPC (and so the region) behind the subnets, the
 * cheapest size that fits, the image slug, and the firewalls' target tags. Costs one request for
 * the VPC and one per firewall.
 */
export async function resolvePlacement(
  runtime: Runtime,
  session: ApiSession,
  request: PlacementRequest,
): Promise<DropletPlacement> {
  const vpcIds = [...new Set(request.subnets.map((subnet) => parseSubnetId(subnet).vpcId))]
  const [vpcId] = vpcIds
  if (vpcId === undefined || vpcIds.length > 1) {
    throw invalid(
      session,
      `the subnets name ${vpcIds.length} VPCs (${vpcIds.join(', ')}); Droplets of one instance or pool live in one VPC`,
    )
  }
  const found = await ignoreNotFound(session.json('GET', `/v2/vpcs/${vpcId}`, vpcEnvelope))
  if (!found) throw invalid(session, `VPC ${vpcId} does not exist in this account; create the network first`)
  const region = found.vpc.region
  if (request.zone && request.zone !== region) {
    throw invalid(
      session,
      `zone ${request.zone} differs from the VPC's region ${region}: omit zone or use ${region}`,
    )
  }
  const constraints = { region, ...(request.diskGiB === undefined ? {} : { minDiskGiB: request.diskGiB }) }
  const size = request.sizeSlug ?? resolveDropletSize(runtime.sizes(), request.size, constraints)?.slug
  if (!size) {
    throw invalid(
      session,
      `${describeSizeMiss(request.size, constraints)}: ask for less, or set providerOptions.digitalocean.size`,
    )
  }
  const image = resolveImage(request.image)
  if (!image.ok) throw invalid(session, image.reason)
  const firewallTags = await firewallTargetTags(session, request.firewalls)
  return { region, vpcId, size, image: image.image, firewallTags }
}

function invalid(session: ApiSession, message: string): ProviderError {
  return new ProviderError({
    provider: PROVIDER_NAME,
    operation: 'create',
    class: 'invalid',
    message,
    urn: session.ctx.urn,
  })
}
