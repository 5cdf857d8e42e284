import { defineCommand } from '../command.js'
import { helpFlags, outputFlags, stateFlags } from '../common-flags.js'
import { UsageError } from '../usage-error.js'
import { runApplyFlow } from './apply-flow.js'

/** `skyloom apply`: plan, confirm, apply with live progress. */
export const applyCommand = defineCommand({
  name: 'apply',
  summary: 'plan, confirm and apply the stack with live progress',
  description: [
    'Plans the stack, shows the plan, asks for confirmation on a terminal, then applies it with live',
    'progress. Failed steps skip their dependents; independent steps go on (unless --fail-fast).',
    'Ctrl-C cancels gracefully; a second Ctrl-C exits at once.',
  ].join('\n'),
  positionals: ['stack-module'],
  flags: {
    yes: {
      type: 'boolean',
      short: 'y',
      description: 'apply without asking (required when stdin is not a terminal)',
    },
    'plan-file': {
      type: 'string',
      value: 'FILE',
      description: 'apply a plan saved by `skyloom plan --out FILE` (refused if the state moved since)',
    },
    refresh: { type: 'boolean', description: 'read every resource from the cloud before planning' },
    'fail-fast': { type: 'boolean', description: 'start no new step after the first failure' },
    report: {
      type: 'string',
      value: 'FILE.html',
      description: 'write an HTML report of the apply (timeline, critical path, retries, graph)',
    },
    detail: { type: 'boolean', description: 'show every prop of resources to create in the plan' },
    ...stateFlags,
    ...outputFlags,
    ...helpFlags,
  },
  examples: [
    'skyloom apply stack.ts',
    'skyloom apply stack.ts --yes --report apply.html',
    'skyloom plan stack.ts --out plan.json && skyloom apply stack.ts --plan-file plan.json --yes',
  ],
  async run({ io, output, flags, args }) {
    if (flags['plan-file'] !== undefined && flags.refresh) {
      throw new UsageError(
        '--refresh cannot be combined with --plan-file: a saved plan is applied as it was made. Plan again with --refresh instead.',
        'apply',
      )
    }
    return runApplyFlow(io, output, {
      command: 'apply',
      modulePath: args[0] ?? '',
      stateFlags: flags,
      yes: flags.yes === true,
      refresh: flags.refresh === true,
      failFast: flags['fail-fast'] === true,
      detail: flags.detail === true,
      planFile: flags['plan-file'],
      reportFile: flags.report,
    })
  },
})
