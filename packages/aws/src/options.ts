import type { CheckIssue } from '@skyloom/core/provider'
import { z } from 'zod'
import { AwsProblem } from './problem.js'

/**
 * `providerOptions.aws` per kind: the EC2 settings that have no neutral form. Each schema is
 * strict, so a misspelt option is an error in the plan, not a silent no-op.
 */

const volumeTypeSchema = z.enum(['gp3', 'gp2', 'io2', 'io1', 'st1', 'sc1', 'standard'])
export type EbsVolumeType = z.output<typeof volumeTypeSchema>

/** `providerOptions.aws` of a `network`. */
export const networkOptionsSchema = z.strictObject({
  /** `dedicated` runs every instance of the VPC on single-tenant hardware (costly). Default `default`. */
  instanceTenancy: z.enum(['default', 'dedicated']).optional(),
  /** Public DNS host names for instances with public addresses. Default true. */
  enableDnsHostnames: z.boolean().optional(),
})
export type NetworkOptions = z.output<typeof networkOptionsSchema>

/** `providerOptions.aws` of a `subnet`. */
export const subnetOptionsSchema = z.strictObject({
  /** Whether instances get a public address by default. Default: the subnet's `public`. */
  mapPublicIpOnLaunch: z.boolean().optional(),
})
export type SubnetOptions = z.output<typeof subnetOptionsSchema>

/** `providerOptions.aws` of a `firewall`. */
export const firewallOptionsSchema = z.strictObject({
  /** Security group description (fixed at creation). Default `Skyloom <urn>`. */
  description: z.string().min(1).max(255).optional(),
})
export type FirewallOptions = z.output<typeof firewallOptionsSchema>

const launchFields = {
  /** An exact instance type instead of resolving `size`; it must be in the catalog. */
  instanceType: z
    .string()
    .regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/, 'an instance type looks like "m6i.large"')
    .optional(),
  /** EC2 key pair name for SSH. */
  keyName: z.string().min(1).optional(),
  /** IAM instance profile name or ARN. */
  iamInstanceProfile: z.string().min(1).optional(),
  /** Root volume type when `diskGiB` is set. Default gp3. */
  rootVolumeType: volumeTypeSchema.optional(),
  /** Require IMDSv2 (session tokens) for the instance metadata service. Default true. */
  requireImdsv2: z.boolean().optional(),
}

/** `providerOptions.aws` of an `instance`. */
export const instanceOptionsSchema = z.strictObject({
  ...launchFields,
  /** Detailed (1-minute) CloudWatch monitoring. Default false. */
  monitoring: z.boolean().optional(),
})
export type InstanceOptions = z.output<typeof instanceOptionsSchema>

/** `providerOptions.aws` of a `volume`. */
export const volumeOptionsSchema = z.strictObject({
  /** Exact EBS type instead of the neutral `type` (ssd → gp3, fast → io2, standard → st1). */
  volumeType: volumeTypeSchema.optional(),
  /** Provisioned IOPS (gp3, io1, io2). Default for io2: min(3000, 500 × GiB). */
  iops: z.number().int().min(100).max(256_000).optional(),
  /** gp3 throughput in MiB/s (125-1000). */
  throughput: z.number().int().min(125).max(1000).optional(),
  /** Encrypt with the account's default EBS key, or `kmsKeyId`. */
  encrypted: z.boolean().optional(),
  kmsKeyId: z.string().min(1).optional(),
  /** Device name when attached, for example `/dev/sdf`. Default: the first free of /dev/sdf…/dev/sdp. */
  device: z
    .string()
    .regex(/^\/dev\/(sd[f-p]|xvd[f-p])$/, 'a data volume device is /dev/sdf … /dev/sdp')
    .optional(),
})
export type VolumeOptions = z.output<typeof volumeOptionsSchema>

/** `providerOptions.aws` of an `instance-group`. */
export const instanceGroupOptionsSchema = z.strictObject({
  ...launchFields,
  /** Seconds before a new instance's health checks count. Default 300. */
  healthCheckGracePeriod: z.number().int().min(0).max(7200).optional(),
  /**
   * Roll template changes out to running instances with an instance refresh (honouring
   * `rolling`). Default true; false leaves running instances on the old template until they are
   * replaced for another reason.
   */
  instanceRefresh: z.boolean().optional(),
})
export type InstanceGroupOptions = z.output<typeof instanceGroupOptionsSchema>

type PropsWithOptions = {
  readonly providerOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined
}

/**
 * The validated `providerOptions.aws` section: from the context (the engine validated it) or,
 * when a handler is called directly, from the props. Invalid options fail as `invalid`.
 */
export function optionsOf<T>(
  schema: z.ZodType<T>,
  fromContext: Readonly<Record<string, unknown>> | undefined,
  props: PropsWithOptions,
): T {
  const parsed = schema.safeParse(fromContext ?? props.providerOptions?.aws ?? {})
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues
    .map((issue) => `${['providerOptions', 'aws', ...issue.path].join('.')}: ${issue.message}`)
    .join('; ')
  throw new AwsProblem('invalid', problems, 'InvalidProviderOptions')
}

/** Like `optionsOf`, for `check`: a problem becomes an issue, and the defaults are used. */
export function checkOptions<T>(
  schema: z.ZodType<T>,
  fromContext: Readonly<Record<string, unknown>> | undefined,
  props: PropsWithOptions,
  issues: CheckIssue[],
): T {
  try {
    return optionsOf(schema, fromContext, props)
  } catch (error) {
    issues.push({ path: 'providerOptions.aws', message: (error as Error).message, severity: 'error' })
    return schema.parse({})
  }
}
