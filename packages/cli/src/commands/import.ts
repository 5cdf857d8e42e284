import { ProviderError } from '@skyloom/core'
import { defineCommand } from '../command.js'
import { helpFlags, outputFlags, stateFlags } from '../common-flags.js'
import { ExitCode } from '../exit-codes.js'
import { InputError } from '../input-error.js'
import { openModuleRun } from '../module-run.js'

/** `skyloom import`: bring an existing cloud resource under management. */
export const importCommand = defineCommand({
  name: 'import',
  summary: 'bring an existing cloud resource under management',
  description: [
    'Reads the cloud resource <cloud-id> and records it in the state as the stack resource <resource>',
    '(kind/name, or a full URN stack/kind/name). Declare the resource in the stack module first.',
    'Nothing in the cloud changes; the next plan shows any difference between it and the declaration.',
  ].join('\n'),
  positionals: ['stack-module', 'resource', 'cloud-id'],
  flags: { ...stateFlags, ...outputFlags, ...helpFlags },
  examples: [
    'skyloom import stack.ts instance/legacy i-0abc123',
    'skyloom import stack.ts web/network/net vpc-42',
  ],
  async run({ io, output, flags, args }) {
    const [modulePath = '', target = '', id = ''] = args
    const run = await openModuleRun(io, output, { command: 'import', modulePath, flags, showDrift: false })
    try {
      const resource = await run.engine.import(run.stack, target, id).catch((error: unknown) => {
        // A wrong id is bad input, not a failed operation.
        if (ProviderError.isInstance(error) && error.classification === 'not-found') {
          throw new InputError(error.message, { cause: error })
        }
        throw error
      })
      run.close()
      const state = await run.engine.readState(run.stack.name)
      output.say(
        output.style.green(
          `✓ Imported ${resource.kind} ${resource.id} as ${resource.urn} (state version ${state?.version ?? '?'}).`,
        ),
      )
      output.say(output.style.dim(`Compare it with its declaration: skyloom plan ${modulePath}`))
      output.jsonLine({
        type: 'result',
        command: 'import',
        stack: run.stack.name,
        urn: resource.urn,
        kind: resource.kind,
        id: resource.id,
        status: resource.status,
        stateVersion: state?.version,
        exitCode: ExitCode.Success,
      })
      return ExitCode.Success
    } finally {
      run.close()
    }
  },
})
