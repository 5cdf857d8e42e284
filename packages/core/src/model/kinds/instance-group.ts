import { z } from 'zod'
import { sizeSchema } from '../size.js'
import { input, providerOptionsSchema, secretInput, tagsSchema } from './common.js'

const surgeSchema = z.union([
  z.number().int().min(0),
  z.string().regex(/^\d{1,3}%$/, 'a percentage is written "25%"'),
])

/**
 * A group of identical instances scaled between min and max: launch template + Auto Scaling
 * group, instance template + managed instance group, VM scale set.
 */
export const instanceGroupSchema = z
  .strictObject({
    size: sizeSchema,
    image: z.string().min(1),
    /** One or more subnets the group spreads over. */
    subnets: z.array(input(z.string().min(1))).min(1),
    firewalls: z.array(input(z.string().min(1))).default([]),
    publicIp: z.boolean().default(false),
    userData: secretInput(z.string().max(65_536)).optional(),
    diskGiB: z.number().int().min(1).max(65_536).optional(),
    min: z.number().int().min(0),
    max: z.number().int().min(1),
    /** Defaults to `min`. */
    desired: z.number().int().min(0).optional(),
    /** How template changes roll out: instances added above desired, and allowed down at once. */
    rolling: z
      .strictObject({ maxSurge: surgeSchema.default(1), maxUnavailable: surgeSchema.default(0) })
      .default({ maxSurge: 1, maxUnavailable: 0 }),
    tags: tagsSchema,
    providerOptions: providerOptionsSchema,
  })
  .superRefine((group, ctx) => {
    if (group.min > group.max) {
      ctx.addIssue({
        code: 'custom',
        path: ['min'],
        message: `min (${group.min}) is above max (${group.max})`,
      })
    }
    if (group.desired !== undefined && (group.desired < group.min || group.desired > group.max)) {
      ctx.addIssue({
        code: 'custom',
        path: ['desired'],
        message: `desired (${group.desired}) must be between min (${group.min}) and max (${group.max})`,
      })
    }
  })
  .transform((group) => ({ ...group, desired: group.desired ?? group.min }))

export type InstanceGroupProps = z.input<typeof instanceGroupSchema>

export interface InstanceGroupOutputs {
  readonly id: string
  readonly desired: number
  readonly instances: readonly string[]
}
