import { defineCommand } from '../../command.js'
import { helpFlags, outputFlags, stateFlags } from '../../common-flags.js'
import { ExitCode } from '../../exit-codes.js'
import { renderTable } from '../../output/table.js'
import { requireStack, stateEngine } from './state-engine.js'

/** `skyloom state history`: saved versions of a stack's state. */
export const stateHistoryCommand = defineCommand({
  name: 'state history',
  summary: "list the saved versions of a stack's state",
  description: "Lists the saved versions of a stack's state, newest first; any of them can be restored.",
  positionals: ['stack'],
  flags: { ...stateFlags, ...outputFlags, ...helpFlags },
  examples: ['skyloom state history web'],
  async run({ io, output, flags, args }) {
    const name = args[0] ?? ''
    const { engine, settings } = await stateEngine(io, flags)
    await requireStack(engine, name, settings)
    const history = await engine.history(name)
    const rows = history.map((entry) => [
      String(entry.version),
      entry.at,
      entry.operation,
      String(entry.resources),
    ])
    for (const line of renderTable(['VERSION', 'SAVED', 'OPERATION', 'RESOURCES'], rows)) output.say(line)
    if (history.length > 1) {
      output.say()
      output.say(output.style.dim(`Go back to a version: skyloom state restore ${name} <version>`))
    }
    output.jsonLine({
      type: 'result',
      command: 'state history',
      stack: name,
      history,
      exitCode: ExitCode.Success,
    })
    return ExitCode.Success
  },
})
