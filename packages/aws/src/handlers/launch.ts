import type { BlockDeviceMapping } from '@aws-sdk/client-ec2'
import type { CheckIssue, Size } from '@skyloom/core/provider'
import type { InstanceCatalog } from '../catalog.js'
import type { ResolvedImage } from '../images.js'
import type { EbsVolumeType } from '../options.js'
import type { AwsRuntime } from '../runtime.js'
import type { Session } from '../session.js'

/** EC2 takes at most 16 KB of user data (before base64). */
export const MAX_USER_DATA_BYTES = 16 * 1024

/** What instances and instance groups share: how a machine is launched. */
export interface LaunchProps {
  readonly size: Size
  readonly image: string
  readonly userData?: string | undefined
  readonly diskGiB?: number | undefined
}

export interface LaunchOptions {
  readonly instanceType?: string | undefined
  readonly rootVolumeType?: EbsVolumeType | undefined
}

/** The instance type for a size (or the explicit override), or a sentence saying why there is none. */
export function instanceTypeFor(
  catalog: InstanceCatalog,
  size: Size,
  override: string | undefined,
): { type: string } | { problem: string; path: string } {
  if (override) {
    if (catalog.get(override)) return { type: override }
    return {
      path: 'providerOptions.aws.instanceType',
      problem: `instance type "${override}" is not in the AWS catalog (closest: ${catalog.suggestions(override).join(', ')}). Use a listed type, a neutral size, or add it with createAws({ catalog }).`,
    }
  }
  const offer = catalog.resolve(size)
  if (offer) return { type: offer.name }
  const wanted = typeof size === 'string' ? `size "${size}"` : `${size.cpus} vCPUs and ${size.memoryGiB} GiB`
  return {
    path: 'size',
    problem: `no instance type in the catalog has at least ${wanted}${catalog.offers.length > 0 ? ` (largest: ${largest(catalog)})` : ''}. Ask for less, or widen the catalog (createAws({ catalog, instanceFamilies })).`,
  }
}

function largest(catalog: InstanceCatalog): string {
  const top = [...catalog.offers].sort((a, b) => b.cpus - a.cpus || b.memoryGiB - a.memoryGiB)[0]
  return top ? `${top.name} with ${top.cpus} vCPUs / ${top.memoryGiB} GiB` : 'none'
}

/** Offline checks shared by instances and groups. */
export function checkLaunch(rt: AwsRuntime, props: LaunchProps, options: LaunchOptions): CheckIssue[] {
  const issues: CheckIssue[] = []
  const region = rt.regionProblem()
  if (region) issues.push({ path: '', message: region, severity: 'error' })
  const type = instanceTypeFor(rt.catalog, props.size, options.instanceType)
  if ('problem' in type) issues.push({ path: type.path, message: type.problem, severity: 'error' })
  const image = rt.images.problem(props.image)
  if (image) issues.push({ path: 'image', message: image, severity: 'error' })
  if (props.userData !== undefined && Buffer.byteLength(props.userData, 'utf8') > MAX_USER_DATA_BYTES) {
    issues.push({
      path: 'userData',
      message: `EC2 accepts at most 16 KB of user data (this is ${Buffer.byteLength(props.userData, 'utf8')} bytes). Download a larger script from the boot script instead.`,
      severity: 'error',
    })
  }
  return issues
}

/** Resolves the instance type at apply time, failing with the check's message. */
export function resolveInstanceType(session: Session, props: LaunchProps, options: LaunchOptions): string {
  const type = instanceTypeFor(session.rt.catalog, props.size, options.instanceType)
  if ('problem' in type) throw session.problem('invalid', type.problem, 'InstanceTypeNotInCatalog')
  return type.type
}

/** The root volume mapping for `diskGiB`, on the image's root device. */
export function rootDisk(
  session: Session,
  image: ResolvedImage,
  diskGiB: number | undefined,
  volumeType: EbsVolumeType | undefined,
): BlockDeviceMapping[] | undefined {
  if (diskGiB === undefined) return undefined
  if (!image.rootDeviceName) {
    throw session.problem(
      'invalid',
      `image ${image.imageId} does not say which device is its root volume, so diskGiB cannot be applied. Omit diskGiB or use another image.`,
    )
  }
  return [
    {
      DeviceName: image.rootDeviceName,
      Ebs: { VolumeSize: diskGiB, VolumeType: volumeType ?? 'gp3', DeleteOnTermination: true },
    },
  ]
}

export function encodeUserData(userData: string | undefined): string | undefined {
  return userData === undefined ? undefined : Buffer.from(userData, 'utf8').toString('base64')
}

/** Hints for RunInstances / launch template errors, by AWS error code. */
export function launchHints(
  image: string,
  instanceType: string,
  region: string,
): (code: string) => string | undefined {
  return (code) => {
    if (code.startsWith('InvalidAMIID'))
      return `The image "${image}" cannot be used in ${region}: AMI ids are regional; use one from ${region} or an alias such as ubuntu-24.04.`
    if (code.startsWith('InvalidInstanceType') || code === 'Unsupported')
      return `Instance type ${instanceType} is not offered here (or not in this zone): choose another size or providerOptions.aws.instanceType.`
    if (code === 'InstanceLimitExceeded' || code === 'VcpuLimitExceeded')
      return `The account's EC2 quota in ${region} is used up: request an increase in Service Quotas or use fewer or smaller instances.`
    if (code === 'InsufficientInstanceCapacity')
      return `AWS has no ${instanceType} capacity in that zone right now: retry later, or use another zone or size.`
    if (code.startsWith('InvalidSubnetID'))
      return 'The subnet does not exist (was it deleted outside Skyloom?).'
    if (code.startsWith('InvalidGroup'))
      return 'A firewall (security group) does not exist or is in another VPC than the subnet.'
    if (code.startsWith('InvalidKeyPair')) return `The key pair does not exist in ${region}.`
    return undefined
  }
}
