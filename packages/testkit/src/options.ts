import type { Clock, ProviderV1 } from '@skyloom/core/provider'
import type { RuleId } from './rules.js'

/** Props for one kind: what to create, an in-place change, a change that forces replacement. */
export interface KindFixture {
  /** Neutral props (as a user writes them) of a resource to create. Use plain ids, not references. */
  readonly create: Readonly<Record<string, unknown>>
  /** The same resource with a change the provider makes in place, and the top-level props that change. */
  readonly update?: { readonly props: Readonly<Record<string, unknown>>; readonly changed: readonly string[] }
  /** The same resource with a change that forces a replacement; omit when the kind has none. */
  readonly replace?: Readonly<Record<string, unknown>>
  /** An id of this kind that does not exist, in the cloud's format. Default `skyloom-kit-missing-0`. */
  readonly missingId?: string
  /**
   * Rules this kind cannot meet, with the reason (printed when the suite runs). For example a
   * logical kind with no cloud object (DigitalOcean's subnet) cannot be found by tags.
   */
  readonly skip?: Readonly<Partial<Record<RuleId, string>>>
  /**
   * Actions after which the resource is gone for good (`terminate`): the kit runs each on a
   * resource of its own, made for the purpose, instead of on the one the other rules use.
   */
  readonly finalActions?: readonly string[]
  /** Arguments per action; actions not listed run without arguments. */
  readonly actionArgs?: Readonly<Record<string, Readonly<Record<string, unknown>>>>
}

/** Everything the kit needs about a provider under test. */
export interface ProviderUnderTest {
  readonly provider: ProviderV1
  readonly fixtures: Readonly<Record<string, KindFixture>>
  /**
   * Changes a resource behind Skyloom's back, as a console user would, and resolves to the
   * top-level prop that now differs (undefined when the kind has nothing to change).
   */
  readonly mutateOutOfBand?: (kind: string, id: string) => Promise<string | undefined>
  /** Makes the cloud throttle once and resolves to (or rejects with) the error it answered. */
  readonly throttle?: () => Promise<unknown>
  /**
   * Whether the cloud says how long to wait when it throttles (a Retry-After header or the
   * like). EC2 does not for RequestLimitExceeded: set false, and the kit requires only the class.
   * Default true.
   */
  readonly throttleSaysWhen?: boolean
  /** Runs after the suite: stop servers, delete leftovers. */
  readonly cleanup?: () => Promise<void>
  /** The clock the provider runs on (a virtual clock for a simulated cloud). Default real time. */
  readonly clock?: Clock
}

export interface TestProviderOptions {
  /** Suite name; default `provider <name> conformance`. */
  readonly name?: string
  /** The kinds to check, in an order where each one's fixture ids already exist. */
  readonly kinds: readonly string[]
  /** The provider and its fixtures, or an async setup that builds them (start a local server, …). */
  readonly setup: ProviderUnderTest | (() => ProviderUnderTest | Promise<ProviderUnderTest>)
  /**
   * Skip the whole suite, with the reason printed at run time (e.g. no credentials for a live
   * cloud). A falsy value runs it.
   */
  readonly skip?: string | false | undefined
  /** Per-test timeout in ms. Default 60,000. */
  readonly timeoutMs?: number
}
