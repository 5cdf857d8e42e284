import type { OperationContext } from '@skyloom/core/provider'
import type { ApiClient } from './api/client.js'
import { ApiSession } from './api/session.js'
import type { DropletSize } from './catalog/sizes.js'

/** What every handler of one provider instance shares. */
export interface Runtime {
  readonly client: ApiClient
  /** Region for resources whose props name none. */
  readonly region: string
  readonly pollIntervalMs: number
  /** The size catalog in use (offline, or refreshed from `GET /v2/sizes`). */
  sizes(): readonly DropletSize[]
  /** An API session for one handler call (counts requests against the rate-limit scope). */
  session(ctx: OperationContext): ApiSession
}

export function createRuntime(options: {
  client: ApiClient
  region: string
  pollIntervalMs: number
  sizes: () => readonly DropletSize[]
}): Runtime {
  return {
    client: options.client,
    region: options.region,
    pollIntervalMs: options.pollIntervalMs,
    sizes: options.sizes,
    session: (ctx) => new ApiSession(options.client, ctx),
  }
}
