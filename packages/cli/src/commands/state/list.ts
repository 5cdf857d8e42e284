import { defineCommand } from '../../command.js'
import { helpFlags, outputFlags, stateFlags } from '../../common-flags.js'
import { ExitCode } from '../../exit-codes.js'
import { renderTable } from '../../output/table.js'
import { stateEngine } from './state-engine.js'

/** `skyloom state list`: the stacks in the state directory. */
export const stateListCommand = defineCommand({
  name: 'state list',
  summary: 'list the stacks in the state directory',
  description:
    'Lists every stack with a state in the state directory: its version, resources and last change.',
  positionals: [],
  flags: { ...stateFlags, ...outputFlags, ...helpFlags },
  examples: ['skyloom state list', 'skyloom state list --state-dir /var/lib/skyloom'],
  async run({ io, output, flags }) {
    const { engine, settings } = await stateEngine(io, flags)
    const stacks = []
    for (const name of await engine.store.stacks()) {
      const state = await engine.readState(name)
      if (state) {
        stacks.push({
          stack: name,
          version: state.version,
          resources: Object.keys(state.resources).length,
          pending: Object.keys(state.pending).length,
          updatedAt: state.updatedAt,
        })
      }
    }
    if (stacks.length === 0) {
      output.say(`No stacks in ${settings.dir}.`)
    } else {
      output.say(output.style.dim(`State directory: ${settings.dir}`))
      const rows = stacks.map((row) => [
        row.stack,
        String(row.version),
        String(row.resources),
        row.updatedAt,
        row.pending > 0 ? `${row.pending} interrupted operation(s)` : '',
      ])
      for (const line of renderTable(['STACK', 'VERSION', 'RESOURCES', 'UPDATED', ''], rows)) output.say(line)
    }
    output.jsonLine({
      type: 'result',
      command: 'state list',
      dir: settings.dir,
      stacks,
      exitCode: ExitCode.Success,
    })
    return ExitCode.Success
  },
})
