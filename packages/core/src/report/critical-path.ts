import type { TimelineModel, TimelineStep } from './timeline-model.js'

/** How a step of the critical path was held until it started. */
export type CriticalLink =
  /** It started when the apply did. */
  | 'apply-start'
  /** It started when the previous step of the path, one of its dependencies, finished. */
  | 'dependency'
  /** Its dependencies were done earlier; it started when the previous step, of the same scope, finished and made room. */
  | 'scope'
  /** Nothing that ended at its start explains it (an external wait); the path stops here. */
  | 'unexplained'

/** One step of the critical path, first step first. */
export interface CriticalStep {
  readonly step: TimelineStep
  /** How this step came to start when it did. */
  readonly link: CriticalLink
}

/**
 * The chain of steps that determined the makespan. Rule: start from the step that ended last
 * and walk backwards. A step that started when one of its dependencies ended (within a
 * tolerance) was held by it: the dependency that ended last is the previous link. A step that
 * started later than all its dependencies had ended was held by its scope (its rate-limit
 * queue had no room): the previous link is the step of the same scope that ended last at its
 * start. A step that started with the apply ends the walk. Waits inside a bar (rate-limit
 * tokens, backoff, polling) are part of that bar, so they are on the path with it.
 */
export function criticalPath(model: TimelineModel): CriticalStep[] {
  const ran = model.steps.filter(
    (step): step is TimelineStep & { start: number; end: number } =>
      step.start !== undefined && step.end !== undefined,
  )
  if (ran.length === 0) return []
  // Virtual clocks give exact equalities; real clocks a few ms of event-loop slack.
  const tolerance = Math.max(1, model.makespan * 0.002)
  const byScope = new Map<string, Array<TimelineStep & { start: number; end: number }>>()
  for (const step of ran) {
    const list = byScope.get(step.scope) ?? []
    list.push(step)
    byScope.set(step.scope, list)
  }
  let current = ran.reduce((last, step) => (step.end > last.end ? step : last))
  const chain: CriticalStep[] = []
  const seen = new Set<string>()
  for (;;) {
    seen.add(current.id)
    const start = current.start
    let previous: (TimelineStep & { start: number; end: number }) | undefined
    let link: CriticalLink
    const dependencies = current.dependsOn
      .map((id) => model.byId.get(id))
      .filter(
        (step): step is TimelineStep & { start: number; end: number } =>
          step?.start !== undefined && step.end !== undefined && step.end <= start + tolerance,
      )
    const gate = dependencies.reduce<(TimelineStep & { start: number; end: number }) | undefined>(
      (last, step) => (last === undefined || step.end > last.end ? step : last),
      undefined,
    )
    if (gate && gate.end >= start - tolerance) {
      previous = gate
      link = 'dependency'
    } else if (start <= tolerance) {
      link = 'apply-start'
    } else {
      previous = (byScope.get(current.scope) ?? [])
        .filter((step) => !seen.has(step.id) && Math.abs(step.end - start) <= tolerance)
        .reduce<(TimelineStep & { start: number; end: number }) | undefined>(
          (last, step) => (last === undefined || step.end > last.end ? step : last),
          undefined,
        )
      link = previous ? 'scope' : 'unexplained'
    }
    chain.push({ step: current, link })
    if (!previous || seen.has(previous.id)) break
    current = previous
  }
  return chain.reverse()
}
