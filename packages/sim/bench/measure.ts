import { OWNERSHIP_TAG_URN } from '@skyloom/core'
import { terraformStyle, unboundedRetry } from './baselines.js'
import { type LowerBound, lowerBound } from './lower-bound.js'
import type { Scenario } from './scenario.js'
import { freshSims, runSkyloom, type SkyloomRun } from './skyloom-run.js'
import { type WalkResult, walk } from './walker.js'

/** One row of the benchmark: the fields first (times in seconds of simulated time). */
export interface ScenarioRow {
  readonly name: string
  readonly resources: number
  readonly makespan: number
  readonly lowerBound: number
  readonly ratioToBound: number
  readonly terraformStyle: number
  readonly unboundedRetry: number
  /** Skyloom's API calls (throttled ones included), as the clouds counted them. */
  readonly apiCalls: number
  readonly throttledCalls: number
  /** Skyloom's steps that did not end done or noop (the target is zero). */
  readonly failedSteps: number
  /** The bound with a head and tail on each rate term (see lower-bound.ts), and the ratio to it. */
  readonly lowerBoundTight: number
  readonly ratioToTightBound: number
  /** Which term gives the bound: `critical path` or a rate-limit scope. */
  readonly binding: string
  readonly speedupVsTerraform: number
  readonly terraformStyleFailedSteps: number
  readonly unboundedRetryFailedSteps: number
  readonly unboundedRetryThrottledCalls: number
}

/** Everything measured for one scenario, the row and the raw material behind it. */
export interface Measurement {
  readonly row: ScenarioRow
  readonly skyloom: SkyloomRun
  readonly bound: LowerBound
  readonly terraform: WalkResult
  readonly unbounded: WalkResult
}

const seconds = (ms: number) => Math.round(ms) / 1000
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : 0)

/**
 * Runs one scenario three ways, each on fresh sims with the same seed (so every resource gets
 * the same provisioning latency in every run): Skyloom's engine, the Terraform-style walker and
 * the unbounded-retry walker. Then computes the lower bound from the plan Skyloom applied and
 * the latencies the cloud actually drew.
 */
export async function measureScenario(
  scenario: Scenario,
  options: { seed: number; terraformAttempts?: number },
): Promise<Measurement> {
  const skyloom = await runSkyloom(scenario, options.seed)
  const { result } = skyloom
  const latencyOf = (urn: string) => {
    const latency = skyloom.latencies.get(urn)
    if (latency === undefined) throw new Error(`${scenario.name}: no latency recorded for ${urn}`)
    return latency
  }
  const bound = lowerBound(result.plan, (step) => latencyOf(step.urn), skyloom.providers)

  const terraformSims = freshSims(scenario, options.seed)
  const terraform = await walk(
    scenario,
    terraformSims.providers,
    terraformSims.clock,
    terraformStyle(options.seed, options.terraformAttempts),
  )
  const unboundedSims = freshSims(scenario, options.seed)
  const unbounded = await walk(scenario, unboundedSims.providers, unboundedSims.clock, unboundedRetry())

  // Every contender must have met the same cloud: same latency for every resource it created.
  for (const providers of [terraformSims.providers, unboundedSims.providers]) {
    for (const provider of providers) {
      for (const view of provider.cloud.resources()) {
        const urn = view.tags[OWNERSHIP_TAG_URN]
        if (urn !== undefined && view.readyAt - view.createdAt !== latencyOf(urn)) {
          throw new Error(`${scenario.name}: ${urn} took a different latency in a baseline run`)
        }
      }
    }
  }

  const failedSteps = result.counts.failed + result.counts.skipped + result.counts.cancelled
  const row: ScenarioRow = {
    name: scenario.name,
    resources: scenario.resources.length,
    makespan: seconds(result.durationMs),
    lowerBound: seconds(bound.ms),
    ratioToBound: ratio(result.durationMs, bound.ms),
    terraformStyle: seconds(terraform.makespanMs),
    unboundedRetry: seconds(unbounded.makespanMs),
    apiCalls: skyloom.cloudCalls.calls,
    throttledCalls: skyloom.cloudCalls.throttled,
    failedSteps,
    lowerBoundTight: seconds(bound.tightMs),
    ratioToTightBound: ratio(result.durationMs, bound.tightMs),
    binding: bound.binding,
    speedupVsTerraform: ratio(terraform.makespanMs, result.durationMs),
    terraformStyleFailedSteps: terraform.failed + terraform.skipped,
    unboundedRetryFailedSteps: unbounded.failed + unbounded.skipped,
    unboundedRetryThrottledCalls: unbounded.throttled,
  }
  return { row, skyloom, bound, terraform, unbounded }
}
