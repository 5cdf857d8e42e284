import { defineCommand } from '../../command.js'
import { helpFlags, outputFlags, stateFlags } from '../../common-flags.js'
import { ExitCode } from '../../exit-codes.js'
import { UsageError } from '../../usage-error.js'
import { requireStack, stateEngine } from './state-engine.js'

/** `skyloom state restore`: make an earlier version current again. */
export const stateRestoreCommand = defineCommand({
  name: 'state restore',
  summary: "make an earlier version of a stack's state current again",
  description: [
    'Makes a saved version the current state, as a new version (nothing is lost: the version it',
    'replaces stays in the history). The cloud is not touched; the next plan converges it on the stack.',
  ].join('\n'),
  positionals: ['stack', 'version'],
  flags: { ...stateFlags, ...outputFlags, ...helpFlags },
  examples: ['skyloom state history web', 'skyloom state restore web 12'],
  async run({ io, output, flags, args }) {
    const [name = '', versionText = ''] = args
    const version = Number(versionText)
    if (!Number.isInteger(version) || version < 0) {
      throw new UsageError(
        `The version must be a whole number from \`skyloom state history\`, not "${versionText}".`,
        'state restore',
      )
    }
    const { engine, settings } = await stateEngine(io, flags)
    await requireStack(engine, name, settings)
    const history = await engine.history(name)
    if (!history.some((entry) => entry.version === version)) {
      const kept = history.map((entry) => entry.version).join(', ')
      throw new UsageError(
        `Stack "${name}" has no saved version ${version}; saved versions: ${kept}.`,
        'state restore',
      )
    }
    const state = await engine.restore(name, version)
    const resources = Object.keys(state.resources).length
    output.say(
      output.style.green(
        `✓ Restored stack "${name}" to version ${version}, saved as version ${state.version} (${resources} resource${resources === 1 ? '' : 's'}).`,
      ),
    )
    output.say('The cloud was not touched. `skyloom plan` shows what converging it on the stack would do.')
    output.jsonLine({
      type: 'result',
      command: 'state restore',
      stack: name,
      restored: version,
      version: state.version,
      resources,
      exitCode: ExitCode.Success,
    })
    return ExitCode.Success
  },
})
