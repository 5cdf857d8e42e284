import { z } from 'zod'
import { cidrSchema, providerOptionsSchema, tagsSchema } from './common.js'

/** A private network: AWS VPC, GCP VPC network (custom mode), Azure virtual network. */
export const networkSchema = z.strictObject({
  /** The network's address space. On GCP the CIDR lives on subnets; subnets are checked against it. */
  cidr: cidrSchema,
  tags: tagsSchema,
  providerOptions: providerOptionsSchema,
})

export type NetworkProps = z.input<typeof networkSchema>

export interface NetworkOutputs {
  readonly id: string
  readonly cidr: string
}
