import type { OperationContext } from '@skyloom/core/provider'
import { SimApiError } from './errors.js'
import type { SeededRandom } from './random.js'
import type { ResolvedSimSettings } from './settings.js'

/** Decides, from the seed, which calls and resources the configured faults hit. */
export class FaultInjector {
  readonly #settings: ResolvedSimSettings['faults']
  readonly #random: SeededRandom
  readonly #failing: ReadonlySet<string>

  constructor(settings: ResolvedSimSettings['faults'], random: SeededRandom) {
    this.#settings = settings
    this.#random = random
    this.#failing = new Set(settings.failResources)
  }

  /** The transient error this call meets, if the dice say so. */
  transient(action: string, ctx: OperationContext): SimApiError | undefined {
    const rate = this.#settings.transientErrorRate
    if (rate <= 0 || this.#random.next('transient', `${ctx.urn}|${action}`) >= rate) return undefined
    return new SimApiError(
      'InternalError',
      `${action} hit an injected internal error (faults.transientErrorRate = ${rate}); nothing was changed, retry the request`,
    )
  }

  /** Why this resource's provisioning will fail, when it was chosen to. */
  permanentFailure(ctx: OperationContext, chosen: boolean): string | undefined {
    const named = [ctx.name, `${ctx.kind}/${ctx.name}`, ctx.urn].some((key) => this.#failing.has(key))
    if (!named && !chosen) return undefined
    return `${ctx.kind} ${ctx.urn} failed to provision (injected by ${named ? 'faults.failResources' : 'providerOptions.sim.fail'}); delete it or remove it from the failure list`
  }

  /** A latency multiplier: `multiplier` with probability `rate` (a straggler), else 1. */
  spike(stream: string, key: string): number {
    const { rate, multiplier } = this.#settings.latencySpikes
    if (rate <= 0) return 1
    return this.#random.next(`spike:${stream}`, key) < rate ? multiplier : 1
  }
}
