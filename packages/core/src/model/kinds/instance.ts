import { z } from 'zod'
import { sizeSchema } from '../size.js'
import { input, providerOptionsSchema, secretInput, tagsSchema, zoneSchema } from './common.js'

/** A virtual machine: EC2 instance, Compute Engine instance, Azure VM (with its NIC). */
export const instanceSchema = z.strictObject({
  /** A class (`'small'`…`'xlarge'`) or `{ cpus, memoryGiB }`; resolved to the cheapest matching type. */
  size: sizeSchema,
  /** A neutral alias (`ubuntu-24.04`, `debian-12`, …) or a provider-native image id. */
  image: z.string().min(1),
  subnet: input(z.string().min(1)),
  /** Defaults to the subnet's zone. */
  zone: zoneSchema.optional(),
  firewalls: z.array(input(z.string().min(1))).default([]),
  publicIp: z.boolean().default(false),
  /** Boot script. Always secret: redacted in plans and logs, encrypted in state. */
  userData: secretInput(z.string().max(65_536)).optional(),
  /** Boot disk size; providers use the image's default when omitted. */
  diskGiB: z.number().int().min(1).max(65_536).optional(),
  tags: tagsSchema,
  providerOptions: providerOptionsSchema,
})

export type InstanceProps = z.input<typeof instanceSchema>

export type InstanceState = 'pending' | 'running' | 'stopping' | 'stopped' | 'terminated'

export interface InstanceOutputs {
  readonly id: string
  readonly privateAddress: string
  readonly publicAddress?: string
  readonly zone: string
  readonly state: InstanceState
  /** The provider-native machine type the size resolved to. */
  readonly machineType: string
}
