import { type AwsProvider, createAws } from '@skyloom/aws'
import { startMoto } from './moto.js'

/** Where the example runs, and how to let go of it afterwards. */
export interface Target {
  readonly provider: AwsProvider
  /** One line for the user: which endpoint, region and credentials. */
  readonly description: string
  /** Whether this is the user's AWS account (billable). */
  readonly real: boolean
  /** Stops what the example started (the local moto_server). */
  close(): Promise<void>
}

/**
 * Credentials for a local emulator only: moto accepts any. They are never sent to AWS, because
 * they are only ever used together with a loopback endpoint.
 */
const LOCAL_CREDENTIALS = { accessKeyId: 'skyloom-local', secretAccessKey: 'skyloom-local' }
const LOCAL_REGION = 'us-east-1'
/** Fast readiness polling: an emulator answers at once. */
const LOCAL_POLL_MS = 200

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname
    return host === 'localhost' || host === '[::1]' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
  } catch {
    return false
  }
}

/**
 * Picks the cloud:
 *
 * - `--real`: the user's AWS account, with the SDK's default credential chain and region
 *   (AWS_REGION, profiles, SSO…), exactly as `createAws()` reads them; nothing else is asked.
 * - AWS_ENDPOINT_URL_EC2 set to a loopback URL: that emulator, for EC2 and Auto Scaling alike.
 * - otherwise: a moto_server started here on a free loopback port.
 *
 * An endpoint that is not on this machine is refused without `--real`: it could be AWS itself,
 * reached with whatever credentials the environment holds.
 */
export async function chooseTarget(options: { real: boolean }): Promise<Target> {
  if (options.real) {
    const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION
    // Said once here rather than once per resource by the plan's checks.
    if (!region) throw new Error('--real needs a region: set AWS_REGION, for example AWS_REGION=eu-west-1.')
    const provider = createAws()
    return {
      provider,
      real: true,
      description: `real AWS in ${region}, credentials from the default chain (billable while it runs)`,
      close: async () => {},
    }
  }
  const given = process.env.AWS_ENDPOINT_URL_EC2
  if (given) {
    if (!isLoopback(given)) {
      throw new Error(
        `AWS_ENDPOINT_URL_EC2 is ${given}, which is not on this machine. The example only talks to a local emulator unless you pass --real.`,
      )
    }
    return {
      provider: createAws({
        region: LOCAL_REGION,
        endpoint: given,
        credentials: LOCAL_CREDENTIALS,
        pollIntervalMs: LOCAL_POLL_MS,
      }),
      real: false,
      description: `the emulator at ${given} (from AWS_ENDPOINT_URL_EC2), ${LOCAL_REGION}, fake credentials`,
      close: async () => {},
    }
  }
  const moto = await startMoto()
  return {
    provider: createAws({
      region: LOCAL_REGION,
      endpoint: moto.endpoint,
      credentials: LOCAL_CREDENTIALS,
      pollIntervalMs: LOCAL_POLL_MS,
    }),
    real: false,
    description: `moto_server started on ${moto.endpoint}, ${LOCAL_REGION}, fake credentials`,
    close: () => moto.stop(),
  }
}
