import { createEngine, memoryState, renderPlanDot, renderPlanMermaid } from '@skyloom/core'
import { defineCommand } from '../command.js'
import { helpFlags, stateFlags } from '../common-flags.js'
import { ExitCode } from '../exit-codes.js'
import { openModuleRun } from '../module-run.js'
import { UsageError } from '../usage-error.js'

const FORMATS = ['mermaid', 'dot'] as const

/** `skyloom graph`: the plan's DAG as Mermaid or DOT. */
export const graphCommand = defineCommand({
  name: 'graph',
  summary: "print the plan's step graph as Mermaid or Graphviz DOT",
  description: [
    "Prints the DAG of the plan's steps (one node per cloud operation, edges from dependency to",
    'dependent) on stdout, ready for a Markdown file or `dot -Tsvg`. By default the graph of what an',
    'apply would do now; --all graphs every resource as a first apply would create them.',
  ].join('\n'),
  positionals: ['stack-module'],
  flags: {
    format: { type: 'string', value: 'FORMAT', description: 'mermaid (default) or dot' },
    all: { type: 'boolean', description: 'graph the whole stack, ignoring the state (as if creating it)' },
    destroy: { type: 'boolean', description: "graph the destroy plan's steps" },
    ...stateFlags,
    'no-color': { type: 'boolean', description: 'no colours in messages' },
    ...helpFlags,
  },
  examples: [
    'skyloom graph stack.ts > plan.mmd',
    'skyloom graph stack.ts --format dot | dot -Tsvg > plan.svg',
  ],
  async run({ io, output, flags, args }) {
    const format = flags.format ?? 'mermaid'
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}".`, 'graph')
    }
    if (flags.all && flags.destroy) {
      throw new UsageError(
        '--all and --destroy do not go together: --all graphs creating the stack.',
        'graph',
      )
    }
    const run = await openModuleRun(io, output, {
      command: 'graph',
      modulePath: args[0] ?? '',
      flags,
      showDrift: false,
      progressTo: 'stderr',
    })
    try {
      // --all: plan against an empty state, on the module's clock, so every resource appears.
      const engine = flags.all
        ? createEngine({ ...run.module.engineOptions, state: memoryState() })
        : run.engine
      const plan = await engine.plan(run.stack, { mode: flags.destroy ? 'destroy' : 'update' })
      run.close()
      io.stdout.write(`${format === 'dot' ? renderPlanDot(plan) : renderPlanMermaid(plan)}\n`)
      if (plan.steps.length === 0) {
        output.warn('The plan has no steps (nothing to change); use --all to graph the whole stack.')
      }
      return ExitCode.Success
    } finally {
      run.close()
    }
  },
})
