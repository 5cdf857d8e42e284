/**
 * A web tier on AWS: plan (with monthly costs), apply, print the outputs, destroy, and check
 * that nothing tagged with the stack is left.
 *
 *   pnpm --filter @skyloom/example-aws-web-tier start            # against a moto_server it starts
 *   pnpm --filter @skyloom/example-aws-web-tier start -- --real  # against your AWS account
 *
 * Without --real it never talks to AWS: it starts moto_server on a free loopback port (or uses
 * the local emulator in AWS_ENDPOINT_URL_EC2) with fake credentials.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ApplyResult, createEngine, fileState, type Plan, renderPlanText } from '@skyloom/core'
import { taggedWithStack } from './leftovers.js'
import { STACK_NAME, webTier } from './stack.js'
import { chooseTarget } from './target.js'

const USAGE = `Usage: start [--real]

Applies a small web tier (VPC, public and private subnets, a security group, two web servers,
an Auto Scaling group), prints its outputs and destroys it.

  (no flag)  against moto_server, started here on a free loopback port, or against the local
             emulator in AWS_ENDPOINT_URL_EC2; fake credentials, nothing leaves this machine
  --real     against your AWS account: region and credentials from the AWS SDK's default chain
             (AWS_REGION, AWS_PROFILE, SSO, …). Creates billable resources for a few minutes.`

const args = process.argv.slice(2)
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE)
  process.exit(0)
}
const unknown = args.filter((arg) => arg !== '--real')
if (unknown.length > 0) {
  console.error(`Unknown argument${unknown.length > 1 ? 's' : ''}: ${unknown.join(' ')}\n\n${USAGE}`)
  process.exit(2)
}

const color = process.stdout.isTTY === true && !process.env.NO_COLOR
const bold = (text: string) => (color ? `\u001b[1m${text}\u001b[0m` : text)
const say = (text = '') => process.stdout.write(`${text}\n`)
const section = (title: string) => say(`\n${bold(title)}`)
const indent = (text: string) => text.replace(/^(?=.)/gm, '  ')
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

let target: Awaited<ReturnType<typeof chooseTarget>>
try {
  target = await chooseTarget({ real: args.includes('--real') })
} catch (error) {
  console.error(`Cannot start: ${(error as Error).message}`)
  process.exit(1)
}

say(bold('Skyloom on AWS: a web tier, planned, applied and destroyed'))
say(`Cloud: ${target.description}`)
const stateDir = await mkdtemp(join(tmpdir(), 'skyloom-aws-web-tier-'))
say(`State: ${stateDir}`)
const engine = createEngine({ state: fileState({ dir: stateDir }) })
const stack = () => webTier(target.provider)

// Ctrl-C once cancels the running apply and still destroys what was made; twice leaves at once.
const cancel = new AbortController()
let interrupted = 0
process.on('SIGINT', () => {
  interrupted++
  if (interrupted === 1) {
    say('\nInterrupted: cancelling, then destroying what was created (Ctrl-C again to leave now).')
    cancel.abort(new Error('interrupted'))
    return
  }
  say(`\nLeaving now. Resources may remain; the state is in ${stateDir}.`)
  process.exit(130)
})

/** One line per finished step, with how long it took. */
function logSteps(): () => void {
  return engine.events.on('step-end', (event) => {
    const outcome = event.outcome === 'done' ? 'ok' : event.outcome
    say(`  ${outcome.padEnd(9)} ${event.operation.padEnd(7)} ${event.urn.split('/').slice(1).join('/')}`)
  })
}

async function run(plan: Plan, options: { signal?: AbortSignal } = {}): Promise<ApplyResult> {
  const off = logSteps()
  try {
    return await engine.apply(plan, options)
  } finally {
    off()
  }
}

function report(result: ApplyResult, verb: string): boolean {
  const calls = Object.values(result.apiCalls).reduce((sum, scope) => sum + scope.calls, 0)
  const throttled = Object.values(result.apiCalls).reduce((sum, scope) => sum + scope.throttled, 0)
  if (result.ok) {
    say(
      `  ${verb} ${result.counts.done} resources in ${seconds(result.durationMs)} with ${calls} API calls (${throttled} throttled).`,
    )
    return true
  }
  say(`  FAILED (${result.outcome}):`)
  for (const step of result.steps.filter((entry) => entry.error))
    say(`    ${step.urn}: ${step.error?.message}`)
  return false
}

/** Outputs are listed in the order a reader thinks of the stack, not the order steps finished in. */
const KIND_ORDER = ['network', 'subnet', 'firewall', 'instance', 'instance-group']
const byKind = ([a]: [string, unknown], [b]: [string, unknown]) => {
  const [, kindA = '', nameA = ''] = a.split('/')
  const [, kindB = '', nameB = ''] = b.split('/')
  return KIND_ORDER.indexOf(kindA) - KIND_ORDER.indexOf(kindB) || nameA.localeCompare(nameB)
}

let ok = true
// Set once an apply has started: from then on, something may exist and must be destroyed.
let applying = false
try {
  section('1. Plan')
  const plan = await engine.plan(stack())
  say(indent(renderPlanText(plan, { color })))

  section('2. Apply')
  applying = true
  const applied = await run(plan, { signal: cancel.signal })
  ok = report(applied, 'Created')

  if (ok) {
    section('3. Outputs')
    for (const [urn, outputs] of Object.entries(applied.outputs).sort(byKind)) {
      const [, kind, name] = urn.split('/')
      const detail = (() => {
        switch (kind) {
          case 'network':
            return `${outputs.id}  ${outputs.cidr}`
          case 'subnet':
            return `${outputs.id}  ${outputs.cidr}  ${outputs.zone}`
          case 'instance':
            return `${outputs.id}  ${outputs.machineType}  ${outputs.state}  private ${outputs.privateAddress}  public ${outputs.publicAddress ?? '-'}`
          case 'instance-group':
            return `${outputs.id}  desired ${outputs.desired}  instances ${(outputs.instances as string[]).join(', ')}`
          default:
            return String(outputs.id)
        }
      })()
      say(`  ${`${kind} ${name}`.padEnd(22)} ${detail}`)
    }
  }
} catch (error) {
  ok = false
  say(`  FAILED: ${(error as Error).message}`)
} finally {
  // Whatever happened above, nothing is left running (and billing, with --real).
  if (applying) await destroy()
  await target.close()
}

async function destroy(): Promise<void> {
  section('4. Destroy')
  try {
    const plan = await engine.plan(stack(), { mode: 'destroy' })
    say(indent(renderPlanText(plan, { color })))
    const destroyed = await run(plan)
    ok = report(destroyed, 'Deleted') && ok
    const left = await taggedWithStack(target.provider, STACK_NAME)
    say(
      `  Left in the cloud tagged skyloom-stack=${STACK_NAME}: ${left.length}${left.length ? ` (${left.join(', ')})` : ''}`,
    )
    if (left.length > 0) ok = false
  } catch (error) {
    ok = false
    say(`  Destroy FAILED: ${(error as Error).message}. The state is in ${stateDir}.`)
  }
}

say(`\n${ok ? 'Done.' : 'Finished with errors.'}`)
process.exit(ok ? 0 : 1)
