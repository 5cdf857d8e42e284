/**
 * Planning benchmark: builds stacks of 1,000 and 10,000 resources with references (networks,
 * subnets, firewalls, instances, volumes) and plans them from an empty state and against the
 * state they produce. Each size runs in a fresh process so peak RSS is that size's own.
 *
 *   pnpm --filter @skyloom/core bench
 *
 * The script is bundled to plain JavaScript first, so the numbers are those of compiled code
 * (what users run), not of a TypeScript loader.
 *
 * Target (issue #2): 10,000 resources plan in under 0.5 s with under 150 MB peak RSS.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { plan } from '@skyloom/core'
import { createMockProvider } from '@skyloom/core/testing'
import { buildStack } from './stack.js'

interface Sample {
  resources: number
  planMs: number
  replanMs: number
  perResourceUs: number
  peakRssMb: number
  /** RSS of the process with everything loaded, before building the stack. */
  baselineRssMb: number
}

/** One measurement in a fresh process: a first plan (peak RSS is its own), or a replan. */
async function child(total: number, mode: 'plan' | 'replan'): Promise<Partial<Sample>> {
  // Cold on purpose: a CLI or a service's first request plans once in a fresh process.
  const baselineRssMb = round(process.memoryUsage().rss / 1024 / 1024)
  const stack = buildStack(total, createMockProvider())
  const started = performance.now()
  const result = await plan(stack, undefined)
  const planMs = performance.now() - started
  if (mode === 'plan') {
    return {
      resources: total,
      planMs: round(planMs),
      perResourceUs: round((planMs * 1000) / total),
      peakRssMb: round(process.resourceUsage().maxRSS / 1024),
      baselineRssMb,
    }
  }
  // Plan again against a state of the same size, every resource a no-op.
  const state = {
    schemaVersion: 1,
    stack: 'bench',
    version: 1,
    salt: 's',
    condemned: [],
    pending: {},
    updatedAt: new Date(0).toISOString(),
    resources: Object.fromEntries(
      result.changes.map((change) => [
        change.urn,
        {
          urn: change.urn,
          kind: change.kind,
          name: change.name,
          provider: change.provider,
          id: `id-${change.urn}`,
          props: resolveForState(change.props ?? {}),
          outputs: { id: `id-${change.urn}` },
          dependencies: change.dependencies,
          status: 'ready' as const,
          createdAt: '',
          updatedAt: '',
        },
      ]),
    ),
  }
  const replanStarted = performance.now()
  const replanned = await plan(buildStack(total, createMockProvider()), state)
  if (replanned.steps.length !== 0) throw new Error('replan against the produced state should be empty')
  return { replanMs: round(performance.now() - replanStarted) }
}

function resolveForState(props: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(props, (_key, value) =>
      value && typeof value === 'object' && typeof value.$ref === 'string' ? `id-${value.$ref}` : value,
    ),
  )
}

const round = (value: number) => Math.round(value * 10) / 10

const childArg = process.argv.indexOf('--child')
if (childArg !== -1) {
  const mode = process.argv[childArg + 2] === 'replan' ? 'replan' : 'plan'
  process.stdout.write(JSON.stringify(await child(Number(process.argv[childArg + 1]), mode)))
} else {
  const run = (size: number, mode: string): Partial<Sample> =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [...process.execArgv, fileURLToPath(import.meta.url), '--child', String(size), mode],
        {
          encoding: 'utf8',
        },
      ),
    )
  const samples: Sample[] = []
  for (const size of [1_000, 10_000]) samples.push({ ...run(size, 'plan'), ...run(size, 'replan') } as Sample)
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ benchmark: 'plan', samples }))
  } else {
    console.log(
      'Planning benchmark (fresh process per measurement; target: 10,000 in < 500 ms and < 150 MB peak RSS)',
    )
    console.table(
      samples.map((sample) => ({
        resources: sample.resources,
        'plan (ms)': sample.planMs,
        'per resource (µs)': sample.perResourceUs,
        'replan, all no-op (ms)': sample.replanMs,
        'peak RSS (MB)': sample.peakRssMb,
        'RSS before planning (MB)': sample.baselineRssMb,
      })),
    )
    const big = samples.at(-1)!
    console.log(
      `10,000 resources: ${big.planMs} ms = ${round(big.planMs / 500)}x the 500 ms budget; peak RSS ${big.peakRssMb} MB = ${round(big.peakRssMb / 150)}x the 150 MB budget`,
    )
  }
}
