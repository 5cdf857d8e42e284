/**
 * Engine overhead benchmark: applies a 10,000-resource stack (networks, firewalls, subnets,
 * instances, volumes, with references) through a provider that answers at once, so what is
 * measured is the engine: scheduling, journaling, events. Each configuration runs in a fresh
 * process; the file store runs against a temporary directory on this machine's disk.
 *
 *   pnpm --filter @skyloom/core bench
 *
 * Targets (issue #3): under 100 µs of engine time per step and under 300 MB peak RSS; the
 * file store costs under 1.3x the memory store.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createEngine, fileState, memoryState, type ProviderV1 } from '@skyloom/core'
import { buildStack } from './stack.js'

/** A provider with no latency: ids from a counter, outputs echo the props. */
function instantProvider(): ProviderV1 {
  let counter = 0
  const handler = {
    async create(props: Record<string, unknown>) {
      const id = `r-${++counter}`
      return {
        id,
        outputs: {
          id,
          cidr: props.cidr,
          zone: 'z1',
          privateAddress: '10.0.0.1',
          state: 'running',
          machineType: 'x',
        },
      }
    },
    async update(id: string) {
      return { id, outputs: { id } }
    },
    async delete() {},
  }
  const kinds = Object.fromEntries(
    ['network', 'subnet', 'firewall', 'instance', 'volume'].map((kind) => [kind, handler]),
  )
  return { specificationVersion: 'v1', name: 'instant', kinds }
}

interface Sample {
  store: string
  resources: number
  planMs: number
  applyMs: number
  perStepUs: number
  peakRssMb: number
}

async function child(store: 'memory' | 'file', total: number): Promise<Sample> {
  const dir = store === 'file' ? mkdtempSync(join(tmpdir(), 'skyloom-bench-')) : undefined
  try {
    const engine = createEngine({ state: dir ? fileState({ dir }) : memoryState() })
    const stack = buildStack(total, instantProvider())
    const planStarted = performance.now()
    const plan = await engine.plan(stack)
    const planMs = performance.now() - planStarted
    const started = performance.now()
    const result = await engine.apply(plan)
    const applyMs = performance.now() - started
    if (!result.ok || result.counts.done !== total)
      throw new Error(`apply did not finish: ${JSON.stringify(result.counts)}`)
    return {
      store,
      resources: total,
      planMs: round(planMs),
      applyMs: round(applyMs),
      perStepUs: round((applyMs * 1000) / total),
      peakRssMb: round(process.resourceUsage().maxRSS / 1024),
    }
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
}

const round = (value: number) => Math.round(value * 10) / 10

const childArg = process.argv.indexOf('--child')
if (childArg !== -1) {
  const store = process.argv[childArg + 1] as 'memory' | 'file'
  process.stdout.write(JSON.stringify(await child(store, Number(process.argv[childArg + 2]))))
} else {
  const run = (store: string, size: number): Sample =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [...process.execArgv, fileURLToPath(import.meta.url), '--child', store, String(size)],
        {
          encoding: 'utf8',
        },
      ),
    )
  // Interleaved runs, the median of each: one noisy run of either store does not move the ratio.
  const repeats = 5
  const runs: Record<'memory' | 'file', Sample[]> = { memory: [], file: [] }
  for (let index = 0; index < repeats; index++) {
    runs.memory.push(run('memory', 10_000))
    runs.file.push(run('file', 10_000))
  }
  const median = (samples: Sample[]): Sample =>
    samples.slice().sort((a, b) => a.applyMs - b.applyMs)[Math.floor(samples.length / 2)]!
  const memory = median(runs.memory)
  const file = median(runs.file)
  const ratio = Math.round((file.applyMs / memory.applyMs) * 100) / 100
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ benchmark: 'apply', samples: [memory, file], fileToMemoryRatio: ratio }))
  } else {
    console.log(
      `Engine overhead: apply of 10,000 resources with a zero-latency provider (median of ${repeats}, fresh process each)`,
    )
    console.table(
      [memory, file].map((sample) => ({
        store: sample.store,
        'plan (ms)': sample.planMs,
        'apply (ms)': sample.applyMs,
        'per step (µs)': sample.perStepUs,
        'peak RSS (MB)': sample.peakRssMb,
      })),
    )
    console.log(
      `per step: ${memory.perStepUs} µs (target < 100 µs); peak RSS ${Math.max(memory.peakRssMb, file.peakRssMb)} MB (target < 300 MB); file store / memory store = ${ratio} (target < 1.3)`,
    )
  }
}
