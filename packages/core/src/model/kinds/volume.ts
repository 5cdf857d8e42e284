import { z } from 'zod'
import { input, providerOptionsSchema, tagsSchema, zoneSchema } from './common.js'

/** A block storage volume: EBS volume, persistent disk, Azure managed disk; optionally attached. */
export const volumeSchema = z.strictObject({
  sizeGiB: z.number().int().min(1).max(65_536),
  /** `standard` (HDD), `ssd` (general purpose SSD), `fast` (provisioned-performance SSD). */
  type: z.enum(['standard', 'ssd', 'fast']).default('ssd'),
  /** Must match the attached instance's zone; providers choose one when omitted. */
  zone: zoneSchema.optional(),
  /** The instance to attach to, usually `db.out.id`. */
  attachTo: input(z.string().min(1)).optional(),
  tags: tagsSchema,
  providerOptions: providerOptionsSchema,
})

export type VolumeProps = z.input<typeof volumeSchema>

export interface VolumeOutputs {
  readonly id: string
  readonly zone: string
  readonly attachedTo?: string
}
