/**
 * API calls to create 100 instances and wait until they run, against moto_server:
 *
 *   pnpm --filter @skyloom/aws bench        (needs @skyloom/core built: `pnpm build`)
 *
 * Three ways, each on a fresh moto with instances reported `pending` for PENDING_MS after
 * launch (moto itself starts them running at once; the test proxy adds the delay):
 *
 * 1. per resource: create one instance, poll it alone until it runs; ten at a time, as a
 *    per-resource walker (Terraform's default parallelism) does;
 * 2. batched: the same creates, then one DescribeInstances per poll round for everything
 *    still pending, as the engine's read batcher does;
 * 3. engine: `engine.up()` of a stack with the 100 instances, under the provider's declared
 *    limits (RunInstances: 5 burst, 2 per second), so launches spread over time.
 *
 * Target (issue #6): at most one DescribeInstances call per poll round in total. Numbers are
 * printed, never asserted: benchmarks do not fail on time.
 */
import { createEngine, createStack, instance, memoryState, network, subnet } from '@skyloom/core'
import { testContext } from '@skyloom/core/testing'
import { type AwsProvider, countCalls, createAws } from '../src/index.js'
import { createAndWait, createAndWaitEach } from '../test/support/driver.js'
import { writeImageFixture } from '../test/support/images.js'
import { findMotoServer, type MotoServer, startMoto } from '../test/support/moto.js'
import { type MotoProxy, startProxy } from '../test/support/proxy.js'

const INSTANCES = 100
const PENDING_MS = 1_500
const POLL_MS = 250
const PARALLELISM = 10

interface Row {
  readonly mode: string
  readonly runInstances: number
  readonly describeInstances: number
  readonly total: number
  readonly seconds: number
  /** Poll rounds the elapsed time allows (seconds / poll interval): the ceiling for DescribeInstances. */
  readonly pollRounds: number
}

async function prepare(moto: MotoServer, proxy: MotoProxy) {
  await moto.reset()
  proxy.clear()
  const aws = createAws({
    region: 'us-east-1',
    endpoint: proxy.endpoint,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    pollIntervalMs: POLL_MS,
  })
  const ctx = (kind: string, name: string) => testContext({ stack: 'bench', kind, name })
  const net = await aws.handlers.network.create({ cidr: '10.0.0.0/16', tags: {} }, ctx('network', 'net'))
  const sub = await aws.handlers.subnet.create(
    { network: net.id, cidr: '10.0.0.0/20', public: false, tags: {} },
    ctx('subnet', 'sub'),
  )
  const { ec2 } = await aws.clients()
  const calls = countCalls(ec2)
  proxy.pendingFor(PENDING_MS)
  const items = Array.from({ length: INSTANCES }, (_, index) => ({
    props: {
      size: 'small' as const,
      image: 'ubuntu-24.04',
      subnet: sub.id,
      firewalls: [],
      publicIp: false,
      tags: {},
    },
    ctx: ctx('instance', `vm-${index}`),
  }))
  return { aws, calls, items }
}

function row(mode: string, calls: ReturnType<typeof countCalls>, started: number): Row {
  const seconds = (performance.now() - started) / 1000
  return {
    mode,
    runInstances: calls.count('RunInstances'),
    describeInstances: calls.count('DescribeInstances'),
    total: calls.total(),
    seconds,
    pollRounds: Math.ceil((seconds * 1000) / POLL_MS),
  }
}

async function perResource(moto: MotoServer, proxy: MotoProxy): Promise<Row> {
  const { aws, calls, items } = await prepare(moto, proxy)
  const started = performance.now()
  await createAndWaitEach(aws.handlers.instance, items, { intervalMs: POLL_MS, concurrency: PARALLELISM })
  return row('per resource (create + own wait loop, 10 at a time)', calls, started)
}

