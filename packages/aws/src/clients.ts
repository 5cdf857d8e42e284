import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import type { EC2Client } from '@aws-sdk/client-ec2'
import type { AwsSettings } from './settings.js'

/** The @aws-sdk/client-ec2 module, loaded on first use. */
export type Ec2Module = typeof import('@aws-sdk/client-ec2')
/** The @aws-sdk/client-auto-scaling module, loaded on first use. */
export type AutoScalingModule = typeof import('@aws-sdk/client-auto-scaling')

/** An EC2 client with the module its commands come from. */
export interface Ec2Api {
  readonly client: EC2Client
  readonly sdk: Ec2Module
}

/** An Auto Scaling client with the module its commands come from. */
export interface AutoScalingApi {
  readonly client: AutoScalingClient
  readonly sdk: AutoScalingModule
}

/**
 * Creates the SDK clients on first use. The SDK modules are imported dynamically here and
 * nowhere else, so `import { aws } from '@skyloom/aws'` loads no SDK code; Auto Scaling is only
 * loaded when an instance group is managed.
 */
export class ClientFactory {
  readonly #settings: AwsSettings
  readonly #region: () => Promise<string>
  #ec2: Promise<Ec2Api> | undefined
  #autoScaling: Promise<AutoScalingApi> | undefined

  constructor(settings: AwsSettings, region: () => Promise<string>) {
    this.#settings = settings
    this.#region = region
  }

  ec2(): Promise<Ec2Api> {
    this.#ec2 ??= this.#createEc2()
    // A failed creation (no region) is retried on the next call instead of being cached.
    this.#ec2.catch(() => {
      this.#ec2 = undefined
    })
    return this.#ec2
  }

  autoScaling(): Promise<AutoScalingApi> {
    this.#autoScaling ??= this.#createAutoScaling()
    this.#autoScaling.catch(() => {
      this.#autoScaling = undefined
    })
    return this.#autoScaling
  }

  /** Client options shared by both services: retries off (the engine retries), region, credentials, endpoint. */
  async #options() {
    const settings = this.#settings
    return {
      region: await this.#region(),
      maxAttempts: 1,
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    }
  }

  async #createEc2(): Promise<Ec2Api> {
    const sdk = await import('@aws-sdk/client-ec2')
    const client = this.#settings.ec2Client ?? new sdk.EC2Client(await this.#options())
    return { client, sdk }
  }

  async #createAutoScaling(): Promise<AutoScalingApi> {
    const sdk = await import('@aws-sdk/client-auto-scaling')
    const client = this.#settings.autoScalingClient ?? new sdk.AutoScalingClient(await this.#options())
    return { client, sdk }
  }
}
