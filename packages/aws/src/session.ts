import type { DescribeImagesCommandOutput } from '@aws-sdk/client-ec2'
import {
  type MutationContext,
  type OperationContext,
  type OperationName,
  ProviderError,
} from '@skyloom/core/provider'
import type { z } from 'zod'
import { awsErrorCode, classifyAwsError } from './classify.js'
import type { AutoScalingApi, Ec2Api } from './clients.js'
import { type ImageLookup, ImageNotFound, type ResolvedImage } from './images.js'
import { autoScalingScopeOf, ec2ScopeOf, resourceTokensOf } from './limits.js'
import { optionsOf } from './options.js'
import { AwsProblem } from './problem.js'
import type { AwsRuntime } from './runtime.js'

/** Per-call options: how many instances a call affects (resource buckets) and a hint per error code. */
export interface CallOptions {
  /** Instances launched, started, stopped or terminated by the call (default 1 for those APIs). */
  readonly instances?: number
  /** A sentence telling the user what to do, by AWS error code. */
  readonly explain?: (code: string) => string | undefined
}

/** Extra options the SDK's `send` takes. */
export interface SendOptions {
  readonly abortSignal: AbortSignal
}

/**
 * One handler call's view of AWS. It takes rate-limit tokens the way the engine expects (the
 * engine paid for the operation's first call in its declared scope; every other call takes
 * its own), passes the cancellation signal to the SDK, and turns every failure into a
 * `ProviderError` naming the resource, the API and what to do.
 */
export class Session {
  readonly rt: AwsRuntime
  readonly ctx: OperationContext
  readonly operation: OperationName
  #prepaid: string | undefined

  constructor(rt: AwsRuntime, ctx: OperationContext, operation: OperationName, prepaidScope: string) {
    this.rt = rt
    this.ctx = ctx
    this.operation = operation
    this.#prepaid = prepaidScope
  }

  /** Takes a token from `scope`, unless it is the one the engine already took for this operation. */
  async acquire(scope: string, tokens = 1): Promise<void> {
    if (tokens === 1 && this.#prepaid === scope) {
      this.#prepaid = undefined
      return
    }
    await this.ctx.acquire(scope, tokens)
  }

  /** The validated `providerOptions.aws` section for these props; invalid options fail naming the resource. */
  options<T>(schema: z.ZodType<T>, props: Parameters<typeof optionsOf>[2]): T {
    try {
      return optionsOf(schema, this.ctx.providerOptions, props)
    } catch (error) {
      throw this.wrap(error, 'providerOptions')
    }
  }

  /** Reports progress when the operation is a mutation (reads have no progress channel). */
  progress(message: string): void {
    const ctx = this.ctx as Partial<MutationContext>
    ctx.progress?.(message)
  }

  async region(): Promise<string> {
    try {
      return await this.rt.region()
    } catch (error) {
      throw this.wrap(error, 'configuration')
    }
  }

  /** Calls EC2: `api` is the action name (`RunInstances`), used for the scope and in messages. */
  async ec2<T>(
    api: string,
    run: (ec2: Ec2Api, options: SendOptions) => Promise<T>,
    options: CallOptions = {},
  ): Promise<T> {
    let client: Ec2Api
    try {
      client = await this.rt.clients.ec2()
    } catch (error) {
      throw this.wrap(error, api)
    }
    await this.acquire(ec2ScopeOf(api))
    const resource = resourceTokensOf(api, options.instances ?? 1)
    if (resource) await this.ctx.acquire(resource.scope, resource.tokens)
    try {
      return await run(client, { abortSignal: this.ctx.signal })
    } catch (error) {
      throw this.wrap(error, api, options.explain)
    }
  }

  /** Calls Auto Scaling. */
  async autoScaling<T>(
    api: string,
    run: (autoScaling: AutoScalingApi, options: SendOptions) => Promise<T>,
    options: CallOptions = {},
  ): Promise<T> {
    let client: AutoScalingApi
    try {
      client = await this.rt.clients.autoScaling()
    } catch (error) {
      throw this.wrap(error, api)
    }
    await this.acquire(autoScalingScopeOf(api))
    try {
      return await run(client, { abortSignal: this.ctx.signal })
    } catch (error) {
      throw this.wrap(error, api, options.explain)
    }
  }

  /** A `ProviderError` for a problem the provider found itself. */
  problem(classification: ProviderError['classification'], message: string, code?: string): ProviderError {
    return this.wrap(new AwsProblem(classification, message, code), 'check')
  }

  /** Resolves an image alias or AMI id (cached per region), failing with a message that names this resource. */
  async image(image: string): Promise<ResolvedImage> {
    const region = await this.region()
    const lookup: ImageLookup = {
      byFilter: (filter) =>
        this.ec2('DescribeImages', ({ client, sdk }, options) =>
          client
            .send(
              new sdk.DescribeImagesCommand({
                Owners: [...filter.owners],
                Filters: [
                  { Name: 'name', Values: [filter.name] },
                  { Name: 'architecture', Values: [filter.architecture ?? 'x86_64'] },
                  { Name: 'state', Values: ['available'] },
                ],
              }),
              options,
            )
            .then((output: DescribeImagesCommandOutput) => output.Images ?? []),
        ),
      byId: (imageId) =>
        this.ec2(
          'DescribeImages',
          ({ client, sdk }, options) =>
            client
              .send(new sdk.DescribeImagesCommand({ ImageIds: [imageId] }), options)
              .then((output: DescribeImagesCommandOutput) => output.Images ?? []),
          // A missing AMI is an answer here, not a failure.
        ).catch((error: unknown) => {
          if (ProviderError.isInstance(error) && /^InvalidAMIID/.test(error.cloudCode ?? '')) return []
          throw error
        }),
    }
    try {
      return await this.rt.images.resolve(image, region, lookup)
    } catch (error) {
      if (error instanceof ImageNotFound) throw this.problem('invalid', error.message, 'ImageNotFound')
      throw error
    }
  }

  /** Turns any failure into a `ProviderError` for this resource and operation. */
  wrap(error: unknown, api: string, explain?: (code: string) => string | undefined): ProviderError {
    if (ProviderError.isInstance(error)) return error
    const region = this.rt.configuredRegion()
    if (error instanceof AwsProblem) {
      return new ProviderError({
        provider: 'aws',
        operation: this.operation,
        urn: this.ctx.urn,
        class: error.classification,
        ...(error.code ? { code: error.code } : {}),
        message: error.message,
        cause: error,
      })
    }
    const classification = classifyAwsError(error, region ? { region } : {})
    const code = classification.code ?? awsErrorCode(error)
    const base = classification.message ?? firstLine(error)
    const hint = code ? explain?.(code) : undefined
    return new ProviderError({
      provider: 'aws',
      operation: this.operation,
      urn: this.ctx.urn,
      class: classification.class,
      ...(code ? { code } : {}),
      ...(classification.retryAfterMs === undefined ? {} : { retryAfterMs: classification.retryAfterMs }),
      message: `${api}${region ? ` in ${region}` : ''}: ${base}${hint ? ` ${hint}` : ''}`,
      cause: error,
    })
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0] ?? text
}
