import { defineCommand } from '../../command.js'
import { helpFlags, outputFlags, stateFlags } from '../../common-flags.js'
import { confirm } from '../../confirm.js'
import { ExitCode } from '../../exit-codes.js'
import { UsageError } from '../../usage-error.js'
import { stateEngine } from './state-engine.js'

/** `skyloom state unlock`: break a stack's lock. */
export const stateUnlockCommand = defineCommand({
  name: 'state unlock',
  summary: "break a stack's lock left by a process that is gone",
  description: [
    "Breaks a stack's lock, whoever holds it. Only for a lock left behind by a process that is gone",
    '(stale locks of dead processes on this host and expired leases are broken automatically): breaking',
    'the lock of a running apply lets two operations write the same state.',
  ].join('\n'),
  positionals: ['stack'],
  flags: {
    yes: {
      type: 'boolean',
      short: 'y',
      description: 'unlock without asking (required when stdin is not a terminal)',
    },
    ...stateFlags,
    ...outputFlags,
    ...helpFlags,
  },
  examples: ['skyloom state unlock web'],
  async run({ io, output, flags, args }) {
    const name = args[0] ?? ''
    if (output.json && !flags.yes) {
      throw new UsageError('--json cannot ask for confirmation; add --yes.', 'state unlock')
    }
    const { engine } = await stateEngine(io, flags)
    if (!flags.yes) {
      const agreed = await confirm(io, io.stdout, `Break the lock of stack "${name}", whoever holds it?`)
      if (!agreed) {
        output.say('Left the lock alone.')
        return ExitCode.Failed
      }
    }
    const holder = await engine.forceUnlock(name)
    if (holder) {
      output.say(
        output.style.green(
          `✓ Unlocked stack "${name}". It was held by ${holder.owner} (${holder.operation}, pid ${holder.pid} on ${holder.host}, since ${holder.acquiredAt}).`,
        ),
      )
    } else {
      output.say(`Stack "${name}" was not locked.`)
    }
    output.jsonLine({
      type: 'result',
      command: 'state unlock',
      stack: name,
      holder: holder ?? null,
      exitCode: ExitCode.Success,
    })
    return ExitCode.Success
  },
})
