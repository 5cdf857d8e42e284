import { OWNERSHIP_TAG_URN } from '@skyloom/core'
import type { SimScope } from '../src/index.js'
import type { Measurement } from './measure.js'

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/**
 * Where Skyloom's time went in one scenario, from the cloud's own records: for each rate-limit
 * scope, when its first and last successful call came and the rate achieved between them;
 * then the tail after the binding scope's last call; then how late readiness was noticed
 * (the poll interval's overshoot). Printed with `--profile`.
 */
export function profileLines(measurement: Measurement): string[] {
  const { skyloom, bound, row } = measurement
  const start = skyloom.result.startedAt
  const stepEnd = new Map<string, number>()
  for (const step of skyloom.result.steps) {
    if (step.startedAt !== undefined) stepEnd.set(step.urn, step.startedAt + step.durationMs - start)
  }
  const lines = [
    `${row.name}: makespan ${s(skyloom.result.durationMs)}; bound ${s(bound.ms)} (${bound.binding}); ` +
      `critical path ${s(bound.criticalPathMs)}; tight bound ${s(bound.tightMs)}`,
  ]
  let lag = 0
  let lagMax = 0
  let waited = 0
  for (const provider of skyloom.providers) {
    const calls = new Map<SimScope, number[]>()
    for (const view of provider.cloud.resources()) {
      const urn = view.tags[OWNERSHIP_TAG_URN]
      const end = urn === undefined ? undefined : stepEnd.get(urn)
      if (end !== undefined) {
        const late = end - (view.readyAt - start)
        lag += late
        lagMax = Math.max(lagMax, late)
        waited++
      }
      const scope = provider.kinds[view.kind].operations?.create?.scope as SimScope | undefined
      if (scope === undefined) continue
      const times = calls.get(scope) ?? []
      times.push(view.createdAt - start)
      calls.set(scope, times)
    }
    for (const [scope, times] of calls) {
      times.sort((a, b) => a - b)
      const first = times[0]!
      const last = times.at(-1)!
      const { capacity, refillPerSecond } = provider.settings.rateLimits[scope]
      const paced = Math.max(0, times.length - capacity)
      const rate = last > first ? (paced / (last - first)) * 1000 : 0
      lines.push(
        `  ${provider.key}/${scope}: ${times.length} creates, first ${s(first)}, last ${s(last)}` +
          (paced > 0 ? `, ${rate.toFixed(2)}/s beyond the burst (refill ${refillPerSecond}/s)` : ''),
      )
    }
  }
  const binding = bound.scopes.find((term) => term.scope === bound.binding)
  if (binding) {
    const [providerKey, scope] = splitScope(binding.scope)
    const provider = skyloom.providers.find((candidate) => candidate.key === providerKey)
    const last = Math.max(
      ...(provider?.cloud.resources() ?? [])
        .filter((view) => provider?.kinds[view.kind].operations?.create?.scope === scope)
        .map((view) => view.createdAt - start),
    )
    lines.push(`  tail after the last ${scope} call: ${s(skyloom.result.durationMs - last)}`)
  }
  if (waited > 0)
    lines.push(`  readiness noticed after it happened: mean ${s(lag / waited)}, max ${s(lagMax)}`)
  return lines
}

function splitScope(key: string): [string, string] {
  const index = key.lastIndexOf('/')
  return [key.slice(0, index), key.slice(index + 1)]
}
