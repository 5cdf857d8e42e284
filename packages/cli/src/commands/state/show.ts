import { defineCommand } from '../../command.js'
import { helpFlags, outputFlags, stateFlags } from '../../common-flags.js'
import { ExitCode } from '../../exit-codes.js'
import { formatValue } from '../../output/format-value.js'
import { renderTable } from '../../output/table.js'
import { requireStack, stateEngine } from './state-engine.js'

/** `skyloom state show`: resources and outputs of a stack, secrets hidden. */
export const stateShowCommand = defineCommand({
  name: 'state show',
  summary: "show a stack's resources and outputs",
  description: [
    "Shows a stack's resources (URN, kind, cloud id, status) and their outputs, as the state records",
    'them. Secrets show as (secret), whatever the passphrase.',
  ].join('\n'),
  positionals: ['stack'],
  flags: { ...stateFlags, ...outputFlags, ...helpFlags },
  examples: ['skyloom state show web', 'skyloom state show web --json'],
  async run({ io, output, flags, args }) {
    const name = args[0] ?? ''
    const { engine, settings } = await stateEngine(io, flags)
    const state = await engine.readState(name)
    if (!state) {
      await requireStack(engine, name, settings)
      return ExitCode.BadInput
    }
    const s = output.style
    const resources = Object.values(state.resources).sort((a, b) => a.urn.localeCompare(b.urn))
    output.say(
      `Stack "${state.stack}" at state version ${state.version} (updated ${state.updatedAt}): ${resources.length} resource${resources.length === 1 ? '' : 's'}.`,
    )
    if (resources.length > 0) {
      output.say()
      const rows = resources.map((resource) => [resource.urn, resource.kind, resource.id, resource.status])
      for (const line of renderTable(['URN', 'KIND', 'ID', 'STATUS'], rows)) output.say(line)
    }
    const withOutputs = resources.filter((resource) => Object.keys(resource.outputs).length > 0)
    if (withOutputs.length > 0) {
      output.say()
      output.say(s.bold('Outputs'))
      for (const resource of withOutputs) {
        output.say(`  ${resource.urn}`)
        for (const [key, value] of Object.entries(resource.outputs)) {
          output.say(`    ${key} = ${formatValue(value)}`)
        }
      }
    }
    const pending = Object.values(state.pending)
    if (pending.length > 0) {
      output.say()
      output.say(
        s.yellow(
          `${pending.length} interrupted operation(s), resolved by the next plan or apply: ${pending.map((intent) => `${intent.operation} ${intent.urn}`).join(', ')}`,
        ),
      )
    }
    if (state.condemned.length > 0) {
      output.say(
        s.yellow(
          `${state.condemned.length} replaced resource(s) waiting to be deleted: ${state.condemned.map((resource) => `${resource.urn} (${resource.id})`).join(', ')}`,
        ),
      )
    }
    output.jsonLine({
      type: 'result',
      command: 'state show',
      stack: state.stack,
      version: state.version,
      updatedAt: state.updatedAt,
      // Secret values serialize as { "$secret": true }: never their plaintext.
      resources: resources.map((resource) => ({
        urn: resource.urn,
        kind: resource.kind,
        id: resource.id,
        status: resource.status,
        outputs: resource.outputs,
      })),
      pending: pending.map((intent) => ({ urn: intent.urn, operation: intent.operation })),
      exitCode: ExitCode.Success,
    })
    return ExitCode.Success
  },
})
