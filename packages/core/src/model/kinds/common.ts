import { z } from 'zod'
import { parseCidr } from '../cidr.js'
import { RESERVED_TAG_PREFIX } from '../ownership.js'
import { isOutputRef, type OutputRef } from '../reference.js'
import { isSecret, type Secret, secret } from '../secret.js'

/** A field that accepts either a value or a reference to another resource's output. */
export function input<T extends z.ZodType>(schema: T) {
  return z.union([
    schema,
    z.custom<OutputRef<z.output<T>>>(isOutputRef, {
      message: 'expected a value or a reference such as net.out.id',
    }),
  ])
}

/** A field that is always treated as secret: plain strings are wrapped with `secret()`. */
export function secretInput<T extends z.ZodType>(schema: T) {
  return z
    .union([
      schema,
      z.custom<Secret<z.output<T>>>(isSecret, { message: 'expected a value or secret(value)' }),
    ])
    .transform((value) => (isSecret(value) ? value : secret(value)) as Secret<z.output<T>>)
}

export const cidrSchema = z.string().superRefine((value, ctx) => {
  const parsed = parseCidr(value)
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error })
})

const TAG_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,62}$/

/** User tags: keys portable to AWS, GCP labels and Azure; the `skyloom` prefix is reserved. */
export const tagsSchema = z
  .record(
    z
      .string()
      .regex(TAG_KEY, 'tag keys are 1-63 letters, digits, "_", "." or "-", starting with a letter')
      .refine((key) => !key.toLowerCase().startsWith(RESERVED_TAG_PREFIX), {
        message: `tag keys starting with "${RESERVED_TAG_PREFIX}" are reserved for ownership tags`,
      }),
    z.string().max(255, 'tag values are at most 255 characters'),
  )
  .default({})

/**
 * Per-provider escape hatch: `providerOptions: { aws: {...}, gcp: {...} }`. Each section is
 * checked by that provider's own schema; a section for a provider the resource does not use
 * is reported as a warning.
 */
export const providerOptionsSchema = z.record(z.string(), z.record(z.string(), z.unknown())).optional()

export const zoneSchema = z.string().min(1).max(64)

export type Tags = Record<string, string>
