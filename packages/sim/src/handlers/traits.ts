import type { SimKind } from '../kinds.js'
import { simResourceOptionsSchema } from '../resource-options.js'
import type { SimCloud } from '../sim-cloud.js'
import { READ_BATCH_SIZE, type SimHandler } from './common.js'

/**
 * The data part of a handler: the scope each operation draws from (instance create and delete
 * have EC2's own buckets), expected durations from the latency means (the scheduler's
 * critical-path priorities), poll interval and batch size.
 */
export function traits<K extends SimKind>(
  cloud: SimCloud,
  kind: K,
): Pick<SimHandler<K>, 'operations' | 'pollIntervalMs' | 'readBatchSize' | 'providerOptions'> {
  const { provision, deletion, api } = cloud.settings.latency
  const ms = (value: number) => cloud.scaled(value + api.meanMs)
  const updateMs =
    kind === 'instance'
      ? deletion.instance.meanMs + provision.instance.meanMs // a resize stops and starts the instance
      : kind === 'instance-group'
        ? provision['instance-group'].meanMs // scaling out or a rolling replacement
        : 0
  return {
    operations: {
      create: {
        scope: kind === 'instance' ? 'run-instances' : 'mutate',
        expectedMs: ms(provision[kind].meanMs),
      },
      update: { scope: 'mutate', expectedMs: ms(updateMs) },
      delete: {
        scope: kind === 'instance' ? 'terminate-instances' : 'mutate',
        expectedMs: ms(deletion[kind].meanMs),
      },
      read: { scope: 'describe', expectedMs: ms(0) },
      find: { scope: 'describe', expectedMs: ms(0) },
      list: { scope: 'describe', expectedMs: ms(0) },
      action: { scope: 'mutate', expectedMs: ms(kind === 'instance' ? provision.instance.meanMs : 0) },
    },
    pollIntervalMs: cloud.settings.pollIntervalMs[kind],
    readBatchSize: READ_BATCH_SIZE,
    providerOptions: simResourceOptionsSchema,
  }
}
