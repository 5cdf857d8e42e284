import {
  type ApplyResult,
  createEngine,
  type EngineEvent,
  memoryState,
  OWNERSHIP_TAG_URN,
  seededRandom,
  VirtualClock,
} from '@skyloom/core'
import { createSim, type SimProvider } from '../src/index.js'
import { type Scenario, toStack } from './scenario.js'

/** What one Skyloom apply of a scenario produced. */
export interface SkyloomRun {
  readonly result: ApplyResult
  readonly events: readonly EngineEvent[]
  readonly providers: readonly SimProvider[]
  /** Actual provisioning time of every resource (ready minus create), by URN, from the cloud itself. */
  readonly latencies: ReadonlyMap<string, number>
  /** API calls and throttled calls the clouds counted, summed over regions. */
  readonly cloudCalls: { readonly calls: number; readonly throttled: number }
}

/** Fresh sims for a run: one per region, all on one virtual clock, same seed. */
export function freshSims(
  scenario: Scenario,
  seed: number,
): { clock: VirtualClock; providers: SimProvider[] } {
  const clock = new VirtualClock(0)
  const providers = scenario.regions.map((region) => createSim({ clock, seed, region }))
  return { clock, providers }
}

/**
 * Applies the scenario with Skyloom's real engine, exactly as an embedder would: a fresh
 * engine on the sims' clock, memory state, seeded jitter, `engine.up(stack)`. Nothing about
 * the benchmark reaches the engine but the stack.
 */
export async function runSkyloom(scenario: Scenario, seed: number): Promise<SkyloomRun> {
  const { clock, providers } = freshSims(scenario, seed)
  const engine = createEngine({ clock, state: memoryState(), random: seededRandom(seed) })
  const events: EngineEvent[] = []
  engine.events.on('event', (event) => events.push(event))
  const result = await engine.up(toStack(scenario, providers))
  const latencies = new Map<string, number>()
  let calls = 0
  let throttled = 0
  for (const provider of providers) {
    for (const view of provider.cloud.resources()) {
      const urn = view.tags[OWNERSHIP_TAG_URN]
      if (urn !== undefined) latencies.set(urn, view.readyAt - view.createdAt)
    }
    const stats = provider.cloud.stats()
    calls += stats.calls
    throttled += stats.throttled
  }
  return { result, events, providers, latencies, cloudCalls: { calls, throttled } }
}
