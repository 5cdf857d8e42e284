import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import type { EC2Client } from '@aws-sdk/client-ec2'
import type { SizeOffer } from '@skyloom/core/provider'
import { z } from 'zod'
import { type ImageFilter, imageFilterSchema } from './images.js'

/** Static AWS credentials, as the AWS SDK takes them. */
export interface AwsCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
  readonly expiration?: Date
}

/** A function the SDK calls when it needs credentials (for example `fromIni()` from @aws-sdk/credential-providers). */
export type AwsCredentialsProvider = () => Promise<AwsCredentials>

/** Settings of {@link createAws}. Every field is optional; nothing is read until the provider is first used. */
export interface AwsSettings {
  /**
   * AWS region, for example `eu-west-1`. Default: `AWS_REGION`, then `AWS_DEFAULT_REGION`, read on
   * first use (not at import). Without either, the first operation fails with a message saying
   * how to set one.
   */
  readonly region?: string
  /**
   * Credentials, static or as a provider function. Default: the AWS SDK's default chain
   * (environment, shared config and SSO profiles, container and instance metadata), resolved by
   * the SDK when the first request is signed.
   */
  readonly credentials?: AwsCredentials | AwsCredentialsProvider
  /**
   * Endpoint for both EC2 and Auto Scaling, for example a local emulator. Default: the SDK's
   * own resolution, which honours `AWS_ENDPOINT_URL_EC2`, `AWS_ENDPOINT_URL_AUTO_SCALING` and
   * `AWS_ENDPOINT_URL`.
   */
  readonly endpoint?: string
  /**
   * A ready EC2 client (custom credentials, proxies, tests). Used as given: create it with
   * `maxAttempts: 1` so that Skyloom's engine stays the one retry authority.
   */
  readonly ec2Client?: EC2Client
  /** A ready Auto Scaling client; same rules as `ec2Client`. */
  readonly autoScalingClient?: AutoScalingClient
  /**
   * The 12-digit account id. Only used to make the provider key `aws/<account>/<region>`, so two
   * accounts in one region get separate rate-limit buckets. Default key: `aws/<region>`.
   */
  readonly account?: string
  /**
   * Image aliases added to (or replacing) the built-in ones (`ubuntu-24.04`, …): each maps to
   * DescribeImages owners and a name pattern. The newest available match is used.
   */
  readonly images?: Readonly<Record<string, ImageFilter>>
  /**
   * Instance families sizes may resolve to, for example `['m6i', 'c6i']` to avoid burstable
   * types. Default: every family in the catalog.
   */
  readonly instanceFamilies?: readonly string[]
  /**
   * Replaces the built-in instance-type catalog (names, vCPUs, memory, on-demand USD per hour).
   * See {@link DEFAULT_INSTANCE_CATALOG}.
   */
  readonly catalog?: readonly SizeOffer[]
  /**
   * Interval of the provider's own waits (termination, detachment, group deletion) and the
   * poll interval it asks the engine to use for readiness. Default 2,000 ms.
   */
  readonly pollIntervalMs?: number
  /**
   * Accept a region that is not in this version's list of AWS regions (a region launched later,
   * or an emulator's invented one). Default false: an unknown region is reported as a mistake.
   */
  readonly allowUnknownRegion?: boolean
  /**
   * How long after a create a Describe may still miss the new resource (EC2 is eventually
   * consistent); misses within it are looked at again before refresh or crash recovery believe
   * them. Default 10,000 ms; 0 for a strongly consistent emulator such as moto.
   */
  readonly consistencyWindowMs?: number
}

const credentialsSchema = z.custom<AwsCredentials | AwsCredentialsProvider>(
  (value) =>
    typeof value === 'function' ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as { accessKeyId?: unknown }).accessKeyId === 'string' &&
      typeof (value as { secretAccessKey?: unknown }).secretAccessKey === 'string'),
  {
    message:
      'credentials must be { accessKeyId, secretAccessKey, sessionToken? } or a function returning them',
  },
)

const clientSchema = (name: string) =>
  z.custom<{ send: unknown; middlewareStack: unknown }>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { send?: unknown }).send === 'function' &&
      typeof (value as { middlewareStack?: unknown }).middlewareStack === 'object',
    { message: `${name} must be a client from @aws-sdk (it needs send() and middlewareStack)` },
  )

const offerSchema = z.strictObject({
  name: z.string().min(1),
  cpus: z.number().int().positive(),
  memoryGiB: z.number().positive(),
  hourlyUsd: z.number().nonnegative(),
})

/** The zod schema of {@link AwsSettings} (the provider's `configSchema`). */
export const awsSettingsSchema = z.strictObject({
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'an AWS region looks like "eu-west-1"')
    .optional(),
  credentials: credentialsSchema.optional(),
  endpoint: z.url({ message: 'endpoint must be a URL such as http://127.0.0.1:5000' }).optional(),
  ec2Client: clientSchema('ec2Client').optional(),
  autoScalingClient: clientSchema('autoScalingClient').optional(),
  account: z
    .string()
    .regex(/^\d{12}$/, 'an AWS account id is 12 digits')
    .optional(),
  images: z.record(z.string().min(1), imageFilterSchema).optional(),
  instanceFamilies: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/, 'a family looks like "m6i"')).optional(),
  catalog: z.array(offerSchema).min(1).optional(),
  pollIntervalMs: z.number().int().min(1).max(600_000).optional(),
  allowUnknownRegion: z.boolean().optional(),
  consistencyWindowMs: z.number().int().min(0).max(600_000).optional(),
})

/** Checks settings without reading the environment or touching the network. */
export function parseSettings(settings: AwsSettings): AwsSettings {
  const parsed = awsSettingsSchema.safeParse(settings)
  if (parsed.success) return settings
  const problems = parsed.error.issues
    .map((issue) => `  - ${issue.path.join('.') || '(settings)'}: ${issue.message}`)
    .join('\n')
  throw new TypeError(`Invalid settings for createAws():\n${problems}`)
}
