import { z } from 'zod'

/*
 * `providerOptions.digitalocean` per kind: DigitalOcean settings that have no neutral form.
 * Strict objects, so that a misspelt option is a plan error rather than a silent no-op.
 */

const region = z.string().regex(/^[a-z]{3}\d$/, 'a DigitalOcean region slug such as nyc3 or fra1')
const sshKeys = z
  .array(z.union([z.string().min(1), z.number().int().positive()]))
  .describe('ids or fingerprints of SSH keys in your DigitalOcean team')

/** `network` (VPC). */
export const networkOptionsSchema = z.strictObject({
  /** Region of the VPC; default the provider's region. */
  region: region.optional(),
  /** Free text shown in the control panel, before Skyloom's ownership marker. */
  description: z.string().max(120).optional(),
})
export type NetworkOptions = z.output<typeof networkOptionsSchema>

/** `subnet`: nothing to set, a DigitalOcean subnet is only a record (see subnet.ts). */
export const subnetOptionsSchema = z.strictObject({})

/** `firewall` (Cloud Firewall). */
export const firewallOptionsSchema = z.strictObject({})

/** `instance` (Droplet). */
export const instanceOptionsSchema = z.strictObject({
  /** A size slug to use instead of resolving the neutral size (`c-4`, `gd-2vcpu-8gb`). */
  size: z.string().min(1).optional(),
  sshKeys: sshKeys.optional(),
  /** Install the metrics agent. */
  monitoring: z.boolean().optional(),
  /** Give the Droplet a public IPv6 address too (needs `publicIp: true`). */
  ipv6: z.boolean().optional(),
  /** Weekly backups, billed at 20% of the Droplet price. */
  backups: z.boolean().optional(),
})
export type InstanceOptions = z.output<typeof instanceOptionsSchema>

/** `volume` (Block Storage). */
export const volumeOptionsSchema = z.strictObject({
  /** Format the volume on creation; Ubuntu, Debian, Fedora and CentOS Droplets then mount it. */
  filesystemType: z.enum(['ext4', 'xfs']).optional(),
  /** Filesystem label: at most 16 characters for ext4, 12 for xfs. */
  filesystemLabel: z.string().max(16).optional(),
  description: z.string().max(120).optional(),
})
export type VolumeOptions = z.output<typeof volumeOptionsSchema>

/** `instance-group` (Droplet autoscale pool). */
export const instanceGroupOptionsSchema = z.strictObject({
  size: z.string().min(1).optional(),
  sshKeys: sshKeys.optional(),
  /**
   * Scale on CPU (0.05-1): the pool then keeps between `min` and `max` Droplets by itself
   * (a dynamic pool). Without a target the pool holds exactly `desired` (a static pool).
   */
  targetCpuUtilization: z.number().min(0.05).max(1).optional(),
  targetMemoryUtilization: z.number().min(0.05).max(1).optional(),
  /** Minutes between scaling events of a dynamic pool (5-20, DigitalOcean's default 10). */
  cooldownMinutes: z.number().int().min(5).max(20).optional(),
})
export type InstanceGroupOptions = z.output<typeof instanceGroupOptionsSchema>

/** Parses a context's options section with `schema`, treating a missing section as empty. */
export function optionsOf<S extends z.ZodType>(
  schema: S,
  section: Readonly<Record<string, unknown>> | undefined,
): z.output<S> {
  return schema.parse(section ?? {})
}
