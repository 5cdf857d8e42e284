import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { planHasChanges, renderPlanJson, renderPlanText } from '@skyloom/core'
import { defineCommand } from '../command.js'
import { helpFlags, outputFlags, stateFlags } from '../common-flags.js'
import { ExitCode } from '../exit-codes.js'
import { openModuleRun } from '../module-run.js'

/** `skyloom plan`: what apply would change, with costs. */
export const planCommand = defineCommand({
  name: 'plan',
  summary: 'show what apply would change, with monthly costs',
  description: [
    'Plans the stack against its state and prints the changes: + create, ~ update, -/+ replace,',
    '- delete, with field diffs and the monthly cost before and after. Changes nothing in the cloud.',
  ].join('\n'),
  positionals: ['stack-module'],
  flags: {
    refresh: {
      type: 'boolean',
      description: 'read every resource from the cloud first, so drift shows as changes',
    },
    destroy: { type: 'boolean', description: 'plan the deletion of the whole stack' },
    out: {
      type: 'string',
      value: 'FILE',
      description: 'save the plan as JSON for `skyloom apply --plan-file FILE`',
    },
    detail: { type: 'boolean', description: 'show every prop of resources to create' },
    'detailed-exitcode': { type: 'boolean', description: 'exit 3 when there are changes (0 when none)' },
    ...stateFlags,
    ...outputFlags,
    ...helpFlags,
  },
  examples: [
    'skyloom plan stack.ts',
    'skyloom plan stack.ts --refresh --out plan.json',
    'skyloom plan stack.ts --detailed-exitcode || echo "changes (3) or error"',
  ],
  async run({ io, output, flags, args }) {
    const modulePath = args[0] ?? ''
    const run = await openModuleRun(io, output, {
      command: 'plan',
      modulePath,
      flags,
      showDrift: true,
    })
    try {
      const plan = await run.engine.plan(run.stack, {
        refresh: flags.refresh === true,
        mode: flags.destroy ? 'destroy' : 'update',
      })
      run.close()
      output.say(renderPlanText(plan, { color: output.style.enabled, detail: flags.detail === true }))
      const changes = planHasChanges(plan)
      let planFile: string | undefined
      if (flags.out !== undefined) {
        planFile = resolve(io.cwd, flags.out)
        await mkdir(dirname(planFile), { recursive: true })
        await writeFile(planFile, `${renderPlanJson(plan)}\n`, 'utf8')
        output.say()
        output.say(`Saved the plan to ${planFile}.`)
        output.say(
          output.style.dim(`Apply exactly this plan: skyloom apply ${modulePath} --plan-file ${flags.out}`),
        )
      } else if (changes) {
        output.say()
        output.say(output.style.dim(`Make these changes: skyloom apply ${modulePath}`))
      }
      const exitCode = changes && flags['detailed-exitcode'] ? ExitCode.ChangesPresent : ExitCode.Success
      output.jsonLine({
        type: 'result',
        command: 'plan',
        stack: plan.stack,
        changes,
        summary: plan.summary,
        cost: plan.cost,
        stateVersion: plan.stateVersion,
        ...(planFile ? { planFile } : {}),
        plan,
        exitCode,
      })
      return exitCode
    } finally {
      run.close()
    }
  },
})
