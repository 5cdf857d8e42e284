import { z } from 'zod'
import { cidrSchema, input, providerOptionsSchema, tagsSchema, zoneSchema } from './common.js'

/** A subnet of a network: zonal on AWS, regional on GCP, a VNet subnet on Azure. */
export const subnetSchema = z.strictObject({
  /** The network this subnet belongs to, usually `net.out.id`. */
  network: input(z.string().min(1)),
  /** Must lie inside the network's CIDR and not overlap its sibling subnets. */
  cidr: cidrSchema,
  /** Zone for zonal clouds; providers choose one when omitted. */
  zone: zoneSchema.optional(),
  /** Whether instances get a route to the internet (AWS adds an internet gateway and route). */
  public: z.boolean().default(false),
  tags: tagsSchema,
  providerOptions: providerOptionsSchema,
})

export type SubnetProps = z.input<typeof subnetSchema>

export interface SubnetOutputs {
  readonly id: string
  readonly cidr: string
  readonly zone: string
}
