import type { z } from 'zod'
import type {
  firewallSchema,
  instanceGroupSchema,
  instanceSchema,
  networkSchema,
  subnetSchema,
  volumeSchema,
} from '../model/kinds/index.js'
import type { OutputRef } from '../model/reference.js'
import type { Secret } from '../model/secret.js'

/** Props as a provider receives them: references replaced by values, secrets revealed. */
export type Resolved<T> =
  T extends OutputRef<infer U>
    ? U
    : T extends Secret<infer U>
      ? U
      : T extends readonly (infer E)[]
        ? Resolved<E>[]
        : T extends object
          ? { [K in keyof T]: Resolved<T[K]> }
          : T

/** What a provider's `network` handler receives. */
export type NetworkSpec = Resolved<z.output<typeof networkSchema>>
export type SubnetSpec = Resolved<z.output<typeof subnetSchema>>
export type FirewallSpec = Resolved<z.output<typeof firewallSchema>>
export type InstanceSpec = Resolved<z.output<typeof instanceSchema>>
export type VolumeSpec = Resolved<z.output<typeof volumeSchema>>
export type InstanceGroupSpec = Resolved<z.output<typeof instanceGroupSchema>>