async function batched(moto: MotoServer, proxy: MotoProxy): Promise<Row> {
  const { aws, calls, items } = await prepare(moto, proxy)
  const started = performance.now()
  await createAndWait(aws.handlers.instance, items, { intervalMs: POLL_MS, concurrency: PARALLELISM })
  return row('batched (creates, then one readMany per round)', calls, started)
}

async function viaEngine(moto: MotoServer, proxy: MotoProxy): Promise<Row> {
  await moto.reset()
  proxy.clear()
  const aws: AwsProvider = createAws({
    region: 'us-east-1',
    endpoint: proxy.endpoint,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    pollIntervalMs: POLL_MS,
  })
  const stack = createStack('bench', { provider: aws })
  const net = stack.add(network('net', { cidr: '10.0.0.0/16' }))
  const sub = stack.add(subnet('sub', { network: net.out.id, cidr: '10.0.0.0/20' }))
  const engine = createEngine({ state: memoryState() })
  // The network first, so that only the instances are counted.
  await engine.up(stack)
  for (let index = 0; index < INSTANCES; index++) {
    stack.add(instance(`vm-${index}`, { size: 'small', image: 'ubuntu-24.04', subnet: sub.out.id }))
  }
  const { ec2 } = await aws.clients()
  const calls = countCalls(ec2)
  proxy.pendingFor(PENDING_MS)
  const started = performance.now()
  const result = await engine.up(stack)
  if (!result.ok)
    throw new Error(`engine apply failed: ${result.steps.find((step) => step.error)?.error?.message}`)
  return row('engine.up (declared limits: RunInstances 5 + 2/s)', calls, started)
}

function print(rows: readonly Row[]): void {
  const widths = [52, 13, 18, 7, 8, 12]
  const line = (cells: readonly (string | number)[]) =>
    cells
      .map((cell, index) =>
        index === 0 ? String(cell).padEnd(widths[0]!) : String(cell).padStart(widths[index]!),
      )
      .join(' ')
  console.log(line(['mode', 'RunInstances', 'DescribeInstances', 'total', 'seconds', 'poll rounds']))
  for (const entry of rows) {
    console.log(
      line([
        entry.mode,
        entry.runInstances,
        entry.describeInstances,
        entry.total,
        entry.seconds.toFixed(1),
        entry.pollRounds,
      ]),
    )
  }
}

async function main(): Promise<void> {
  if (!findMotoServer()) {
    console.error('moto_server is not on PATH (pip install "moto[server]"); the benchmark needs it.')
    process.exitCode = process.env.CI === 'true' ? 1 : 0
    return
  }
  const moto = await startMoto({ env: { MOTO_AMIS_PATH: writeImageFixture() } })
  const proxy = await startProxy(moto.endpoint)
  try {
    console.log(
      `${INSTANCES} instances, pending for ${PENDING_MS} ms after launch, polled every ${POLL_MS} ms, against moto_server\n`,
    )
    const naive = await perResource(moto, proxy)
    const grouped = await batched(moto, proxy)
    const engine = await viaEngine(moto, proxy)
    print([naive, grouped, engine])
    const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : `${(a / b).toFixed(1)}x`)
    console.log(
      `\nDescribeInstances, per resource vs batched: ${naive.describeInstances} vs ${grouped.describeInstances} (${ratio(naive.describeInstances, grouped.describeInstances)} fewer)`,
    )
    console.log(
      `total calls, per resource vs batched: ${naive.total} vs ${grouped.total} (${ratio(naive.total, grouped.total)} fewer)`,
    )
    console.log(
      `engine: ${engine.describeInstances} DescribeInstances in ${engine.pollRounds} poll intervals (${(engine.describeInstances / engine.pollRounds).toFixed(2)} per round; target ≤ 1)`,
    )
    const bound = (INSTANCES - 5) / 2
    console.log(
      `engine time ${engine.seconds.toFixed(1)} s vs the RunInstances bucket's lower bound (${INSTANCES} - 5 burst) / 2 per s = ${bound.toFixed(1)} s`,
    )
  } finally {
    await proxy.close()
    await moto.stop()
  }
}

await main()
