/**
 * Engine overhead benchmark: applies a 10,000-resource stack (networks, firewalls, subnets,
 * instances, volumes, with references) through a provider that answers at once, so what is
 * measured is the engine: scheduling, journaling, events. Each configuration runs in a fresh
 * process; the file store runs against a temporary directory on this machine's disk.
 *
 *   pnpm --filter @skyloom/core bench
 *
 * The file store's run also reads the result back with a new store (no cache), which is what
 * the next process to plan the stack pays.
 *
 * Targets (issue #3): under 100 µs of engine time per step and under 300 MB peak RSS; the
 * file store costs under 1.3x the memory store.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
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
  /** A second apply that adds 10 resources to the 10,000: what a small change to a big stack costs. */
  smallApplyMs: number
  /** The longest the event loop went without turning during the apply: what a service embedding the engine would feel. */
  loopStallMs: number
  /** Reading the 10,010 resources back with a new store (no cache): what the next process pays. */
  coldReadMs: number | undefined
}

async function child(store: 'memory' | 'file', total: number): Promise<Sample> {
  const dir = store === 'file' ? mkdtempSync(join(tmpdir(), 'skyloom-bench-')) : undefined
  try {
    const engine = createEngine({ state: dir ? fileState({ dir }) : memoryState() })
    const stack = buildStack(total, instantProvider())
    const planStarted = performance.now()
    const plan = await engine.plan(stack)
    const planMs = performance.now() - planStarted
    const loop = monitorEventLoopDelay({ resolution: 10 })
    loop.enable()
    const started = performance.now()
    const result = await engine.apply(plan)
    const applyMs = performance.now() - started
    loop.disable()
    if (!result.ok || result.counts.done !== total)
      throw new Error(`apply did not finish: ${JSON.stringify(result.counts)}`)
    const peakRssMb = round(process.resourceUsage().maxRSS / 1024)
    const more = await engine.plan(buildStack(total + 10, instantProvider()))
    const smallStarted = performance.now()
    const small = await engine.apply(more)
    const smallApplyMs = performance.now() - smallStarted
    if (!small.ok || small.counts.done !== 10)
      throw new Error(`the small apply did not finish: ${JSON.stringify(small.counts)}`)
    let coldReadMs: number | undefined
    if (dir) {
      const readStarted = performance.now()
      const state = await fileState({ dir }).read('bench')
      coldReadMs = round(performance.now() - readStarted)
      if (Object.keys(state?.resources ?? {}).length !== total + 10)
        throw new Error('the state read back does not hold every resource')
    }
    return {
      store,
      resources: total,
      planMs: round(planMs),
      applyMs: round(applyMs),
      perStepUs: round((applyMs * 1000) / total),
      peakRssMb,
      smallApplyMs: round(smallApplyMs),
      loopStallMs: round(loop.max / 1e6),
      coldReadMs,
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
  const run = (store: string, size: number): Sample => {
    // Each run starts with no dirty pages left by the one before (its 11 MB of state files were
    // just deleted): their writeback would land in this run's fsyncs. `sync` is a fixed command.
    try {
      execFileSync('sync')
    } catch {
      // No sync(1) on this system: runs may disturb each other a little more.
    }
    return JSON.parse(
      execFileSync(
        process.execPath,
        [...process.execArgv, fileURLToPath(import.meta.url), '--child', store, String(size)],
        {
          encoding: 'utf8',
        },
      ),
    )
  }
  // Paired runs: each pair runs both stores back to back (alternating which goes first), and
  // the ratio is the median of the pairs' ratios. This machine's speed drifts by 10-20% from
  // one run to the next; a pair sees the same drift, so its ratio is steadier than the ratio of
  // two medians taken at different moments (printed too, as is the middle half of the pairs).
  const repeatsArg = process.argv.indexOf('--repeats')
  const repeats = repeatsArg === -1 ? 9 : Number(process.argv[repeatsArg + 1])
  const runs: Record<'memory' | 'file', Sample[]> = { memory: [], file: [] }
  const ratios: number[] = []
  for (let index = 0; index < repeats; index++) {
    const order: Array<'memory' | 'file'> = index % 2 === 0 ? ['memory', 'file'] : ['file', 'memory']
    const pair = Object.fromEntries(order.map((store) => [store, run(store, 10_000)])) as Record<
      'memory' | 'file',
      Sample
    >
    runs.memory.push(pair.memory)
    runs.file.push(pair.file)
    ratios.push(pair.file.applyMs / pair.memory.applyMs)
  }
  const quantile = (values: number[], q: number): number =>
    values.slice().sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))]!
  const median = (samples: Sample[]): Sample =>
    samples.slice().sort((a, b) => a.applyMs - b.applyMs)[Math.floor(samples.length / 2)]!
  const memory = median(runs.memory)
  const file = median(runs.file)
  const two = (value: number) => Math.round(value * 100) / 100
  const ratio = two(quantile(ratios, 0.5))
  const middle = [two(quantile(ratios, 0.25)), two(quantile(ratios, 0.75))]
  const ofMedians = two(file.applyMs / memory.applyMs)
  if (process.argv.includes('--json')) {
    console.log(
      JSON.stringify({
        benchmark: 'apply',
        samples: [memory, file],
        fileToMemoryRatio: ratio,
        pairRatios: ratios.map(two),
        ratioOfMedians: ofMedians,
      }),
    )
  } else {
    console.log(
      `Engine overhead: apply of 10,000 resources with a zero-latency provider (medians of ${repeats} paired runs, fresh process each, Node ${process.versions.node})`,
    )
    console.table(
      [memory, file].map((sample) => ({
        store: sample.store,
        'plan (ms)': sample.planMs,
        'apply (ms)': sample.applyMs,
        'per step (µs)': sample.perStepUs,
        'peak RSS (MB)': sample.peakRssMb,
        '+10 resources (ms)': sample.smallApplyMs,
        'longest loop stall (ms)': sample.loopStallMs,
        'cold read (ms)': sample.coldReadMs ?? '-',
      })),
    )
    console.log(
      `per step: ${memory.perStepUs} µs (target < 100 µs); peak RSS ${Math.max(memory.peakRssMb, file.peakRssMb)} MB (target < 300 MB); file store / memory store = ${ratio} (target < 1.3; middle half of the pairs ${middle[0]}-${middle[1]}, ratio of the medians ${ofMedians})`,
    )
  }
}
