/**
 * Scheduler benchmark (issue 4): applies four scenarios to the simulated cloud on its virtual
 * clock, so every makespan is exact and repeatable, and compares Skyloom's engine with a
 * lower bound and with two baseline walkers that drive the same sim handlers.
 *
 *   pnpm bench:scheduler                 a table
 *   pnpm bench:scheduler --json          { "scenarios": [ { name, resources, makespan, ... } ] }
 *   pnpm bench:scheduler --profile       the table, then where each scenario's time went
 *
 * Options: `--seed N` (default 1), `--scenario NAME` (repeatable), `--terraform-attempts N`
 * (default 25, terraform-provider-aws's max_retries; 3 is the bare AWS SDK's standard mode),
 * `--per-region N` instances per region in multi-region (default 1,000).
 *
 * Times are seconds of simulated time. It prints numbers and ratios and never fails on them;
 * it exits non-zero only if a run breaks (for example an unexpected error).
 */
import { TERRAFORM_PARALLELISM } from './baselines.js'
import { measureScenario, type ScenarioRow } from './measure.js'
import { profileLines } from './profile.js'
import { deepChains, multiRegion, randomDag, wideWebTier } from './scenarios.js'
import { renderTable } from './table.js'

interface Options {
  json: boolean
  profile: boolean
  seed: number
  scenarios: string[]
  terraformAttempts: number | undefined
  perRegion: number
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = {
    json: false,
    profile: false,
    seed: 1,
    scenarios: [],
    terraformAttempts: undefined,
    perRegion: 1_000,
  }
  const number = (flag: string, value: string | undefined): number => {
    const parsed = Number(value)
    if (value === undefined || !Number.isInteger(parsed) || parsed < 1)
      throw new Error(`${flag} takes a positive integer, got ${value ?? 'nothing'}`)
    return parsed
  }
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!
    if (arg === '--') continue
    else if (arg === '--json') options.json = true
    else if (arg === '--profile') options.profile = true
    else if (arg === '--seed') options.seed = number(arg, argv[++index])
    else if (arg === '--scenario') options.scenarios.push(argv[++index] ?? '')
    else if (arg === '--terraform-attempts') options.terraformAttempts = number(arg, argv[++index])
    else if (arg === '--per-region') options.perRegion = number(arg, argv[++index])
    else throw new Error(`unknown option ${arg}; see the comment at the top of bench/scheduler.ts`)
  }
  return options
}

const options = parseArgs(process.argv.slice(2))
// The unbounded-retry baseline makes millions of throttled calls, each an Error; their stack
// traces are never read, and capturing them would take most of the benchmark's wall time.
Error.stackTraceLimit = 0

const scenarios = [
  wideWebTier(),
  deepChains(),
  randomDag(options.seed),
  multiRegion(options.perRegion),
].filter((scenario) => options.scenarios.length === 0 || options.scenarios.includes(scenario.name))
if (scenarios.length === 0) throw new Error(`no scenario named ${options.scenarios.join(', ')}`)

const rows: ScenarioRow[] = []
const profiles: string[] = []
for (const scenario of scenarios) {
  const wall = performance.now()
  const measurement = await measureScenario(scenario, {
    seed: options.seed,
    ...(options.terraformAttempts === undefined ? {} : { terraformAttempts: options.terraformAttempts }),
  })
  rows.push(measurement.row)
  if (options.profile) profiles.push(...profileLines(measurement), '')
  if (!options.json)
    process.stderr.write(
      `${scenario.name}: measured in ${((performance.now() - wall) / 1000).toFixed(1)} s of wall time\n`,
    )
}

if (options.json) {
  process.stdout.write(`${JSON.stringify({ scenarios: rows }, null, 2)}\n`)
} else {
  const lines = [
    `Scheduler benchmark: simulated cloud, virtual clock, seed ${options.seed}; times in seconds of simulated time.`,
    '',
    renderTable(rows),
    '',
    'lower bound = max(critical path of actual latencies, work / concurrency (0: the cloud caps no concurrency),',
    '                  max over scopes of (creates - bucket capacity) / refill per second)',
    'tight bound = the same with each rate term given a head (earliest start) and a tail (shortest remaining path)',
    `terraform-style = one semaphore of ${TERRAFORM_PARALLELISM}, ready order, SDK retries with jittered backoff, ` +
      'a waiter per resource holding its slot; speedup = terraform-style / makespan',
    "unbounded-retry = every ready step at once, throttled calls retried after the cloud's retry-after;",
    '                  its throttled = the throttled calls it made',
    "API calls, throttled, failed = Skyloom's run, as the clouds counted them",
    '',
    ...scenarios.map((scenario) => `${scenario.name}: ${scenario.description}`),
  ]
  if (options.profile) lines.push('', ...profiles)
  process.stdout.write(`${lines.join('\n')}\n`)
}
