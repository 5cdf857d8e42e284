import type { ResourceDrift } from '@skyloom/core'
import { defineCommand } from '../command.js'
import { helpFlags, outputFlags, stateFlags } from '../common-flags.js'
import { ExitCode } from '../exit-codes.js'
import { openModuleRun } from '../module-run.js'
import { formatValue } from '../output/format-value.js'
import type { Style } from '../output/style.js'

/** `skyloom refresh`: read the cloud, record what is there, report drift. */
export const refreshCommand = defineCommand({
  name: 'refresh',
  summary: 'read every resource from the cloud and report drift',
  description: [
    'Reads every resource of the stack from its cloud, records what is really there in the state,',
    'and lists what drifted (changed or deleted outside Skyloom). Changes nothing in the cloud;',
    'run `skyloom plan` afterwards to see what converging back on the stack would do.',
  ].join('\n'),
  positionals: ['stack-module'],
  flags: {
    'detailed-exitcode': { type: 'boolean', description: 'exit 3 when something drifted (0 when not)' },
    ...stateFlags,
    ...outputFlags,
    ...helpFlags,
  },
  examples: ['skyloom refresh stack.ts', 'skyloom refresh stack.ts --json'],
  async run({ io, output, flags, args }) {
    const modulePath = args[0] ?? ''
    const run = await openModuleRun(io, output, { command: 'refresh', modulePath, flags, showDrift: false })
    try {
      const result = await run.engine.refresh(run.stack)
      run.close()
      const s = output.style
      output.say(
        `Refreshed stack "${result.stack}": ${result.resources.length} resource${result.resources.length === 1 ? '' : 's'} read, state version ${result.stateVersion}.`,
      )
      if (result.drifted.length === 0) {
        output.say(s.green('No drift: the cloud matches the state.'))
      } else {
        for (const drift of result.drifted) for (const line of driftLines(drift, s)) output.say(line)
        output.say()
        output.say(
          `${result.drifted.length} resource${result.drifted.length === 1 ? '' : 's'} drifted. The state now records what is in the cloud; ${s.bold(`skyloom plan ${modulePath}`)} shows how to bring it back to the stack.`,
        )
      }
      const unreadable = result.resources.filter((resource) => resource.status === 'unreadable')
      for (const resource of unreadable) output.say(s.yellow(`Could not read ${resource.urn}.`))
      const exitCode =
        result.drifted.length > 0 && flags['detailed-exitcode'] ? ExitCode.ChangesPresent : ExitCode.Success
      output.jsonLine({
        type: 'result',
        command: 'refresh',
        stack: result.stack,
        operationId: result.operationId,
        stateVersion: result.stateVersion,
        resources: result.resources,
        drifted: result.drifted.map((drift) => drift.urn),
        exitCode,
      })
      return exitCode
    } finally {
      run.close()
    }
  },
})

function driftLines(drift: ResourceDrift, s: Style): string[] {
  if (drift.status === 'deleted') return [s.red(`  - ${drift.urn}: deleted outside Skyloom`)]
  return [
    s.yellow(`  ~ ${drift.urn}:`),
    ...drift.fields.map(
      (field) => `      ${field.path}: ${formatValue(field.recorded)} -> ${formatValue(field.actual)}`,
    ),
  ]
}
