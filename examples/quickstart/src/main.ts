/**
 * The Skyloom quickstart (`pnpm start`): a small web stack on the simulated cloud — no account,
 * no network. It plans with costs, applies with live progress, prints outputs, scales the web
 * tier, catches a change made behind Skyloom's back, and destroys everything.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ApplyResult, createEngine, fileState, type Plan, renderPlanText } from '@skyloom/core'
import { createSim } from '@skyloom/sim'
import { showProgress } from './progress.js'
import { webStack } from './stack.js'

const started = Date.now()
const color = process.stdout.isTTY === true && !process.env.NO_COLOR
const bold = (text: string) => (color ? `\u001b[1m${text}\u001b[0m` : text)
const say = (text = '') => process.stdout.write(`${text}\n`)
const section = (title: string) => say(`\n${bold(title)}`)
const indent = (text: string) => text.replace(/^/gm, '  ')

// The simulated cloud, with its latencies scaled down 20x so the whole tour takes seconds.
const cloud = createSim({ seed: 2026, latency: { scale: 0.05 } })
const stateDir = await mkdtemp(join(tmpdir(), 'skyloom-quickstart-'))
const engine = createEngine({ state: fileState({ dir: stateDir }), clock: cloud.clock })

async function apply(plan: Plan, report?: string): Promise<ApplyResult> {
  const stop = showProgress(engine)
  const result = await engine.apply(plan, report ? { report } : {})
  stop()
  const calls = Object.values(result.apiCalls).reduce((sum, scope) => sum + scope.calls, 0)
  const changed = result.counts.done
  say(
    `  ${result.ok ? 'Applied' : 'FAILED:'} ${changed} step${changed === 1 ? '' : 's'} in ${(result.durationMs / 1000).toFixed(1)} s with ${calls} API call${calls === 1 ? '' : 's'}` +
      ` (state version ${result.stateVersion}).`,
  )
  if (!result.ok) {
    for (const step of result.steps.filter((entry) => entry.error))
      say(`  ${step.stepId}: ${step.error?.message}`)
    process.exit(1)
  }
  return result
}

say(bold('Skyloom quickstart: a web stack on the simulated cloud (no account, no network needed)'))
say(`State is kept in ${stateDir}`)

section('1. Plan: three web servers, a database with a volume, their network and firewall')
const plan = await engine.plan(webStack(cloud, 3))
say(indent(renderPlanText(plan, { color })))

section('2. Apply')
const reportFile = join(stateDir, 'apply-report.html')
const first = await apply(plan, reportFile)
say(`  Report: ${reportFile} (the timeline per rate-limit scope, the critical path; open it in a browser)`)
say('  Outputs:')
for (const [urn, outputs] of Object.entries(first.outputs)) {
  if (!urn.includes('/instance/')) continue
  const name = urn.split('/')[2]!
  say(
    `    ${name.padEnd(6)} ${String(outputs.machineType).padEnd(10)} ${String(outputs.privateAddress).padEnd(12)} ${outputs.publicAddress ?? '(private)'}`,
  )
}

section('3. Scale the web tier from three to five')
const scale = await engine.plan(webStack(cloud, 5))
say(indent(renderPlanText(scale, { color })))
await apply(scale)

section('4. Drift: someone edits web-1 in the cloud console')
const web1 = cloud.cloud.resources({
  kind: 'instance',
  tags: { 'skyloom-urn': 'quickstart/instance/web-1' },
})[0]!
cloud.cloud.mutate(web1.id, { tags: { owner: 'someone-in-the-console' } })
const drift = await engine.refresh(webStack(cloud, 5))
for (const resource of drift.drifted) {
  for (const field of resource.fields) {
    say(
      `  Drift on ${resource.urn}: ${field.path} was ${JSON.stringify(field.recorded)}, is now ${JSON.stringify(field.actual)}`,
    )
  }
}
const repair = await engine.plan(webStack(cloud, 5))
say(indent(renderPlanText(repair, { color })))
await apply(repair)

section('5. Destroy')
const destroyPlan = await engine.plan(webStack(cloud, 5), { mode: 'destroy' })
say(`  ${destroyPlan.summary.delete} resources to delete.`)
await apply(destroyPlan)
const left = cloud.cloud.resources().length
say(`  Resources left in the cloud: ${left}.`)
const history = await engine.history('quickstart')
say(`  The state kept ${history.length} versions; restore any with engine.restore('quickstart', version).`)

say(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s.`)
if (left !== 0) process.exit(1)
