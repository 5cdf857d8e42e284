import { createEngine, type Engine } from '@skyloom/core'
import { InputError } from '../../input-error.js'
import type { ResolvedIo } from '../../io.js'
import { readStateSettings, type StateSettings, stateStoreOf } from '../../state-settings.js'

/**
 * An engine over the state directory alone: state commands need no stack module (and no
 * cloud), only the store, whose history, restore and unlock the engine provides.
 */
export async function stateEngine(
  io: ResolvedIo,
  flags: { readonly 'state-dir'?: string; readonly 'passphrase-file'?: string },
): Promise<{ engine: Engine; settings: StateSettings }> {
  const settings = await readStateSettings(io, flags)
  return { engine: createEngine({ state: stateStoreOf(settings) }), settings }
}

/** Fails with a helpful message when the stack has no state in the directory. */
export async function requireStack(engine: Engine, stack: string, settings: StateSettings): Promise<void> {
  const stacks = await engine.store.stacks()
  if (stacks.includes(stack)) return
  const known = stacks.length > 0 ? `Stacks there: ${stacks.join(', ')}.` : 'It holds no stacks.'
  throw new InputError(
    `No state for stack "${stack}" in ${settings.dir}. ${known} Use --state-dir to point at another directory.`,
  )
}
