import { ProviderError } from '@skyloom/core/provider'
import { PROVIDER_NAME } from './errors.js'
import type { ApiSession } from './session.js'
import { type Action, actionEnvelope } from './wire.js'

/**
 * Waits for a DigitalOcean action (power, resize, attach, …) to finish by polling
 * `GET /v2/actions/{id}`: `in-progress` until `completed` or `errored`. Waits go through the
 * context's clock, so a virtual clock drives them in tests, and stop when the operation aborts.
 */
export async function waitForAction(
  session: ApiSession,
  action: Action,
  pollIntervalMs: number,
  what: string,
): Promise<Action> {
  let current = action
  const { ctx } = session
  while (current.status === 'in-progress') {
    if ('progress' in ctx && typeof ctx.progress === 'function') {
      ctx.progress(`waiting for ${what} (action ${current.id})`)
    }
    await ctx.clock.sleep(pollIntervalMs, ctx.signal)
    current = (await session.json('GET', `/v2/actions/${current.id}`, actionEnvelope)).action
  }
  if (current.status !== 'completed') {
    throw new ProviderError({
      provider: PROVIDER_NAME,
      operation: `action ${current.type}`,
      // An errored action (a host that failed to power on, an attach that lost a race) usually
      // succeeds when tried again; the engine retries transient errors a few times.
      class: 'transient',
      code: `action_${current.status}`,
      message: `${what} ended as "${current.status}" (action ${current.id}); see the resource's history in the DigitalOcean control panel`,
      urn: ctx.urn,
    })
  }
  return current
}
