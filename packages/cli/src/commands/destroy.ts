import { defineCommand } from '../command.js'
import { helpFlags, outputFlags, stateFlags } from '../common-flags.js'
import { runApplyFlow } from './apply-flow.js'

/** `skyloom destroy`: delete every resource of the stack. */
export const destroyCommand = defineCommand({
  name: 'destroy',
  summary: 'delete every resource of the stack',
  description: [
    'Plans the deletion of every resource of the stack (dependents first), asks for confirmation',
    'on a terminal, and runs it. Protected resources stop the plan; resources with retainOnDelete',
    'are forgotten, not deleted.',
  ].join('\n'),
  positionals: ['stack-module'],
  flags: {
    yes: {
      type: 'boolean',
      short: 'y',
      description: 'destroy without asking (required when stdin is not a terminal)',
    },
    'fail-fast': { type: 'boolean', description: 'start no new step after the first failure' },
    report: { type: 'string', value: 'FILE.html', description: 'write an HTML report of the run' },
    ...stateFlags,
    ...outputFlags,
    ...helpFlags,
  },
  examples: ['skyloom destroy stack.ts', 'skyloom destroy stack.ts --yes --json'],
  async run({ io, output, flags, args }) {
    return runApplyFlow(io, output, {
      command: 'destroy',
      modulePath: args[0] ?? '',
      stateFlags: flags,
      yes: flags.yes === true,
      refresh: false,
      failFast: flags['fail-fast'] === true,
      detail: false,
      planFile: undefined,
      reportFile: flags.report,
    })
  },
})
